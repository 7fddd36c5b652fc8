"""The template's 填报说明 sheet: the instructions, with the unit's, period's and contact's
values filled in (templates/template_text.json)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import xlsxwriter

from workbook.excel.cells import fit_height
from workbook.template.sheets import TemplateFormats
from workbook.template.validation import fill

_KEY_WIDTH, _TEXT_WIDTH = 26, 90


def instructions_sheet(
    wb: xlsxwriter.Workbook,
    f: TemplateFormats,
    text: dict[str, Any],
    ctx: Mapping[str, str],
    password: str,
) -> None:
    ws = wb.add_worksheet(text["sheet_instructions"])
    ws.set_column(0, 0, _KEY_WIDTH)
    ws.set_column(1, 1, _TEXT_WIDTH)
    ws.merge_range(0, 0, 0, 1, fill(text["title"], ctx), f.title)
    ws.set_row(0, 30)
    r = 2
    for key, value in text["instructions"]:
        if value == "":
            ws.write_string(r, 0, key, f.instr_head)
            ws.set_row(r, 24)
        else:
            ws.write_string(r, 0, key, f.instr_key)
            shown = fill(value, ctx)
            ws.write_string(r, 1, shown, f.instr_val)
            # an explicit height that shows the wrapped text whole: no client fits it on
            # opening (LibreOffice printed one line of each long text, cut at the margin)
            height = fit_height([(shown, _TEXT_WIDTH), (key, _KEY_WIDTH)], points_per_line=15.0)
            if height > 20:
                ws.set_row(r, height)
        r += 1
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 1)  # the instructions on one sheet of paper
    ws.set_footer("&C第 &P 页，共 &N 页")
    ws.protect(password, {"select_locked_cells": True, "select_unlocked_cells": True})
