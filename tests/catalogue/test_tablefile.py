"""export → import gives back the catalogue, also after LibreOffice or openpyxl edits it."""

from __future__ import annotations

import json

import openpyxl
import pytest
from conftest import needs_soffice, shishi
from lo_helpers import lo_convert
from python_calamine import CalamineWorkbook

from workbook.catalogue import check as lint
from workbook.catalogue import model as catalogue
from workbook.catalogue.table import export as tablefile
from workbook.catalogue.table import importer as tableimport


@pytest.fixture(scope="module")
def cat():
    return catalogue.load()


def _roundtrip(path):
    data, report = tableimport.import_table(path)
    assert data is not None, lint.render_text(report)
    return catalogue.from_dict(data)


def test_xlsx_export_import_is_identical(tmp_path, cat):
    out = tmp_path / "table.xlsx"
    tablefile.write_xlsx(cat, out)
    assert _roundtrip(out).as_dict() == cat.as_dict()
    # second reader: calamine sees the same header and the merged note once
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("任务分解表").to_python()
    assert rows[0][:5] == ["序号", "实事名称", "目标名称", "单位", "全市目标任务"]
    row4 = next(r for r in rows if str(r[0]) == "4")
    assert row4[10] == "分别纳入对应县区的统计范围" and row4[11] == ""


def test_openpyxl_edit_survives_import(tmp_path, cat):
    out = tmp_path / "table.xlsx"
    tablefile.write_xlsx(cat, out)
    wb = openpyxl.load_workbook(out)
    ws = wb["任务分解表"]
    ws.cell(11, 7).value = "22"  # 序号10, 定海: 20 -> 22
    wb.save(out)
    new = _roundtrip(out)
    t = new.indicator(10).targets["定海"]
    assert (t.text, t.value) == ("22", 22)
    assert new.indicator(11).as_dict() == cat.indicator(11).as_dict()
    assert any(
        p.code == "target.sum_mismatch" and p.seq == 10
        for p in lint.check_data(new.as_dict()).warnings
    )


@needs_soffice
@pytest.mark.libreoffice
def test_libreoffice_resave_keeps_the_catalogue(tmp_path, cat):
    src = tmp_path / "src" / "table.xlsx"
    tablefile.write_xlsx(cat, src)
    resaved = lo_convert(src, tmp_path / "lo", "xlsx:Calc MS Excel 2007 XML", tmp_path)
    back = _roundtrip(resaved)
    assert json.dumps(back.as_dict(), ensure_ascii=False) == json.dumps(
        cat.as_dict(), ensure_ascii=False
    )


def test_a_far_stray_cell_is_named_not_read_cell_by_cell(tmp_path, cat):
    """A value in XFD1048576 once made the import build 17 billion empty cells (killed after
    30 s here); now it is a warning naming the cell and the catalogue still comes back."""
    src = tmp_path / "table.xlsx"
    tablefile.write_xlsx(cat, src)
    wb = openpyxl.load_workbook(src)
    wb["任务分解表"]["XFD1048576"] = "草稿"
    wb.save(src)
    out = tmp_path / "c.json"
    r = shishi("catalogue", "import", str(src), "-o", str(out), timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    line = next(x for x in r.stdout.splitlines() if "table.far_cell" in x)
    assert "任务分解表!XFD1048576" in line and "草稿" in line
    assert catalogue.load(out).as_dict() == cat.as_dict()


def test_a_table_without_the_kind_column_is_refused_once(tmp_path, cat):
    src = tmp_path / "table.xlsx"
    tablefile.write_xlsx(cat, src)
    wb = openpyxl.load_workbook(src)
    ws = wb["任务分解表"]
    col = next(c.column for c in ws[1] if c.value == "目标类型")
    ws.delete_cols(col)
    wb.save(src)
    data, report = tableimport.import_table(src)
    assert data is None
    assert [p.code for p in report.errors] == ["table.kind_column"]
