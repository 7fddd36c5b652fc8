"""A template prefilled from a lower level's consolidation (``shishi report-up``): the figures
typed into its open cells, the origin it carries, and the protected 所明细 sheet."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import xlsxwriter

from workbook.core.levels import DETAIL_HEADER, DETAIL_SHEET, ORIGIN_PIECE, ORIGIN_SHEET


@dataclass
class Prefill:
    values: dict[int, float | str] = field(default_factory=dict)  # 序号 → figure
    bases: dict[int, float] = field(default_factory=dict)  # 序号 → start-of-year base
    origin: dict[str, Any] = field(default_factory=dict)
    # (序号, 目标名称, 汇总方式, 汇总值, {unit: figure}) per row; units in column order
    detail: list[tuple[int, str, str, Any, dict[str, Any]]] = field(default_factory=list)
    detail_units: list[str] = field(default_factory=list)


def write_origin(wb: xlsxwriter.Workbook, prefill: Prefill, password: str) -> None:
    """The origin as JSON down column A of a very hidden, protected sheet."""
    ws = wb.add_worksheet(ORIGIN_SHEET)
    text = json.dumps(prefill.origin, ensure_ascii=False)
    for r, i in enumerate(range(0, len(text), ORIGIN_PIECE)):
        ws.write_string(r, 0, text[i : i + ORIGIN_PIECE])
    ws.protect(password)
    ws.very_hidden()


def detail_sheet(wb: xlsxwriter.Workbook, prefill: Prefill, password: str) -> None:
    """所明细: each 所's figure per row (percent figures as numbers: 85 is 85%), locked."""
    ws = wb.add_worksheet(prefill.origin.get("detail_sheet") or DETAIL_SHEET)
    title = wb.add_format({"font_name": "黑体", "font_size": 14, "bold": True})
    head = wb.add_format({"font_name": "宋体", "font_size": 10, "bold": True, "border": 1,
                          "bg_color": "#D9D9D9", "text_wrap": True, "align": "center"})  # fmt: skip
    cell = wb.add_format({"font_name": "宋体", "font_size": 10, "border": 1, "text_wrap": True})
    ws.write_string(
        0,
        0,
        f"{prefill.origin.get('bureau', '')}各下级单位报送明细（由系统汇总生成，仅供核对）",
        title,
    )
    ws.write_string(1, 0, "比率类按百分数填写（85 表示 85%）；“未报送”表示该单位本期未报送。")
    for c, h in enumerate([*DETAIL_HEADER, *prefill.detail_units]):
        ws.write_string(2, c, h, head)
    for r, (seq, name, rule, total, parts) in enumerate(prefill.detail, start=3):
        row = [seq, name, rule, total, *(parts.get(u) for u in prefill.detail_units)]
        for c, v in enumerate(row):
            if isinstance(v, int | float):
                ws.write_number(r, c, v, cell)
            else:
                ws.write_string(r, c, "" if v is None else str(v), cell)
    ws.set_column(0, 0, 6)
    ws.set_column(1, 1, 30)
    ws.set_column(2, 3 + len(prefill.detail_units), 11)
    ws.freeze_panes(3, 2)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(2)
    ws.protect(password)
