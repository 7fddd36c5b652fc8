"""The city's 核验 as two jobs: draw a sample of the period's items and write the 核验清单
(``shishi verify sample``), and record a filled list's results (``shishi verify import``).

Both run under the ledger's run lock. The sample is recorded before its list is written, and
drawing it again with the same seed gives the same sample (the same id), so a list lost or
never written is simply drawn again. An import either records every line or, when anything
is wrong with the list, nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from workbook.app.runlock import locked_ledger
from workbook.catalogue.model import Catalogue
from workbook.core import problems as codes
from workbook.core.errors import InputError
from workbook.core.findings import Problem
from workbook.core.items import item_key
from workbook.core.period import Period, parse_period
from workbook.core.settings import Settings
from workbook.core.submission import ACCEPTED
from workbook.core.verify import RESULTS, draw, sample_id
from workbook.outputs.verifylist import write_verify_list
from workbook.returns.verifylist import check_list, list_identity


class ListRefused(InputError):
    """A 核验清单 that cannot be recorded, with every problem found in it."""

    def __init__(self, name: str, problems: list[Problem]) -> None:
        self.problems = problems
        lines = [f"核验清单 {name} 未导入，台账未改动。共 {len(problems)} 处问题："]
        lines += [
            "  "
            + (f"{p.sheet}!{p.cell} " if p.cell else "")
            + p.message
            + (f" 怎么改：{p.action}" if p.action else "")
            for p in problems
        ]
        super().__init__("\n".join(lines))


@dataclass
class Drawn:
    sample: dict[str, Any]
    path: Path
    new: bool  # False when the same sample had been drawn before
    backup: str = ""  # where the ledger's backup went, or why it failed


@dataclass
class Imported:
    sample: dict[str, Any]
    counts: dict[str, int] = field(default_factory=dict)  # result ("" = not filled) → lines
    backup: str = ""  # where the ledger's backup went, or why it failed


def new_seed() -> str:
    """A seed for a draw the office did not give one for: eight random digits."""
    return f"{secrets.randbelow(10**8):08d}"


def draw_sample(
    cat: Catalogue,
    settings: Settings,
    ledger_path: Path,
    period: Period,
    per_unit: int,
    seed: str,
    out: Path,
) -> Drawn:
    """Draw ``per_unit`` items per unit from the period's accepted lists, record the sample
    and write its 核验清单 to ``out``."""
    if per_unit < 1:
        raise InputError(f"每单位抽取条数应至少为 1，实际为 {per_unit}。")
    with locked_ledger(ledger_path, settings) as ledger:
        subs = ledger.submissions(cat.catalogue_id, period.code, with_values=False)
        items = {s.unit: s.items for s in subs if s.status == ACCEPTED}
        if not items:
            raise InputError(f"报送台账中没有{period.label}已采用的报送：请先汇总本期再抽查。")
        done = ledger.verified_keys(cat.catalogue_id, period)
        lines = draw(items, list(cat.unit_ids), per_unit, seed, done)
        if not lines:
            raise InputError(f"{period.label}各单位已采用的报送中没有可抽取的明细（或均已核验）。")
        population = {
            u: [len(its), sum(1 for it in its if (u, int(it["seq"]), item_key(it)) not in done)]
            for u, its in items.items()
        }
        sid = sample_id(cat.catalogue_id, period.code, seed, lines)
        sample = ledger.sample(sid)
        new = sample is None
        if sample is None:
            sample = {"id": sid, "catalogue_id": cat.catalogue_id, "period": period.code,
                      "seed": seed, "per_unit": per_unit, "population": population,
                      "lines": lines, "drawn_at": datetime.now().isoformat(timespec="seconds")}  # fmt: skip
            ledger.record_sample(sample)
    path = write_verify_list(cat, period, sample, out, settings.sheet_password)
    return Drawn(sample, path, new, ledger.backup_note)


def import_results(
    cat: Catalogue, settings: Settings, ledger_path: Path, path: Path, period: Period | None = None
) -> Imported:
    """Record the results of the filled list at ``path``; refuses the whole list
    (``ListRefused``) when it names no issued sample or anything in it is wrong, and
    (``InputError``) when ``period`` is given and the list is another period's."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"无法读取核验清单 {path}：{exc}") from exc
    sid, grid, why = list_identity(data)
    with locked_ledger(ledger_path, settings) as ledger:
        sample = ledger.sample(sid) if sid else None
        if sample is None or sample["catalogue_id"] != cat.catalogue_id or grid is None:
            reason = why or (
                f"报送台账中没有抽查编号“{sid}”：这不是本台账 verify sample 生成的核验清单。"
                if sid
                else "文件没有抽查编号：这不是 verify sample 生成的核验清单。"
            )
            if sample is not None and sample["catalogue_id"] != cat.catalogue_id:
                reason = f"该核验清单属于目录 {sample['catalogue_id']}，不是当前目录 {cat.catalogue_id}。"
            raise ListRefused(path.name, [Problem(code=codes.VERIFY_NOT_ISSUED, file=path.name,
                                                  message=reason, action="请导入 verify sample 生成、"
                                                  "只填写了核验结果等四列的原文件。")])  # fmt: skip
        if period is not None and sample["period"] != period.code:
            own = parse_period(sample["period"]).label
            raise InputError(
                f"核验清单 {path.name} 是{own}的抽查（编号 {sid}），不是{period.label}的，未导入："
                f"请导入{period.label}的核验清单，或把期次改为{own}后再导入。"
            )
        results, found = check_list(path.name, grid, sample, lambda s: cat.indicator(s).name)
        if [p for p in found if p.severity == "error"]:
            raise ListRefused(path.name, found)
        filled = [r for r in results if r["result"]]  # a blank line never erases a result
        if not filled:
            raise InputError(
                f"核验清单 {path.name} 中还没有填写任何核验结果，未导入。请在“核验结果”列选择"
                "通过、不通过 或 待核 后再导入。"
            )
        ledger.record_results(sid, filled, path.name, hashlib.sha256(data).hexdigest())
    counts = dict.fromkeys(("", *RESULTS), 0)
    for r in results:
        counts[r["result"]] += 1
    return Imported(sample, counts, ledger.backup_note)
