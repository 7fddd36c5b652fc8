"""One generator per known failure of FIELD_NOTES.md: each writes the bad file it is named after.

They start from a real generated template and change it the way the failure happens (openpyxl
standing in for a user who removes protection, pastes over validation, inserts rows...).
"""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl

from workbook.template.build import COL, FIRST_DATA_ROW, IDENTITY_SHEET


def _open(template: Path):
    wb = openpyxl.load_workbook(template)
    return wb, wb["填报表"]


def row_of(ws, seq: int) -> int:
    """The 1-based row holding 序号 ``seq``."""
    for r in range(FIRST_DATA_ROW + 1, ws.max_row + 1):
        if ws.cell(r, COL["seq"] + 1).value == seq:
            return r
    raise KeyError(seq)


def value_cell(ws, seq: int) -> str:
    return ws.cell(row_of(ws, seq), COL["value"] + 1).coordinate


def unprotected_target_changed(template: Path, out: Path, seq: int) -> str:
    """Protection removed, then a locked 本单位目标任务 overwritten. Returns the cell."""
    wb, ws = _open(template)
    ws.protection.sheet = False
    cell = ws.cell(row_of(ws, seq), COL["own"] + 1)
    cell.value = "999"
    wb.save(out)
    return cell.coordinate


def header_changed(template: Path, out: Path) -> None:
    """Protection removed and the 累计完成 heading overwritten: the table cannot be placed."""
    from workbook.template.build import HEADER_ROW

    wb, ws = _open(template)
    ws.protection.sheet = False
    ws.cell(HEADER_ROW + 1, COL["value"] + 1).value = "完成数"
    wb.save(out)


def report_sheet_lost(template: Path, out: Path) -> None:
    """The 填报表 sheet renamed and its header gone (only its rows of figures are left)."""
    from workbook.template.build import HEADER_ROW

    wb, ws = _open(template)
    ws.protection.sheet = False
    ws.title = "Sheet1"
    for c in range(1, ws.max_column + 1):
        ws.cell(HEADER_ROW + 1, c).value = None
    wb.save(out)


def validation_bypassed(template: Path, out: Path, seq: int, value) -> str:
    """A value the validation would refuse, written as paste or another program does."""
    wb, ws = _open(template)
    addr = value_cell(ws, seq)
    ws[addr].value = value
    wb.save(out)
    return addr


def formula_in_input(template: Path, out: Path, seq: int) -> str:
    wb, ws = _open(template)
    addr = value_cell(ws, seq)
    ws[addr].value = "=10+5"
    wb.save(out)
    return addr


def inserted_row(template: Path, out: Path, before_seq: int, values: dict[int, float]) -> int:
    """A row inserted above ``before_seq`` holding a stray value; returns the inserted row."""
    wb, ws = _open(template)
    for seq, v in values.items():
        ws[value_cell(ws, seq)].value = v
    r = row_of(ws, before_seq)
    ws.insert_rows(r)
    ws.cell(r, COL["value"] + 1).value = 7
    wb.save(out)
    return r


def deleted_row(template: Path, out: Path, seq: int) -> None:
    wb, ws = _open(template)
    ws.delete_rows(row_of(ws, seq))
    wb.save(out)


def merged_input_cells(template: Path, out: Path, seq_a: int, seq_b: int) -> None:
    """Two value cells merged: only the top-left keeps a value."""
    wb, ws = _open(template)
    a, b = value_cell(ws, seq_a), value_cell(ws, seq_b)
    ws[a].value = 5
    ws.merge_cells(f"{a}:{b}")
    wb.save(out)


def identity_sheet_deleted(template: Path, out: Path) -> None:
    """The identity sheet removed (structure protection dropped); custom properties remain."""
    wb, _ws = _open(template)
    del wb[IDENTITY_SHEET]
    wb.save(out)


def not_a_template(out: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "定海 十件实事"
    wb.save(out)


def truncated_xlsx(template: Path, out: Path) -> None:
    out.write_bytes(template.read_bytes()[:3000])


def zip_bomb(out: Path) -> None:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * 300_000_000)


def entity_expansion(template: Path, out: Path) -> None:
    """A 'billion laughs' DOCTYPE injected into sharedStrings.xml."""
    bomb = (
        '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{("&lol%s;" % ("" if i == 1 else i - 1)) * 10}">'
            for i in range(1, 10)
        )
        + "]>"
    )
    with zipfile.ZipFile(template) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zo:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/sharedStrings.xml":
                text = data.decode("utf-8")
                text = bomb + text.split("?>", 1)[1]
                text = text.replace("<t>序号</t>", "<t>&lol9;</t>", 1)
                data = text.encode("utf-8")
            zo.writestr(item, data)


def date_in_number(template: Path, out: Path, seq: int) -> str:
    return validation_bypassed(template, out, seq, datetime(2024, 1, 2))


def text_like_formula(template: Path, out: Path, seq: int, progress: str, problems: str) -> None:
    """District text that starts with = or +, stored as text (as typed after an apostrophe)."""
    wb, ws = _open(template)
    r = row_of(ws, seq)
    for key, text in (("progress", progress), ("problems", problems)):
        cell = ws.cell(r, COL[key] + 1)
        cell.value = text
        cell.data_type = "s"
    ws[value_cell(ws, seq)].value = 3
    wb.save(out)
