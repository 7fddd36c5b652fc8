"""``shishi report-up``: a county's consolidation becomes its return to the parent.

From the county's ledger, the parent's own template for the county and the period, prefilled
with the county's figures (rolled up from its 所, ``consolidation.levels.rolled_up``) and the
bases of its stocks, its signature block open, carrying an origin and, unless left out, a
protected 所明细 sheet. The parent's consolidation accepts it as it accepts any return of the
county. The county's ledger records each revision sent (``Ledger.record_sent``);
``check_sent`` says when a 所 correction made the last one out of date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from workbook.app.runlock import locked_ledger
from workbook.catalogue.model import Catalogue, reporting_rows
from workbook.consolidation.figures import compute_figures
from workbook.consolidation.levels import RolledUp, parent_seqs, rolled_up, stale
from workbook.core.errors import InputError
from workbook.core.levels import DETAIL_SHEET, DETAIL_SHEET_UNITS, digest
from workbook.core.period import Period
from workbook.core.settings import Settings
from workbook.core.submission import ACCEPTED
from workbook.ledger.store import Ledger
from workbook.template.build import build_template, template_filename
from workbook.template.prefill import Prefill


@dataclass
class Sent:
    path: Path
    revision: int
    reported: list[str]
    missing: list[str]
    values: dict[int, float | str]
    backup: str = ""  # where the ledger's backup went, or why it failed


def parent_unit(cat: Catalogue, parent: Catalogue) -> str:
    """The county's unit in ``parent``; refuses a catalogue that is not derived from it, or
    whose targets there changed since (each row named, old → new)."""
    named = cat.parent or {}
    if not named:
        raise InputError(
            f"目录 {cat.catalogue_id} 没有上级目录（不是 catalogue derive 或 link 生成的）。"
        )
    if (named["catalogue_id"], named["version"]) != (parent.catalogue_id, parent.version):
        raise InputError(
            f"本级目录的上级是 {named['catalogue_id']} {named['version']}，而给出的上级目录是 "
            f"{parent.catalogue_id} {parent.version}。请核对 --parent，或按上级新版目录重新分解。"
        )
    unit = str(named["unit"])
    if named.get("targets_hash") == parent.unit_targets_hash(unit):
        return unit
    owed = {r.indicator.seq: r.target.text for r in reporting_rows(parent, unit)}
    mine = {p: cat.indicator(s).city.text for s, p in parent_seqs(cat).items()}
    changed = [
        f"序号 {p}：{mine.get(p, '（无此行）')} → {t}" for p, t in owed.items() if mine.get(p) != t
    ]
    if changed or not cat.level:  # linked (no level): the hash is all there is to compare
        raise InputError(
            f"上级目录中{unit}的目标在分解之后改动过，不能按旧目标生成报送：\n  "
            + "\n  ".join(changed)
            + "\n请按上级现行目标重新分解（catalogue derive，核对各所目标后 import）或重新对照（catalogue link），再生成。"
        )
    return unit


def county_now(
    cat: Catalogue, ledger: Ledger, period: Period
) -> tuple[RolledUp, list[str], dict[str, str], list[dict[str, Any]]]:
    """The county's figures for the parent from what its ledger accepted for ``period``; the
    所 that have not reported; each reported 所's file; the 所's 明细台账 items (under the
    parent's 序号, each saying which 所 listed it)."""
    subs = ledger.submissions(cat.catalogue_id, period.code)
    accepted = {s.unit: s for s in subs if s.status == ACCEPTED}
    bases = ledger.bases(cat.catalogue_id, period.year)
    unit_values, city = compute_figures(cat, period.months, accepted, bases)
    missing = [u for u in cat.unit_ids if u not in accepted and reporting_rows(cat, u)]
    seqs = parent_seqs(cat)
    items = [
        it | {"seq": seqs[it["seq"]], "remark": f"{u}：{it.get('remark', '')}".rstrip("：")}
        for u, s in accepted.items()
        for it in s.items
        if it.get("seq") in seqs
    ]
    sources = {u: s.name for u, s in accepted.items()}
    return rolled_up(cat, unit_values, city, set(accepted)), missing, sources, items


def report_up(
    cat: Catalogue,
    parent: Catalogue,
    settings: Settings,
    parent_settings: Settings,
    ledger_path: Path,
    period: Period,
    out_dir: Path,
    allow_incomplete: bool = False,
    detail: bool = True,
) -> Sent:
    """Build the county's return to ``parent`` for ``period`` into ``out_dir``."""
    unit = parent_unit(cat, parent)
    with locked_ledger(ledger_path, settings, f"本级还没有汇总过{period.label}？") as ledger:
        now, missing, sources, items = county_now(cat, ledger, period)
        if not sources:
            raise InputError(f"报送台账中没有{period.label}已采用的所报送：请先汇总本级。")
        if missing and not allow_incomplete:
            raise InputError(
                f"{'、'.join(missing)}尚未报送{period.label}：不能生成向上报送。"
                "请催报后重新汇总；确需先报，加 --allow-incomplete（报送中会注明未含这些所）。"
            )
        revision = ledger.next_revision(cat.catalogue_id, period.code)
        values = {str(k): v for k, v in now.values.items()}
        total = len(now.units)
        origin: dict[str, Any] = {
            "kind": "report_up", "bureau": cat.wording["bureau_name"], "catalogue_id": cat.catalogue_id,
            "catalogue_version": cat.version, "revision": revision, "reported": total - len(missing),
            "total": total, "missing": missing, "values": values, "digest": digest(values),
            "built_at": datetime.now().isoformat(timespec="seconds"),
            "detail_sheet": DETAIL_SHEET if cat.level else DETAIL_SHEET_UNITS,
        }  # fmt: skip
        prefill = Prefill(dict(now.values), dict(now.bases), origin,
                          now.detail if detail else [], now.units)  # fmt: skip
        plain = template_filename(period, unit, parent.names["short"])
        name = plain.replace(".xlsx", f"_汇总生成第{revision}版.xlsx")
        path = build_template(
            parent, unit, period, out_dir / name, parent_settings, carried=items, prefill=prefill
        )
        ledger.record_sent(cat.catalogue_id, period.code,
                           {"path": str(path), "values": values, "sources": sources, "missing": missing})  # fmt: skip
    reported = [u for u in now.units if u not in missing]
    return Sent(path, revision, reported, missing, now.values, ledger.backup_note)


def check_sent(
    cat: Catalogue, ledger_path: Path, period: Period
) -> tuple[dict[str, Any] | None, list[tuple[int, Any, Any]], list[str]]:
    """(the last revision sent, rows whose figure moved since, 所 still missing)."""
    if not ledger_path.exists():
        raise InputError(f"报送台账不存在：{ledger_path}")
    with Ledger(ledger_path) as ledger:
        last = ledger.last_sent(cat.catalogue_id, period.code)
        now, missing, _, _ = county_now(cat, ledger, period)
    if last is None:
        return None, [], missing
    return last, stale(last["values"], now.values), missing
