"""The sheets of a district template: 填报说明 and 填报表.

填报表 keeps the official 序号 and targets (locked), one input row per indicator the unit
reports (unlocked, validated with Chinese prompts and errors), formulas for 完成率 and 进度状态
that follow ``status.status`` (``status.status_formula``), and a signature block. Every
per-kind rule (validation range, number format, formula) comes from ``measures.MEASURES``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from workbook.catalogue.model import Catalogue, Row
from workbook.core.inputs import REPORT_TEXT_KEYS, REPORT_TEXT_LIMIT, SIGNATURE_LIMIT
from workbook.core.layout import COL, COLUMNS, FIRST_DATA_ROW, HEADER_ROW, row_name
from workbook.core.measures import MEASURES, measure
from workbook.core.period import Period, parse_period
from workbook.core.status import completion_formula, status_formula
from workbook.excel.cells import fit_height
from workbook.template.validation import date_validation, figure_validation, fill, text_validation

WIDTHS = {
    "seq": 5,
    "action": 13,
    "name": 30,
    "unit": 7,
    "city": 14,
    "own": 16,
    "target_value": 8,
    "previous": 8,
    "base": 8,
    "value": 12,
    "completion": 8,
    "expected": 8,
    "status": 10,
    "progress": 28,
    "problems": 28,
    "remark": 12,
}


NUMBER_FORMATS = {kind: m.number_format for kind, m in MEASURES.items()}


def _row_height(texts: Mapping[str, str]) -> float:
    """A row height that shows the row's wrapped Chinese text whole."""
    return fit_height(((text, WIDTHS[key]) for key, text in texts.items()), minimum=18.0)


def main_period(previous: Mapping[int, tuple[str, float | str]]) -> str:
    codes = [code for code, _ in previous.values()]
    return max(set(codes), key=lambda c: (codes.count(c), parse_period(c)))


class _PlainFormulaSheet(xlsxwriter.worksheet.Worksheet):
    """A worksheet that skips XlsxWriter's future-function rewriting of formulas.

    The templates' formulas use only IF, AND, NOT and ISNUMBER, so the thirty regular
    expressions XlsxWriter runs on every formula change nothing; skipping them makes a
    template about a third faster to write.
    """

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        return formula[1:] if formula.startswith("=") else formula


class TemplateFormats:
    """The cell formats of one workbook, registered once (per-cell formats are the slow part)."""

    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter", "border": 1}
        self.title = wb.add_format(
            {
                "font_name": "黑体",
                "font_size": 15,
                "bold": True,
                "align": "center",
                "valign": "vcenter",
            }
        )
        self.subtitle = wb.add_format({"font_name": "宋体", "font_size": 10, "valign": "vcenter"})
        self.header = wb.add_format(
            {**base, "bold": True, "text_wrap": True, "align": "center", "bg_color": "#D9D9D9"}
        )
        self.locked = wb.add_format({**base, "text_wrap": True, "bg_color": "#F2F2F2"})
        self.locked_center = wb.add_format(
            {**base, "text_wrap": True, "align": "center", "bg_color": "#F2F2F2"}
        )
        self.pct = wb.add_format(
            {**base, "num_format": "0.0%", "align": "center", "bg_color": "#F2F2F2"}
        )
        self.lagging = wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
        self.input_text = wb.add_format({**base, "locked": False, "text_wrap": True})
        # locked, one line (a long name is cut at the next cell, never over the row below)
        self.locked_clip = wb.add_format({**base, "bg_color": "#F2F2F2", "shrink": True})
        self.input_code = wb.add_format({**base, "locked": False, "num_format": "@"})
        self.input_date = wb.add_format({**base, "locked": False, "num_format": "yyyy-mm-dd"})
        self.input_num = {
            m: wb.add_format({**base, "locked": False, "num_format": f, "align": "right"})
            for m, f in NUMBER_FORMATS.items()
        }
        self.locked_num = {
            m: wb.add_format({**base, "num_format": f, "align": "right", "bg_color": "#F2F2F2"})
            for m, f in NUMBER_FORMATS.items()
        }
        self._signature_and_notes(wb)

    def _signature_and_notes(self, wb: xlsxwriter.Workbook) -> None:
        """The signature block's labels and inputs, and the 填报说明 sheet's texts."""
        self.sig_label = wb.add_format(
            {
                "font_name": "宋体",
                "font_size": 11,
                "bold": True,
                "align": "right",
                "valign": "vcenter",
            }
        )
        self.sig_input = wb.add_format(
            {"font_name": "宋体", "font_size": 11, "locked": False, "bottom": 1}
        )
        self.sig_date = wb.add_format(
            {
                "font_name": "宋体",
                "font_size": 11,
                "locked": False,
                "bottom": 1,
                "num_format": "yyyy-mm-dd",
                "align": "left",
            }
        )
        self.instr_head = wb.add_format({"font_name": "黑体", "font_size": 12, "bold": True})
        self.instr_key = wb.add_format(
            {"font_name": "宋体", "font_size": 11, "bold": True, "valign": "top", "text_wrap": True}
        )
        self.instr_val = wb.add_format(
            {"font_name": "宋体", "font_size": 11, "valign": "top", "text_wrap": True}
        )


def share_expression(row: Row, period: Period) -> tuple[float, str]:
    """The row's 序时进度 and how the formula writes it: the exact "(5/12)" when linear, so
    the sheet computes it as Python does."""
    share = row.indicator.expected_share(period.months)
    if (row.indicator.progress or {}).get("milestones"):
        return share, repr(share)
    return share, f"({period.months}/12)"


@dataclass(frozen=True)
class _SheetContext:
    """What every row of 填报表 is written with: formats, wording and its values, the period,
    the figures carried from earlier periods (上期累计, the main period they come from) and
    the confirmed bases of stocks."""

    f: TemplateFormats
    text: dict[str, Any]
    ctx: Mapping[str, str]
    period: Period
    previous: Mapping[int, tuple[str, float | str]]
    main_previous: str
    bases: Mapping[int, float]
    # figures typed in for the unit, still open (report-up: a county's consolidated figures)
    prefill: Mapping[int, float | str] = field(default_factory=dict)
    prefill_bases: Mapping[int, float] = field(default_factory=dict)


def report_sheet(
    wb: xlsxwriter.Workbook,
    f: TemplateFormats,
    text: dict[str, Any],
    ctx: Mapping[str, str],
    cat: Catalogue,
    rows: list[Row],
    period: Period,
    password: str,
    previous: Mapping[int, tuple[str, float | str]],
    bases: Mapping[int, float],
    prefill: tuple[Mapping[int, float | str], Mapping[int, float]] = ({}, {}),
) -> None:
    """填报表: title, header, one row per indicator, the signature block, print set-up and
    protection. ``prefill``: (序号 → figure, 序号 → base) typed into the open cells."""
    ws = wb.add_worksheet(text["sheet_report"], worksheet_class=_PlainFormulaSheet)
    sheet = _SheetContext(
        f, text, ctx, period, previous, main_period(previous) if previous else "", bases,
        prefill[0], prefill[1],
    )  # fmt: skip
    last_col = len(COLUMNS) - 1
    for key, width in WIDTHS.items():
        ws.set_column(COL[key], COL[key], width)
    ws.merge_range(0, 0, 0, last_col, fill(text["title"], ctx), f.title)
    ws.set_row(0, 30)
    ws.merge_range(1, 0, 1, last_col, fill(text["subtitle"], ctx), f.subtitle)
    for key in COLUMNS:
        ws.write_string(HEADER_ROW, COL[key], text["headers"][key], f.header)
    ws.set_row(HEADER_ROW, 32)
    for i, row in enumerate(rows):
        r = FIRST_DATA_ROW + i
        _row_locked(ws, f, cat, row, r)
        _row_figures(ws, sheet, row, r)
        for key in ("progress", "problems", "remark"):
            ws.write_blank(r, COL[key], None, f.input_text)
        wb.define_name(
            row_name(row.indicator.seq),
            f"='{text['sheet_report']}'!$A${r + 1}:${xl_col_to_name(last_col)}${r + 1}",
        )
    last = FIRST_DATA_ROW + len(rows) - 1
    if rows:
        _table_rules(wb, ws, f, text, last)
    sig_row = last + 2
    _signature_block(wb, ws, f, text, sig_row)
    _report_page(ws, ctx, sig_row + len(text["signature"]) - 1)
    ws.protect(
        password,
        {
            "select_locked_cells": True,
            "select_unlocked_cells": True,
            "format_rows": True,
            "format_columns": True,
        },
    )


def _row_locked(ws: Any, f: TemplateFormats, cat: Catalogue, row: Row, r: int) -> None:
    """The row's locked texts as the catalogue has them, and a height that shows them."""
    ind = row.indicator
    action = cat.action(ind.action).name
    ws.write_number(r, COL["seq"], ind.seq, f.locked_center)
    ws.write_string(r, COL["action"], action, f.locked)
    ws.write_string(r, COL["name"], ind.name, f.locked)
    ws.write_string(r, COL["unit"], ind.measure_unit, f.locked_center)
    ws.write_string(r, COL["city"], ind.city.text, f.locked)
    ws.write_string(r, COL["own"], row.target.text, f.locked)
    ws.set_row(
        r,
        _row_height(
            {"action": action, "name": ind.name, "city": ind.city.text, "own": row.target.text}
        ),
    )


def _table_rules(
    wb: xlsxwriter.Workbook, ws: Any, f: TemplateFormats, text: dict[str, Any], last: int
) -> None:
    """Length limits of the text columns, the 滞后 highlight and the name of the value
    column, over the data rows down to ``last``."""
    rule = text_validation("text", REPORT_TEXT_LIMIT, text)
    for key in REPORT_TEXT_KEYS:
        ws.data_validation(FIRST_DATA_ROW, COL[key], last, COL[key], rule)
    status_cell = f"${xl_col_to_name(COL['status'])}{FIRST_DATA_ROW + 1}"
    ws.conditional_format(
        FIRST_DATA_ROW,
        0,
        last,
        len(COLUMNS) - 1,
        {"type": "formula", "criteria": f'={status_cell}="滞后"', "format": f.lagging},
    )
    vcol = xl_col_to_name(COL["value"])
    wb.define_name(
        "shishi_values",
        f"='{text['sheet_report']}'!${vcol}${FIRST_DATA_ROW + 1}:${vcol}${last + 1}",
    )


def _signature_block(
    wb: xlsxwriter.Workbook, ws: Any, f: TemplateFormats, text: dict[str, Any], sig_row: int
) -> None:
    """填报人, 审核人, 联系电话 and 填报日期 below the table, each input named."""
    for k, (key, label) in enumerate(text["signature"]):
        r = sig_row + k
        ws.merge_range(r, COL["seq"], r, COL["action"], label + "：", f.sig_label)
        if key == "date":
            ws.write_blank(r, COL["name"], None, f.sig_date)
            ws.data_validation(r, COL["name"], r, COL["name"], date_validation(text))
        else:
            ws.write_blank(r, COL["name"], None, f.sig_input)
            ws.data_validation(
                r, COL["name"], r, COL["name"], text_validation("signature", SIGNATURE_LIMIT, text)
            )
        wb.define_name(
            f"shishi_sig_{key}", f"='{text['sheet_report']}'!${xl_col_to_name(COL['name'])}${r + 1}"
        )


def _report_page(ws: Any, ctx: Mapping[str, str], last_row: int) -> None:
    """A4 landscape, one page wide, the header rows repeated, unit and period in the header."""
    ws.freeze_panes(FIRST_DATA_ROW, COL["unit"])
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(HEADER_ROW)
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer("&C第 &P 页，共 &N 页")
    ws.set_header(f"&L{ctx['unit_full_name']}&R{ctx['period_label']}")
    ws.print_area(0, 0, last_row, len(COLUMNS) - 1)


def _row_given(ws: Any, sheet: _SheetContext, row: Row, r: int) -> None:
    """目标值, 上期累计 (with a note when it comes from an older period) and 年初基数 (locked
    once confirmed, else an input)."""
    f, text, ctx, bases = sheet.f, sheet.text, sheet.ctx, sheet.bases
    prev_period, prev = sheet.previous.get(row.indicator.seq, ("", None))
    ind = row.indicator
    k = ind.measure
    m = measure(k)
    if row.target.value is not None and k != "qualitative":
        ws.write_number(r, COL["target_value"], row.target.value / m.scale, f.locked_num[k])
    else:
        ws.write_blank(r, COL["target_value"], None, f.locked)
    if prev_period and prev_period != sheet.main_previous:
        ws.write_comment(
            r,
            COL["previous"],
            f"本项上期累计取自{parse_period(prev_period).label}已确认数"
            "（之后的期次没有本项的确认数）。",
            {"author": ctx.get("bureau_short", "市局"), "x_scale": 2},
        )
    if isinstance(prev, int | float):
        ws.write_number(r, COL["previous"], prev / m.scale, f.locked_num[k])
    elif prev:
        ws.write_string(r, COL["previous"], str(prev), f.locked)
    else:
        ws.write_blank(r, COL["previous"], None, f.locked)
    vctx = {**ctx, "unit": ind.measure_unit}
    if not m.base:
        ws.write_string(r, COL["base"], "—", f.locked_center)
    elif ind.seq in bases:
        ws.write_number(r, COL["base"], bases[ind.seq], f.locked_num[k])
    else:
        given = sheet.prefill_bases.get(ind.seq)
        if given is None:
            ws.write_blank(r, COL["base"], None, f.input_num[k])
        else:
            ws.write_number(r, COL["base"], given, f.input_num[k])
        ws.data_validation(r, COL["base"], r, COL["base"], figure_validation(k, vctx, text, "base"))


def _row_figures(ws: Any, sheet: _SheetContext, row: Row, r: int) -> None:
    """目标值, 上期累计, 年初基数, the value cell and the formulas of one row, all following the
    row's measure (percent kinds hold fractions: 85% is 0.85)."""
    f, text, ctx, period = sheet.f, sheet.text, sheet.ctx, sheet.period
    ind = row.indicator
    k = ind.measure
    m = measure(k)
    _row_given(ws, sheet, row, r)
    typed = sheet.prefill.get(ind.seq)
    if isinstance(typed, int | float):
        ws.write_number(r, COL["value"], typed / m.scale, f.input_num[k])
    elif typed:
        ws.write_string(r, COL["value"], str(typed), f.input_num[k])
    else:
        ws.write_blank(r, COL["value"], None, f.input_num[k])
    vctx = {**ctx, "unit": ind.measure_unit}
    v = xl_col_to_name(COL["value"]) + str(r + 1)
    ws.data_validation(r, COL["value"], r, COL["value"], figure_validation(k, vctx, text, cell=v))
    g = xl_col_to_name(COL["target_value"]) + str(r + 1)
    b = xl_col_to_name(COL["base"]) + str(r + 1)
    comp = completion_formula(k, v, g, b, row.target.op)
    if comp:
        ws.write_formula(r, COL["completion"], comp, f.pct, "")
    else:
        ws.write_string(r, COL["completion"], "—", f.locked_center)
    share, share_expr = share_expression(row, period)
    if m.cumulative:
        ws.write_number(r, COL["expected"], share, f.pct)
    else:
        ws.write_string(r, COL["expected"], "—", f.locked_center)
    ws.write_formula(
        r,
        COL["status"],
        status_formula(k, row.target.op, share, share_expr, v, g, b, ind.single_item),
        f.locked_center,
        "未报送",
    )
