"""Sample returns for the demo and the benchmark: templates filled as district staff would.

Values are plausible for the period (around the target × 序时进度) and reproducible from a seed.
Filling uses openpyxl on a copy of the template, like a person saving it in a spreadsheet
program; the template itself is not changed.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl

from workbook.catalogue.model import Catalogue, Row, reporting_rows
from workbook.core.files import atomic_write
from workbook.core.measures import is_percent_format, measure
from workbook.core.period import Period
from workbook.core.settings import template_text
from workbook.template.build import COL, FIRST_DATA_ROW, IDENTITY_SHEET


def sample_base(row: Row) -> float:
    """A plausible start-of-year base of a stock: most of the year-end target."""
    return float(round((row.target.value or 0) * 0.85))


def sample_value(row: Row, share: float, rng: random.Random) -> float | str:
    """A plausible 累计完成 for ``row`` at the end of a period with 序时进度 ``share``
    (display units: 85 means 85%)."""
    t = row.target
    kind = row.indicator.measure
    m = measure(kind)
    if kind == "qualitative":
        return rng.choice(["推进中", "推进中", "已完成"] if share < 1 else ["已完成", "推进中"])
    if t.value is None:
        return 0
    if m.base:
        b = sample_base(row)
        return float(round(b + (t.value - b) * share * rng.uniform(0.85, 1.6)))
    if m.cumulative:
        x = t.value * share * rng.uniform(0.85, 1.6)
        if m.percent:
            return round(min(100.0, x), 1)
        return float(round(x)) if m.integer else round(x, 2)
    if kind == "change":
        return round(t.value * rng.uniform(0.9, 1.6), 1)
    if t.op == "<=":
        return round(t.value * rng.uniform(0.6, 1.03), 1)
    return round(min(100.0, t.value * rng.uniform(0.99, 1.08)), 1)


def sample_values(
    cat: Catalogue, unit_id: str, period: Period, seed: int = 0
) -> dict[int, float | str]:
    rng = random.Random(f"{seed}-{unit_id}-{period.code}")
    return {
        r.indicator.seq: sample_value(r, period.share, rng) for r in reporting_rows(cat, unit_id)
    }


def fill_return(
    template: Path,
    out: Path,
    values: Mapping[int, Any],
    texts: Mapping[int, tuple[str, str]] | None = None,
    cells: Mapping[str, Any] | None = None,
    reporter: str = "张三",
    bases: Mapping[int, Any] | None = None,
) -> Path:
    """Copy ``template`` to ``out`` with ``values`` (序号 → value) typed in.

    A number for a percentage-formatted cell is typed as that percentage (85 becomes 85%,
    stored 0.85), as a person typing "85%" does. ``bases`` fills a stock's 年初基数 where the
    copy leaves it open (its first period); None types 85% of the row's 目标值 there. ``texts`` maps 序号 to (工作进展情况, 存在问题及下步
    措施); ``cells`` writes raw values to other addresses of the reporting sheet (to simulate
    mistakes, e.g. a changed target or a raw number in a percent cell).
    """
    wb = openpyxl.load_workbook(template)
    ws = wb[template_text()["sheet_report"]]
    rows_by_seq = {}
    r = FIRST_DATA_ROW + 1
    while isinstance(ws.cell(r, COL["seq"] + 1).value, int | float):
        rows_by_seq[int(ws.cell(r, COL["seq"] + 1).value)] = r
        r += 1
    for seq, v in values.items():
        cell = ws.cell(rows_by_seq[seq], COL["value"] + 1)
        typed_percent = isinstance(v, int | float) and is_percent_format(cell.number_format)
        cell.value = v / 100 if typed_percent else v
    for seq, r in rows_by_seq.items():
        cell = ws.cell(r, COL["base"] + 1)
        if cell.protection.locked:
            continue  # not a stock, or its base is already locked
        if bases is None:  # staff type the start-of-year figure: most of the target
            target = ws.cell(r, COL["target_value"] + 1).value
            cell.value = float(round(float(target or 0) * 0.85))
        elif seq in bases:
            cell.value = bases[seq]
    for seq, (progress, problems) in (texts or {}).items():
        ws.cell(rows_by_seq[seq], COL["progress"] + 1).value = progress
        ws.cell(rows_by_seq[seq], COL["problems"] + 1).value = problems
    for addr, v in (cells or {}).items():
        ws[addr].value = v
    sig = r + 1  # one blank row, then the signature block
    ws.cell(sig + 1, COL["name"] + 1).value = reporter
    ws.cell(sig + 2, COL["name"] + 1).value = "0580-1234567"
    ws.cell(sig + 3, COL["name"] + 1).value = "李四"
    ws.cell(sig + 4, COL["name"] + 1).value = date(2024, 7, 3)
    assert IDENTITY_SHEET in wb.sheetnames
    atomic_write(out, lambda p: wb.save(p))
    return out


def explain(value: float | str, row: Row) -> tuple[str, str]:
    """A unit's progress text and problems text for a value."""
    name = row.indicator.name
    shown = f"{value:g}" if isinstance(value, float) else value
    return (
        f"{name}按计划推进，已完成 {shown}{row.indicator.measure_unit}。",
        "部分企业积极性不高；下步加强走访对接，确保完成全年目标。",
    )
