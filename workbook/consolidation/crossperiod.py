"""Checks of an accepted return against what the ledger accepted earlier in the year: a
cumulative figure that fell, and a start-of-year base that differs from the one on record
(a base is reported once and then locked; a return built by report-up, or an edited file,
can carry another)."""

from __future__ import annotations

from workbook.consolidation.result import Consolidation
from workbook.core import problems as codes
from workbook.core.findings import Problem
from workbook.core.layout import COL
from workbook.core.measures import measure
from workbook.core.period import parse_period
from workbook.core.settings import template_text
from workbook.excel.formats import col_letter


def decreases(result: Consolidation) -> dict[str, list[Problem]]:
    """Unit → warnings where a cumulative value is lower than the latest figure accepted for
    an earlier period of the year (the 上期累计 its next template carries)."""
    out: dict[str, list[Problem]] = {}
    for unit, sub in result.accepted.items():
        before = result.previous.get(unit)
        if not before:  # nothing accepted earlier in the year: nothing to compare with
            continue
        for seq, rec in sub.values.items():
            ind = result.catalogue.indicator(seq)
            code, old = before.get(seq, ("", None))
            if (
                measure(ind.measure).additive
                and isinstance(rec.value, float | int)
                and isinstance(old, float | int)
                and rec.value < old - 1e-9
            ):
                out.setdefault(unit, []).append(
                    Problem(
                        code=codes.VALUE_DECREASED,
                        unit=unit,
                        file=sub.name,
                        sheet=template_text()["sheet_report"],
                        cell=rec.cell,
                        seq=seq,
                        found=rec.raw,
                        message=f"序号 {seq}（{ind.name}）累计完成 {rec.value:g} 小于"
                        f"{parse_period(code).label}已确认的累计数 {old:g}。",
                        action="累计数一般不应减少；如上期有误或数据核减，请在备注中说明。",
                    )
                )
    return out


def rejudged(
    result: Consolidation, before: dict[str, dict[int, float]], later: list[str]
) -> list[str]:
    """The office told, in the run's first lines, where this run changed a 年初基数 on record
    (``before``: the bases before the run) while later periods of the year were already
    consolidated with the old one (``later``): those periods must be consolidated again."""
    if not later:
        return []
    labels = "、".join(parse_period(p).label for p in later)
    again = "这些期次" if len(later) > 1 else "该期"
    out = []
    for unit, now in result.bases.items():
        for seq, new in sorted(now.items()):
            old = before.get(unit, {}).get(seq)
            if old is not None and abs(old - new) > 1e-9:
                name = result.catalogue.indicator(seq).name
                out.append(
                    f"{unit} 序号 {seq}（{name}）的年初基数由 {old:g} 改为 {new:g}：本年已汇总的"
                    f"{labels}是按 {old:g} 计算的，请重新汇总{again}（完成率和进度状态会变）。"
                )
    return out


def base_changes(
    result: Consolidation, on_record: dict[str, dict[int, float]]
) -> dict[str, list[Problem]]:
    """Unit → warnings where an accepted return's 年初基数 differs from the base accepted for an
    earlier period of the year (``on_record``); the figures keep the base on record."""
    out: dict[str, list[Problem]] = {}
    for unit, sub in result.accepted.items():
        mine = on_record.get(unit, {})
        for seq, rec in sub.values.items():
            old = mine.get(seq)
            if rec.base is None or old is None or abs(rec.base - old) <= 1e-9:
                continue
            ind = result.catalogue.indicator(seq)
            row = "".join(ch for ch in rec.cell if ch.isdigit())
            out.setdefault(unit, []).append(
                Problem(
                    code=codes.VALUE_BASE_CHANGED,
                    unit=unit,
                    file=sub.name,
                    sheet=template_text()["sheet_report"],
                    cell=f"{col_letter(COL['base'])}{row}" if row else "",
                    seq=seq,
                    found=f"{rec.base:g}",
                    message=f"序号 {seq}（{ind.name}）的年初基数为 {rec.base:g}，与本年此前确认的"
                    f" {old:g} 不同：已按 {old:g} 计算。",
                    action="年初基数全年不变；如此前确认的基数有误，请报市局核实后更正最早一期的报送。",
                )
            )
    return out
