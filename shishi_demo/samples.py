"""Sample returns for the demo and the benchmark: templates filled as district staff would.

Values are plausible for the period (around the target × 序时进度) and reproducible from a seed.
Filling uses openpyxl on a copy of the template, like a person saving it in a spreadsheet
program; the template itself is not changed.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl

from workbook.catalogue.model import Catalogue, Row, reporting_rows
from workbook.core.files import atomic_write
from workbook.core.items import INFO_SHEET, ITEM_SHEET, credit_code_check
from workbook.core.measures import is_percent_format, measure
from workbook.core.period import Period, parse_period
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
    items: Mapping[int, list[dict[str, str]]] | None = None,
    info: list[dict[str, str]] | None = None,
) -> Path:
    """Copy ``template`` to ``out`` with ``values`` (序号 → value) typed in.

    A number for a percentage-formatted cell is typed as that percentage (85 becomes 85%,
    stored 0.85), as a person typing "85%" does. ``bases`` fills a stock's 年初基数 where the
    copy leaves it open (its first period); None types 85% of the row's 目标值 there. ``texts`` maps 序号 to (工作进展情况, 存在问题及下步
    措施); ``cells`` writes raw values to other addresses of the reporting sheet (to simulate
    mistakes, e.g. a changed target or a raw number in a percent cell). ``items`` maps 序号 to
    the rows typed into 明细台账 (名称, code, address, date, evidence, remark); where it does not say, an
    itemised row gets as many plausible items (valid codes) as its figure needs beyond those
    carried from earlier periods. ``info``: the 信息报送 rows (kind, about, title, text).
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
    ident = {row[0]: row[1] for row in wb[IDENTITY_SHEET].iter_rows(values_only=True)}
    period = parse_period(str(ident["period"]))
    if ITEM_SHEET in wb.sheetnames:
        _fill_items(wb[ITEM_SHEET], str(ident.get("unit", "")), values, items or {}, period)
    _fill_info(wb, info or [])
    for addr, v in (cells or {}).items():
        ws[addr].value = v
    _sign(ws, r, reporter, period)
    atomic_write(out, lambda p: wb.save(p))
    return out


def _sign(ws: Any, first: int, reporter: str, period: Period) -> None:
    """The signature block below the table (from row ``first``), found by its labels."""
    signed: dict[str, Any] = {"reporter": reporter, "phone": "0580-1234567", "reviewer": "李四"}
    signed["date"] = period.end + timedelta(days=3)
    labels = {label: key for key, label in template_text()["signature"]}
    for row in range(first, ws.max_row + 1):
        key = labels.get(str(ws.cell(row, 1).value or "").rstrip("：:"))
        if key in signed:
            ws.cell(row, COL["name"] + 1).value = signed[key]


def sample_code(*parts: object) -> str:
    """A valid unified social credit code (GB 32100 check character), reproducible from
    ``parts``: 91 (an enterprise), 330900 (舟山), then digits."""
    digits = str(abs(hash_text("-".join(map(str, parts)))))[:9].rjust(9, "0")
    head = f"91330900{digits}"
    return head + credit_code_check(head)


def _fill_info(wb: Any, info: list[dict[str, str]]) -> None:
    """Type the 信息报送 rows from row 4."""
    if INFO_SHEET not in wb.sheetnames:
        return
    for i, entry in enumerate(info, start=4):
        for c, key in enumerate(("kind", "about", "title", "text"), start=1):
            wb[INFO_SHEET].cell(i, c).value = entry.get(key, "")


def sample_items(
    unit: str, seq: int, n: int, period: Period | None = None, first: int = 0
) -> list[dict[str, str]]:
    """``n`` plausible items of ``unit`` for ``seq`` (numbered from ``first``), as
    ``fill_return`` makes them: each dated the 15th of the first month of ``period`` (the
    year's first quarter when not given), so a quarter's new items fall in that quarter."""
    when = _first_day(period or Period(2024, 3, "Q")) + timedelta(days=14)
    return [
        {
            "name": f"示例单位{seq}-{first + k + 1}",
            "code": sample_code(unit, seq, first + k),
            "date": when.isoformat(),
        }
        for k in range(n)
    ]


def _first_day(period: Period) -> date:
    step = 3 if period.kind == "Q" else 1
    return date(period.year, period.months - step + 1, 1)


def hash_text(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def _fill_items(
    sheet: Any,
    unit: str,
    values: Mapping[int, Any],
    items: Mapping[int, list[dict[str, str]]],
    period: Period,
) -> None:
    """Type 明细台账 below its carried (locked) rows: the given items, else enough made-up
    ones for each itemised figure."""
    itemised = {int(c.value) for c in sheet["J"][3:] if isinstance(c.value, int | float)}
    carried: dict[int, int] = {}
    r = 4
    while sheet.cell(r, 1).value not in (None, ""):
        carried[int(sheet.cell(r, 1).value)] = carried.get(int(sheet.cell(r, 1).value), 0) + 1
        r += 1
    for seq in sorted(itemised):
        rows = items.get(seq)
        if rows is None:
            figure = values.get(seq)
            need = int(figure) - carried.get(seq, 0) if isinstance(figure, int | float) else 0
            rows = sample_items(unit, seq, max(0, need), period, carried.get(seq, 0))
        for it in rows:
            sheet.cell(r, 1).value = seq
            sheet.cell(r, 3).value = it.get("name", "")
            code = sheet.cell(r, 4)
            code.value, code.data_type = it.get("code", ""), "s"
            sheet.cell(r, 5).value = it.get("address", "")
            sheet.cell(r, 6).value = date.fromisoformat(it["date"]) if it.get("date") else None
            sheet.cell(r, 7).value = it.get("evidence") or None
            sheet.cell(r, 8).value = it.get("remark") or None
            r += 1


def explain(value: float | str, row: Row) -> tuple[str, str]:
    """A unit's progress text and problems text for a value."""
    name = row.indicator.name
    shown = f"{value:g}" if isinstance(value, float) else value
    return (
        f"{name}按计划推进，已完成 {shown}{row.indicator.measure_unit}。",
        "部分企业积极性不高；下步加强走访对接，确保完成全年目标。",
    )


def fill_verify_list(
    src: Path, out: Path, results: Mapping[int, tuple[str, str]], default: str = "通过"
) -> Path:
    """Copy the 核验清单 ``src`` to ``out`` with each line's 核验结果 typed in: ``results``
    maps 抽取编号 to (result, 说明); every other line gets ``default``, an inspector and a date."""
    wb = openpyxl.load_workbook(src)
    ws = wb["核验清单"]
    r = 4
    while isinstance(ws.cell(r, 1).value, int | float):
        result, note = results.get(int(ws.cell(r, 1).value), (default, ""))
        ws.cell(r, 10).value, ws.cell(r, 11).value = result, note or None
        ws.cell(r, 12).value, ws.cell(r, 13).value = "李四", datetime(2024, 7, 16)
        r += 1
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out
