"""The checks of 明细台账 that need more than one file: the same enterprise listed by two
units for the same 序号 (counted twice in the city's total), and an item accepted in an
earlier period that is no longer listed. Pure: the accepted returns and the earlier lists in,
warnings per unit out.
"""

from __future__ import annotations

from typing import Any

from workbook.catalogue.model import Catalogue
from workbook.core import problems as codes
from workbook.core.findings import Problem
from workbook.core.items import ITEM_SHEET, item_key
from workbook.core.period import Period
from workbook.core.submission import Submission


def item_problems(
    cat: Catalogue,
    period: Period,
    accepted: dict[str, Submission],
    earlier: dict[str, list[dict[str, Any]]],
) -> dict[str, list[Problem]]:
    """Unit → the warnings about its list that only the whole folder (and the year) shows."""
    out: dict[str, list[Problem]] = {}
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
