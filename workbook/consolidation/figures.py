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
            if uv.base is None and seq in stocks:
                uv.base = carried.get(seq)
            numeric = uv.value if isinstance(uv.value, float | int) else None
            uv.completion = completion(ind.measure, t.value, numeric, uv.base)
            uv.status = status(ind.measure, t.op, t.value, uv.value, shares[seq], uv.base)
            unit_values[(unit, seq)] = uv
    by_seq: dict[int, list[UnitValue]] = {}
    for uv in unit_values.values():
        by_seq.setdefault(uv.seq, []).append(uv)
    city = {
        ind.seq: _city_value(ind, by_seq.get(ind.seq, []), shares[ind.seq])
        for ind in cat.indicators
    }
    return unit_values, city


def _names(uvs: list[UnitValue]) -> str:
    return "、".join(uv.unit for uv in uvs)


def _city_value(ind: Indicator, mine: list[UnitValue], share: float) -> CityValue:
    """The city row: 市局's own figure for city-only rows; the sum for additive rows (with
    未报齐 while units are missing, the reported part judged against its own targets); for
    per-unit targets, met when every unit meets its own target."""
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
    elif missing:
        part_target = sum(uv.target.value or 0 for uv in judged)
        part_base = sum(uv.base or 0 for uv in judged) if m.base else None
        part = status(kind, ">=", part_target, total, share, part_base)
        cv.status = PARTIAL
        cv.completion = completion(kind, city.value, total)
        notes.insert(
            0,
            f"未报齐：{_names(missing)}未报送"
            + ("或缺年初基数" if m.base else "")
            + f"；已报 {len(judged)}/{len(mine)} 个单位合计 {total:g}，"
            f"其目标合计 {part_target:g}，按序时进度{part}",
        )
    else:
        base = round(sum(uv.base or 0 for uv in judged), 6) if m.base else None
        cv.completion = completion(kind, city.value, total, base)
        cv.status = status(kind, city.op, city.value, total, share, base)
        if base is not None:
            notes.insert(0, f"年初基数合计 {base:g}")
    cv.note = "；".join(notes)


def _city_per_unit(ind: Indicator, mine: list[UnitValue], cv: CityValue) -> None:
    city = ind.city
    lagging = [uv for uv in mine if uv.status == LAGGING]
    stepping = [uv for uv in mine if uv.status == IN_PROGRESS]
    missing = [uv for uv in mine if uv.status == MISSING]
    cv.reached = sum(1 for uv in mine if uv.status in (DONE, ON_TRACK))
    if lagging:
        cv.status = LAGGING
    elif len(missing) == len(mine):
        cv.status = MISSING
    elif missing:
        cv.status = PARTIAL
    elif stepping:
        cv.status = IN_PROGRESS
    elif all(uv.status == DONE for uv in mine):
        cv.status = DONE
    else:
        cv.status = ON_TRACK
    notes = [f"{cv.reached}/{len(mine)} 个单位达到本单位目标"]
    if lagging:
        notes.append(f"滞后：{_names(lagging)}")
    if missing:
        notes.append(f"未报送：{_names(missing)}")
    nums = [float(uv.value) for uv in mine if isinstance(uv.value, float | int)]
    if nums and city.op is not None and city.value is not None:
        worst = min(nums) if city.op == ">=" else max(nums)
        cv.value = worst
        cv.completion = completion(ind.measure, city.value, worst)
        shown = f"{worst:g}{'%' if measure(ind.measure).percent else ind.measure_unit}"
        notes.append(f"全市值取各单位中最差的 {shown}（方案未给出分母，不计算加权比率）")
    cv.note = "；".join(notes)
