"""The sheets beside 填报表: 明细台账 (the items behind the unit's itemised figures: which
enterprises, bases, canteens …) and 信息报送 (工作亮点, 经验做法, 问题建议).

明细台账 lists first, locked, the items accepted in earlier periods of the year (a unit adds,
it does not retype), then blank input rows, with a table on the right of the rows that need a
list. Both sheets are protected like 填报表; validation and prompts are in Chinese.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from xlsxwriter.utility import xl_col_to_name

from workbook.catalogue.model import Row
from workbook.core.inputs import INFO_RULES, ITEM_RULES, InputRule
from workbook.core.items import (
    INFO_COLUMNS,
    INFO_SHEET,
    ITEM_COLUMN_ZH,
    ITEM_COLUMNS,
    ITEM_KEYS,
    ITEM_SHEET,
)
from workbook.core.period import Period

ITEM_HEADER_ROW = 2  # 0-based: title, note, header
ITEM_INPUT_ROWS = 150
INFO_HEADER_ROW = 2
INFO_INPUT_ROWS = 40
_ITEM_WIDTHS = (6, 24, 30, 22, 30, 14, 26, 16)
_INFO_WIDTHS = (12, 16, 30, 90)


def _validation(rule: InputRule, period: Period, seqs: Sequence[int] = ()) -> dict[str, Any]:
    """The data validation of ``rule`` (core.inputs), as XlsxWriter takes it."""
    base: dict[str, Any] = {
        "input_title": rule.title,
        "input_message": rule.prompt,
        "error_type": "stop",
        "error_title": f"{rule.title}无效",
        "error_message": rule.error,
        "ignore_blank": True,
    }
    if rule.kind == "list":
        return {**base, "validate": "list", "source": list(rule.choices or map(str, seqs))}
    if rule.kind == "date":
        return {
            **base,
            "validate": "date",
            "criteria": "between",
            "minimum": datetime(period.year, 1, 1),
            "maximum": datetime(period.end.year, period.end.month, period.end.day),
            "error_message": f"请填写 {period.year} 年内、不晚于期末（{period.end}）的日期。",
        }
    criteria = "==" if rule.kind == "code" else "<="
    return {**base, "validate": "length", "criteria": criteria, "value": rule.limit}


def item_sheet(
    wb: Any,
    f: Any,
    rows: Sequence[Row],
    period: Period,
    carried: Sequence[dict[str, Any]],
    password: str,
) -> None:
    """明细台账, when the unit has itemised rows."""
    itemised = [r for r in rows if r.indicator.items]
    if not itemised:
        return
    ws = wb.add_worksheet(ITEM_SHEET)
    for c, width in enumerate(_ITEM_WIDTHS):
        ws.set_column(c, c, width)
    last = len(ITEM_COLUMNS) - 1
    ws.merge_range(0, 0, 0, last, f"{period.label}明细台账（建设点位、认定名单）", f.title)
    ws.set_row(0, 28)
    note = (
        "每个列明细的指标，本表的条数应与“填报表”中的累计完成数一致。灰色行为以前各期已确认的明细"
        "（已锁定，不必重填）；本期新增的填在下面的白色行。统一社会信用代码不要加空格。"
    )
    ws.merge_range(1, 0, 1, last, note, f.subtitle)
    ws.set_row(1, 32)
    for c, (_key, head) in enumerate(ITEM_COLUMNS):
        ws.write_string(ITEM_HEADER_ROW, c, head, f.header)
    seqs = [r.indicator.seq for r in itemised]
    lookup = _lookup_table(ws, f, itemised, last + 2)
    r = ITEM_HEADER_ROW + 1
    for item in carried:
        for c, key in enumerate(ITEM_KEYS):
            value = item.get(key, "")
            if key == "indicator":
                value = next(
                    (x.indicator.name for x in itemised if x.indicator.seq == item["seq"]), ""
                )
            _write(ws, r, c, value, f.locked_clip)
        r += 1
    _input_rows(ws, f, r, lookup, period, seqs)
    # the table only (not the lookup on the right), one page wide: legible at about 75%;
    # the carried rows and 30 blank ones (not 150 blank rows over pages)
    ws.print_area(0, 0, r + 29, last)
    ws.freeze_panes(ITEM_HEADER_ROW + 1, 0)
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(ITEM_HEADER_ROW)
    ws.protect(password, {"select_locked_cells": True, "select_unlocked_cells": True})


def _input_rows(
    ws: Any, f: Any, first_input: int, lookup: str, period: Period, seqs: list[int]
) -> None:
    """The blank rows a unit types its new items into, validated column by column."""
    for r in range(first_input, first_input + ITEM_INPUT_ROWS):
        seq_cell = f"A{r + 1}"
        ws.write_blank(r, 0, None, f.input_text)
        ws.write_formula(
            r, 1, f'=IFERROR(VLOOKUP({seq_cell},{lookup},2,FALSE),"")', f.locked_clip, ""
        )
        for c in range(2, len(ITEM_KEYS)):
            fmt = (
                f.input_date
                if ITEM_KEYS[c] == "date"
                else f.input_code
                if ITEM_KEYS[c] == "code"
                else f.input_text
            )
            ws.write_blank(r, c, None, fmt)
    end = first_input + ITEM_INPUT_ROWS - 1
    for c, key in enumerate(ITEM_KEYS):
        if key in ITEM_RULES:
            ws.data_validation(first_input, c, end, c, _validation(ITEM_RULES[key], period, seqs))


def _lookup_table(ws: Any, f: Any, itemised: Sequence[Row], col: int) -> str:
    """The rows that need a list, to the right of the table; returns its range for VLOOKUP."""
    ws.set_column(col, col, 6)
    ws.set_column(col + 1, col + 1, 30)
    ws.set_column(col + 2, col + 2, 26)
    ws.write_string(ITEM_HEADER_ROW, col, "序号", f.header)
    ws.write_string(ITEM_HEADER_ROW, col + 1, "需要列明细的指标", f.header)
    ws.write_string(ITEM_HEADER_ROW, col + 2, "本指标的明细应填的列", f.header)
    for i, row in enumerate(itemised, start=ITEM_HEADER_ROW + 1):
        ind = row.indicator
        cols = ["名称"] + [ITEM_COLUMN_ZH[c] for c in (ind.items or {}).get("columns", [])]
        ws.write_number(i, col, ind.seq, f.locked_center)
        ws.write_string(i, col + 1, ind.name, f.locked)
        ws.write_string(i, col + 2, "、".join(cols), f.locked)
    a, b = xl_col_to_name(col), xl_col_to_name(col + 1)
    return f"${a}${ITEM_HEADER_ROW + 2}:${b}${ITEM_HEADER_ROW + 1 + len(itemised)}"


def _write(ws: Any, r: int, c: int, value: Any, fmt: Any) -> None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        ws.write_number(r, c, value, fmt)
    elif isinstance(value, date):
        ws.write_string(r, c, value.isoformat(), fmt)
    else:
        ws.write_string(r, c, str(value or ""), fmt)


def info_sheet(
    wb: Any, f: Any, period: Period, password: str, worded: Callable[[str], str] = str
) -> None:
    """信息报送: highlights, experience and suggestions, each with what it concerns (``worded``:
    the texts in the level's words, 区局 for a county)."""
    ws = wb.add_worksheet(INFO_SHEET)
    for c, width in enumerate(_INFO_WIDTHS):
        ws.set_column(c, c, width)
    ws.merge_range(0, 0, 0, 3, f"{period.label}信息报送（工作亮点、经验做法、问题建议）", f.title)
    ws.set_row(0, 28)
    note = (
        "每条一行：选择类别，写明涉及的序号（如 56）或实事（如 食品安全），"
        f"标题不超过{INFO_RULES['title'].limit}字，内容不超过{INFO_RULES['text'].limit}字。"
        "市局汇编成信息汇编，供编发简报和总结使用。"
    )
    ws.merge_range(1, 0, 1, 3, worded(note), f.subtitle)
    for c, (_key, head) in enumerate(INFO_COLUMNS):
        ws.write_string(INFO_HEADER_ROW, c, head, f.header)
    first, end = INFO_HEADER_ROW + 1, INFO_HEADER_ROW + INFO_INPUT_ROWS
    for r in range(first, end + 1):
        for c in range(len(INFO_COLUMNS)):
            ws.write_blank(r, c, None, f.input_text)
        ws.set_row(r, 48)
    for c, (key, _head) in enumerate(INFO_COLUMNS):
        ws.data_validation(first, c, end, c, _validation(INFO_RULES[key], period))
    ws.freeze_panes(INFO_HEADER_ROW + 1, 0)
    ws.print_area(0, 0, INFO_HEADER_ROW + 8, 3)  # one page: the header and 8 entries
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.protect(password, {"select_locked_cells": True, "select_unlocked_cells": True})
