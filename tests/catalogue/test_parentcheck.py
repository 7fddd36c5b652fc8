"""``catalogue import --parent``: each parent check fires at its cell of a county's derived
table, in the county's words (全区目标, 区局), and a clean derived table passes.

The table is written by ``catalogue derive`` and edited with openpyxl (the LibreOffice edit of
the same table is in tests/app/test_multilevel.py). Layout: A–E 序号..全区目标任务, F 本级,
G 解放所, H 白泉所, …, S 汇总方式; the row of a 序号 is found by reading column A.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from workbook.catalogue import model as catalogue
from workbook.catalogue.derive import derive
from workbook.catalogue.table import export as tablefile
from workbook.catalogue.table import importer as tableimport

CITY = catalogue.load()
STATIONS = [("解放所", "解放市场监督管理所"), ("白泉所", "白泉市场监督管理所")]


@pytest.fixture
def table(tmp_path: Path) -> Path:
    path = tmp_path / "定海分解表.xlsx"
    tablefile.write_xlsx(derive(CITY, "定海", STATIONS, "even"), path)
    return path


def _edit(path: Path, edits: dict[int, dict[str, str]], rollup_col: str = "S") -> None:
    """``edits``: 序号 → {column letter: new text}."""
    wb = openpyxl.load_workbook(path)
    ws = wb["任务分解表"]
    assert ws[f"{rollup_col}1"].value == "汇总方式"
    rows = {str(ws[f"A{r}"].value): r for r in range(2, ws.max_row + 1)}
    for seq, cells in edits.items():
        for col, text in cells.items():
            ws[f"{col}{rows[str(seq)]}"] = text
    wb.save(path)


def _row(path: Path, seq: int) -> int:
    ws = openpyxl.load_workbook(path, read_only=True)["任务分解表"]
    return next(r for r, (a,) in enumerate(ws.iter_rows(min_col=1, max_col=1, values_only=True), 1)
                if str(a) == str(seq))  # fmt: skip


def _found(path: Path) -> tuple[dict | None, list]:
    data, report = tableimport.import_table(path, parent=CITY)
    return data, [p for p in report.problems if p.severity in ("error", "warning")]


def test_a_derived_table_imports_clean_against_its_parent(table):
    data, problems = _found(table)
    # an even split leaves 本级 nothing, which is said once, as a warning
    assert [(p.code, p.cell) for p in problems] == [("unit.no_targets", "F1")]
    assert data is not None
    assert data["parent"]["unit"] == "定海" and data["level"]["scope"] == "全区"


def test_each_parent_check_fires_at_its_cell(table):
    rows = {s: _row(table, s) for s in (2, 10, 11, 12)}
    _edit(table, {
        10: {"E": "15"},  # the county's own target below the city's 20 for 定海
        11: {"G": "1", "H": "1"},  # 1 + 1 < 12
        2: {"G": "达到70%"},  # a worst-unit row: one 所 below the county's 80%
        12: {"S": "本级填报"},  # reported by 本级 only, but 本级 has no target
    })  # fmt: skip
    data, problems = _found(table)
    at = {(p.code, f"{p.sheet}!{p.cell}") for p in problems}
    assert data is None
    assert ("parent.weaker", f"任务分解表!E{rows[10]}") in at
    assert ("parent.sum_short", f"任务分解表!E{rows[11]}") in at
    assert ("parent.unit_weaker", f"任务分解表!G{rows[2]}") in at
    assert ("parent.self_missing", f"任务分解表!F{rows[12]}") in at
    weaker = next(p for p in problems if p.code == "parent.weaker")
    assert "“15”弱于上级下达的“20”" in weaker.message


def test_a_lost_row_and_a_station_named_like_a_city_unit(table):
    wb = openpyxl.load_workbook(table)
    ws = wb["任务分解表"]
    last = ws.max_row
    seq = ws[f"A{last}"].value
    ws.delete_rows(last)
    info = wb["目录信息"]
    cell = next(c for row in info.iter_rows() for c in row if c.value == "白泉所")
    cell.value = "普陀"
    ws["H1"] = "普陀"
    wb.save(table)
    data, problems = _found(table)
    codes = [p.code for p in problems]
    assert data is None and "parent.row_missing" in codes and "parent.double_count" in codes
    lost = next(p for p in problems if p.code == "parent.row_missing")
    assert f"序号 {seq}" in lost.message


def test_messages_speak_of_the_county_not_the_city(table):
    r = _row(table, 10)
    _edit(table, {10: {"E": ""}})
    data, problems = _found(table)
    empty = next(p for p in problems if p.cell == f"E{r}")
    assert data is None and "全区目标" in empty.message and "全市" not in empty.message


def test_a_station_s_count_target_must_be_whole(table):
    """An even split edited to 1.5 / 2.5 家 (the parts still add up) is refused at the cell."""
    row = _row(table, 10)
    _edit(table, {10: {"G": "1.5", "H": "2.5"}})
    data, problems = _found(table)
    at = {(p.code, p.cell) for p in problems if p.code == "target.not_whole"}
    assert data is None and at == {("target.not_whole", f"G{row}"), ("target.not_whole", f"H{row}")}
