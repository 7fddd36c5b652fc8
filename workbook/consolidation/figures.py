"""The figures of a period, computed from the accepted returns: each unit's value, completion
and status per row it reports (``UnitValue``), and the city row per indicator (``CityValue``:
the sum, the units meeting their own target, or 市局's own figure). Pure: no files, no ledger.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbook.catalogue.model import Catalogue, Indicator, Target, reporting_rows
from workbook.core.measures import measure
from workbook.core.status import (
    DONE,
    IN_PROGRESS,
    LAGGING,
    MISSING,
    NO_CASES,
    NOT_APPLICABLE,
    ON_TRACK,
    PARTIAL,
    completion,
    status,
)
from workbook.core.submission import Submission


@dataclass(slots=True)
class UnitValue:
    unit: str
    seq: int
    target: Target
    value: float | str | None = None
    completion: float | None = None
    status: str = MISSING
    progress: str = ""
    problems: str = ""
    remark: str = ""
    cell: str = ""
    file: str = ""
    base: float | None = None  # the start-of-year base of a stock


@dataclass
class CityValue:
    seq: int
    value: float | str | None = None
    completion: float | None = None
    status: str = MISSING
    reached: int = 0  # units meeting their own target (thresholds, changes, commitments)
    reporting: int = 0  # units that reported a usable value
    expected: int = 0  # units with a target for this row
    note: str = ""


def compute_figures(
    cat: Catalogue,
    months: int,
    accepted: dict[str, Submission],
    bases: dict[str, dict[int, float]],
) -> tuple[dict[tuple[str, int], UnitValue], dict[int, CityValue]]:
    """(unit, 序号) -> UnitValue for every row a unit reports (in unit, then 序号 order), and
    序号 -> CityValue, from each unit's accepted return (``accepted``) and the bases of stocks
    the ledger holds (``bases``), ``months`` into the year."""
    shares = {ind.seq: ind.expected_share(months) for ind in cat.indicators}
    stocks = {ind.seq for ind in cat.indicators if measure(ind.measure).base}
    unit_values: dict[tuple[str, int], UnitValue] = {}
    for unit in cat.unit_ids:
        ret = accepted.get(unit)
        values = ret.values if ret else {}
        file_name = ret.name if ret else ""
        carried = bases.get(unit, {})
        for row in reporting_rows(cat, unit):
            ind, t = row.indicator, row.target
            seq = ind.seq
            uv = UnitValue(unit, seq, t)
            rec = values.get(seq)
            if rec is not None:
                uv.value, uv.progress, uv.problems, uv.remark = (
                    rec.value,
                    rec.progress,
                    rec.problems,
                    rec.remark,
                )
                uv.cell, uv.file = rec.cell, file_name
                uv.base = rec.base
            if seq in stocks and seq in carried:  # the base on record wins over the file's
                uv.base = carried[seq]
            numeric = uv.value if isinstance(uv.value, float | int) else None
            uv.completion = completion(ind.measure, t.value, numeric, uv.base, t.op)
            uv.status = status(
                ind.measure, t.op, t.value, uv.value, shares[seq], uv.base, ind.single_item
            )
            unit_values[(unit, seq)] = uv
    by_seq: dict[int, list[UnitValue]] = {}
    for uv in unit_values.values():
        by_seq.setdefault(uv.seq, []).append(uv)
    city = {
        ind.seq: _city_value(ind, by_seq.get(ind.seq, []), shares[ind.seq])
        for ind in cat.indicators
    }
    if cat.level:  # a county's notes say 全区, not 全市
        for cv in city.values():
            cv.note = cat.worded(cv.note)
    return unit_values, city


def _names(uvs: list[UnitValue]) -> str:
    return "、".join(uv.unit for uv in uvs)


def _not_reported(missing: list[UnitValue], base: bool = False) -> str:
    """Why units count as not reported on a row: no return at all, or a return whose cell
    was refused or left blank (it is not 未报送: its file is in 问题清单)."""
    none = [uv for uv in missing if not uv.file]
    refused = [uv for uv in missing if uv.file]
    parts = [f"{_names(none)}未报送"] if none else []
    if refused:
        lack = "数值或年初基数" if base else "数值"
        parts.append(f"{_names(refused)}已报送但本行{lack}未采用（见问题清单）")
    return "；".join(parts)


def _city_value(ind: Indicator, mine: list[UnitValue], share: float) -> CityValue:
    """The city row: 市局's own figure for city-only rows; the sum for additive rows (with
    未报齐 while units are missing, the reported part judged against its own targets); for
    per-unit targets, met when every unit meets its own target. Never 滞后 unless a unit is
    (or, at the year's end, the decomposition itself falls short of the city target)."""
    cv = CityValue(seq=ind.seq, expected=len(mine))
    cv.reporting = sum(1 for uv in mine if uv.value is not None)
    if not mine:
        cv.status = NOT_APPLICABLE
        return cv
    if ind.city_only:
        uv = mine[0]
        cv.value, cv.completion, cv.status = uv.value, uv.completion, uv.status
        cv.reached = int(uv.status in (DONE, ON_TRACK))
        cv.note = f"全市值为{uv.unit}报送的数"
        return cv
    if ind.additive:
        _city_sum(ind, mine, share, cv)
    else:
        _city_per_unit(ind, mine, cv)
    return cv


def _sum_status(
    ind: Indicator, target: float, total: float, share: float, base: float | None, judged: list
) -> tuple[str, str]:
    """The status of a sum and what explains it: a sum short of its pace while no unit is
    滞后 is 推进中 (each unit's shortfall is under one item, the city adds them up)."""
    st = status(ind.measure, ">=", target, total, share, base, ind.single_item)
    if st != LAGGING or any(uv.status == LAGGING for uv in judged):
        return st, ""
    if share < 1:
        return (
            IN_PROGRESS,
            "各单位均未滞后，合计与序时进度的差距是各单位不足 1 个单位的零头之和，按推进中",
        )
    return st, "各单位均已完成本单位目标，合计仍未达全市目标：差额来自分解表本身"


def _city_sum(ind: Indicator, mine: list[UnitValue], share: float, cv: CityValue) -> None:
    kind, city = ind.measure, ind.city
    m = measure(kind)
    figures = {
        uv.unit: float(uv.value)
        for uv in mine
        if isinstance(uv.value, float | int) and (not m.base or uv.base is not None)
    }
    judged = [uv for uv in mine if uv.unit in figures]
    missing = [uv for uv in mine if uv.unit not in figures]
    total = round(sum(figures.values()), 6)
    cv.value = total if judged else None
    cv.reached = sum(1 for uv in mine if uv.status == DONE)
    notes = []
    unit_sum = sum(uv.target.value or 0 for uv in mine)
    if city.value is not None and abs(unit_sum - city.value) > 1e-6:
        notes.append(
            f"各单位目标合计 {unit_sum:g}{ind.measure_unit}，与全市目标 {city.value:g}{ind.measure_unit} 不一致"
            "（照分解表保留），全市按全市目标判断"
        )
    if not judged:
        cv.status = MISSING
        notes.insert(0, _not_reported(missing))
    elif missing:
        part_target = sum(uv.target.value or 0 for uv in judged)
        part_base = sum(uv.base or 0 for uv in judged) if m.base else None
        part, why = _sum_status(ind, part_target, total, share, part_base, judged)
        cv.status = PARTIAL
        cv.completion = completion(kind, city.value, total, op=city.op)
        notes.insert(
            0,
            f"未报齐：{_not_reported(missing, m.base)}"
            + f"；已报 {len(judged)}/{len(mine)} 个单位合计 {total:g}，"
            f"其目标合计 {part_target:g}，按序时进度{part}" + (f"（{why}）" if why else ""),
        )
    else:
        base = round(sum(uv.base or 0 for uv in judged), 6) if m.base else None
        cv.completion = completion(kind, city.value, total, base, city.op)
        cv.status, why = _sum_status(ind, city.value or 0.0, total, share, base, judged)
        if why:
            notes.insert(0, why)
        if base is not None:
            notes.insert(0, f"年初基数合计 {base:g}")
    lagging = [uv for uv in judged if uv.status == LAGGING]
    if lagging:
        notes.append(f"滞后：{_names(lagging)}")
    cv.note = "；".join(notes)


def _per_unit_status(mine: list[UnitValue]) -> str:
    """Met when every unit meets its own target; units with no cases do not count."""
    judged = [uv for uv in mine if uv.status != NO_CASES]
    states = {uv.status for uv in judged}
    if not judged:
        return NO_CASES
    if LAGGING in states:
        return LAGGING
    if states == {MISSING}:
        return MISSING
    if MISSING in states:
        return PARTIAL
    if IN_PROGRESS in states:
        return IN_PROGRESS
    return DONE if states == {DONE} else ON_TRACK


def _worst(ind: Indicator, mine: list[UnitValue]) -> UnitValue | None:
    """The unit furthest from its own target (lowest 完成率); on a tie the one whose target
    is the city's, so the figure shown reads against the target printed beside it."""
    numeric = [uv for uv in mine if isinstance(uv.value, float | int)]
    if not numeric:
        return None

    def key(uv: UnitValue) -> tuple[float, bool]:
        c = uv.completion if uv.completion is not None else float("inf")
        return (c, uv.target.value != ind.city.value)

    return min(numeric, key=key)


def _city_per_unit(ind: Indicator, mine: list[UnitValue], cv: CityValue) -> None:
    lagging = [uv for uv in mine if uv.status == LAGGING]
    missing = [uv for uv in mine if uv.status == MISSING]
    none = [uv for uv in mine if uv.status == NO_CASES]
    cv.reached = sum(1 for uv in mine if uv.status in (DONE, ON_TRACK))
    cv.status = _per_unit_status(mine)
    notes = [f"{cv.reached}/{len(mine) - len(none)} 个单位达到本单位目标"]
    if none:
        notes.append(f"本期无此类事项：{_names(none)}（不计入）")
    if lagging:
        notes.append(f"滞后：{_names(lagging)}")
    if missing:
        notes.append(f"未报送：{_names(missing)}")
    worst = _worst(ind, mine)
    if worst is not None and worst.value is not None:
        cv.value, cv.completion = worst.value, worst.completion
        unit = "%" if measure(ind.measure).percent else ind.measure_unit
        notes.append(
            f"全市值取完成本单位目标最差的{worst.unit}：{float(worst.value):g}{unit}"
            f"（本单位目标 {worst.target.text}），完成率按其本单位目标计算"
            "（方案未给出分母，不计算加权比率）"
        )
    cv.note = "；".join(notes)
