"""A period's templates from the ledger: each unit's latest accepted figures of the year become
its 上期累计, and the start-of-year bases of its stocks are locked in.

The one place where the ledger meets the template builder: ``shishi generate``, the demo and
the tests call ``generate_period``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbook.catalogue.model import Catalogue, check_period_year
from workbook.core.files import check_folder
from workbook.core.period import Period
from workbook.core.settings import Settings, load_settings
from workbook.ledger.store import Ledger
from workbook.template.build import generate


@dataclass
class Generated:
    """What ``generate_period`` wrote and what it carried from the ledger."""

    paths: list[Path]
    ledger_path: Path | None
    ledger_found: bool = False
    # unit -> 序号 -> (period code, value): the 上期累计 each template carries
    previous: dict[str, dict[int, tuple[str, float | str]]] = field(default_factory=dict)
    bases: dict[str, dict[int, float]] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)  # settings to fill before sending

    @property
    def carried_periods(self) -> list[str]:
        """The earlier periods whose accepted figures were carried forward."""
        return sorted({code for vals in self.previous.values() for code, _ in vals.values()})


def generate_period(
    cat: Catalogue,
    period: Period,
    out_dir: Path | str,
    units: Iterable[str] | None = None,
    settings: Settings | None = None,
    ledger_path: Path | None = None,
) -> Generated:
    """Write ``period``'s template for each unit (all when ``units`` is None) into ``out_dir``,
    carrying forward what ``ledger_path`` holds for the year; a missing ledger carries
    nothing (the first period, or a new office). Refuses a period outside the catalogue's
    year before anything is read or written."""
    check_period_year(cat, period)
    check_folder(out_dir, "模板的输出文件夹")
    settings = settings or load_settings()
    result = Generated([], ledger_path)
    items: dict[str, list[dict[str, Any]]] = {}  # 明细台账 items carried forward (locked)
    if ledger_path is not None and ledger_path.exists():
        result.ledger_found = True
        with Ledger(ledger_path) as ledger:
            result.previous = ledger.latest_before(cat.catalogue_id, period)
            result.bases = ledger.bases(cat.catalogue_id, period.year, before=period)
            items = ledger.items_before(cat.catalogue_id, period)
    result.paths = generate(
        cat, period, out_dir, units, settings, result.previous, bases=result.bases, items=items
    )
    result.notices = [cat.worded(n) for n in placeholder_settings(settings)]
    return result


_PLACEHOLDER = re.compile(r"0{5,}|example|\.invalid$|^$|xxx", re.IGNORECASE)


def placeholder_settings(settings: Settings) -> list[str]:
    """The contact details the templates show that still look like the shipped examples
    (0580-0000000, an example.invalid address, an empty name): to fill in before sending."""
    where = settings.path or "templates/settings.json"
    c = settings.contact
    odd = [
        f"{label}“{value}”"
        for label, value in (("联系人", c.name), ("电话", c.phone), ("邮箱", c.email))
        if _PLACEHOLDER.search(value.strip())
    ]
    if not odd:
        return []
    return [
        f"注意：模板的填报说明显示市局联系方式，而设置中的{'、'.join(odd)}像是示例或空白。"
        f"请在 {where} 的 contact 中填写后重新生成，再下发模板。"
    ]
