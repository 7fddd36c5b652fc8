"""The checks of 明细台账 that need more than one file: the same enterprise listed by two
units for the same 序号 (counted twice in the city's total), an item accepted in an earlier
period that is no longer listed, and an item the city's 核验 failed that is still listed.
Pure: the accepted returns, the earlier lists and the 核验 tallies in, problems per unit out.
"""

from __future__ import annotations

from typing import Any

from workbook.catalogue.model import Catalogue
from workbook.core import problems as codes
from workbook.core.findings import Problem
from workbook.core.items import ITEM_SHEET, item_key
from workbook.core.period import Period
from workbook.core.submission import Submission
from workbook.core.verify import VerifyTally


def item_problems(
    cat: Catalogue,
    period: Period,
    accepted: dict[str, Submission],
    earlier: dict[str, list[dict[str, Any]]],
    folder_files: set[str] | None = None,
) -> dict[str, list[Problem]]:
    """Unit → the warnings about its list that only the whole folder (and the year) shows.
    ``folder_files``: the names (lower case) of every file below the returns folder, where a
    new item's 佐证材料 is looked for (None: not looked for)."""
    out: dict[str, list[Problem]] = {}
    if folder_files is not None:
        for unit, found in _evidence(accepted, earlier, folder_files).items():
            out.setdefault(unit, []).extend(found)
    holders: dict[tuple[int, str], list[tuple[str, dict[str, Any]]]] = {}
    for unit, sub in accepted.items():
        for it in sub.items:
            if it.get("code"):
                holders.setdefault((it["seq"], it["code"]), []).append((unit, it))
    for (seq, code), listed in holders.items():
        units = sorted({u for u, _ in listed}, key=cat.unit_ids.index)
        if len(units) < 2:
            continue
        for unit, it in listed:
            others = "、".join(u for u in units if u != unit)
            out.setdefault(unit, []).append(
                Problem(
                    code=codes.ITEMS_DUPLICATE_UNITS,
                    unit=unit,
                    file=accepted[unit].name,
                    sheet=ITEM_SHEET,
                    cell=f"D{it.get('row', '')}",
                    seq=seq,
                    found=code,
                    message=f"序号 {seq} 的明细“{it.get('name', '')}”（{code}）也列在{others}的明细中：重复计数。",
                    action=f"请与{others}核实该企业（单位）归属哪个单位，只由一个单位填报。",
                )
            )
    for unit, sub in accepted.items():
        now = {(it["seq"], item_key(it)) for it in sub.items}
        for it in earlier.get(unit, []):
            if (it["seq"], item_key(it)) not in now:
                out.setdefault(unit, []).append(
                    Problem(
                        code=codes.ITEMS_DISAPPEARED,
                        unit=unit,
                        file=sub.name,
                        sheet=ITEM_SHEET,
                        seq=it["seq"],
                        found=it.get("name", ""),
                        message=f"序号 {it['seq']} 以前各期已确认的明细“{it.get('name', '')}”"
                        f"{'（' + it['code'] + '）' if it.get('code') else ''}在{period.label}的明细台账中不见了。",
                        action="以前各期已确认的明细会锁定带入模板，请不要删除；如确需核减，请在备注中说明原因。",
                    )
                )
    return out


# what 佐证材料 names when it names a file: text ending in a document or picture extension
_EVIDENCE_EXT = (
    ".pdf",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".jpg",
    ".jpeg",
    ".png",
    ".zip",
    ".rar",
    ".ofd",
)


def _evidence(
    accepted: dict[str, Submission], earlier: dict[str, list[dict[str, Any]]], files: set[str]
) -> dict[str, list[Problem]]:
    """A warning for each item new this period whose 佐证材料 names a file that is nowhere
    below the returns folder (items carried from earlier periods sent theirs then)."""
    out: dict[str, list[Problem]] = {}
    for unit, sub in accepted.items():
        before = {(it["seq"], item_key(it)) for it in earlier.get(unit, [])}
        for it in sub.items:
            names = [n.strip() for n in str(it.get("evidence", "")).replace("；", ";").split(";")]
            for name in names:
                if not name.lower().endswith(_EVIDENCE_EXT) or name.lower() in files:
                    continue
                if (it["seq"], item_key(it)) in before:
                    continue
                out.setdefault(unit, []).append(
                    Problem(
                        code=codes.ITEMS_EVIDENCE_MISSING,
                        unit=unit,
                        file=sub.name,
                        sheet=ITEM_SHEET,
                        cell=f"G{it['row']}" if it.get("row") else "",
                        seq=it["seq"],
                        found=name,
                        message=f"序号 {it['seq']} 的明细“{it.get('name', '')}”所列佐证材料“{name}”"
                        "不在回收文件夹中。",
                        action="请把该文件随填报表一并报送（文件名与明细台账所填一致）。",
                    )
                )
    return out


def verify_problems(
    accepted: dict[str, Submission], tallies: dict[str, VerifyTally]
) -> dict[str, list[Problem]]:
    """Unit → an error for each item the city's 核验 failed that its current list still holds
    (an item the unit has taken out is no longer its problem)."""
    out: dict[str, list[Problem]] = {}
    for unit, t in tallies.items():
        sub = accepted.get(unit)
        rows = {(it["seq"], item_key(it)): it for it in (sub.items if sub else [])}
        for line in t.failures:
            it = rows.get((line["seq"], line["key"]))
            if sub is None or it is None:
                continue
            out.setdefault(unit, []).append(
                Problem(
                    code=codes.VERIFY_FAILED,
                    unit=unit,
                    file=sub.name,
                    sheet=ITEM_SHEET,
                    cell=f"C{it['row']}" if it.get("row") else it.get("cell", ""),
                    seq=line["seq"],
                    found=line["name"],
                    message=f"序号 {line['seq']} 的明细“{line['name']}”市局核验不通过"
                    f"（抽查编号 {line['sample_id']}，{line['checked_on'] or line['imported_at'][:10]}）："
                    f"{line['note']}",
                    action="请整改并在备注中说明；确不符合的，从明细台账删除并相应核减填报数。",
                )
            )
    return out
