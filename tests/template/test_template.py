"""Generated templates, read back with openpyxl and python-calamine, and through LibreOffice."""

from __future__ import annotations

import subprocess
import zipfile

import openpyxl
import pytest
from conftest import needs_soffice, shishi
from lo_helpers import lo_run
from python_calamine import CalamineWorkbook
from xlsxwriter.utility import xl_col_to_name

from workbook.catalogue import model as catalogue
from workbook.catalogue.model import reporting_rows
from workbook.core.errors import InputError
from workbook.core.measures import measure
from workbook.core.period import parse_period
from workbook.template.build import (
    COL,
    FIRST_DATA_ROW,
    HEADER_ROW,
    IDENTITY_SHEET,
    INPUT_COLUMNS,
    build_template,
    generate,
    row_name,
    template_filename,
)

PERIOD = parse_period("2024Q2")


@pytest.fixture(scope="module")
def cat():
    return catalogue.load()


@pytest.fixture(scope="module")
def generated(cat, tmp_path_factory):
    out = tmp_path_factory.mktemp("tpl")
    return generate(cat, PERIOD, out)


def test_periods():
    assert parse_period("2024Q2") == parse_period("2024-Q2") == parse_period("2024q2")
    assert parse_period("2024Q2").share == 0.5 and parse_period("2024Q3").label == "2024年第三季度"
    assert parse_period("2024-05").share == pytest.approx(5 / 12)
    assert parse_period("2024Q1").previous() is None
    assert parse_period("2024Q3").previous() == parse_period("2024Q2")
    with pytest.raises(InputError, match="无法识别的期次"):
        parse_period("2024Q5")


def test_eleven_workbooks_named_by_period_and_unit(cat, generated):
    assert [p.name for p in generated] == [
        template_filename(PERIOD, u, "十件实事") for u in cat.unit_ids
    ]
    assert generated[1].name == "2024Q2_定海_十件实事填报.xlsx"


def _data_rows(ws, n):
    return range(FIRST_DATA_ROW + 1, FIRST_DATA_ROW + 1 + n)


def test_locking_validation_protection_and_print(cat, generated):
    inputs = {COL[k] + 1 for k in INPUT_COLUMNS}
    for path, unit in zip(generated, cat.unit_ids, strict=True):
        wb = openpyxl.load_workbook(path)
        assert wb.security is not None and wb.security.lockStructure, path.name
        assert wb[IDENTITY_SHEET].sheet_state == "veryHidden"
        for name in wb.sheetnames:
            assert wb[name].protection.sheet, (path.name, name)
        ws = wb["填报表"]
        rows = reporting_rows(cat, unit)
        dvs = ws.data_validations.dataValidation
        covered = {}
        for dv in dvs:
            assert dv.showErrorMessage and dv.errorStyle in (None, "stop"), dv.sqref
            assert dv.error and dv.errorTitle and dv.prompt, dv.sqref
            for rng in dv.sqref.ranges:
                for r in range(rng.min_row, rng.max_row + 1):
                    for c in range(rng.min_col, rng.max_col + 1):
                        covered[(r, c)] = dv
        for r, row in zip(_data_rows(ws, len(rows)), rows, strict=True):
            stock_base = {COL["base"] + 1} if measure(row.indicator.measure).base else set()
            for c in range(1, len(COL) + 1):
                cell = ws.cell(r, c)
                if c in inputs | stock_base:  # a stock's base is typed once, in Q1
                    assert not cell.protection.locked, cell.coordinate
                    assert (r, c) in covered, cell.coordinate
                else:
                    assert cell.protection.locked, cell.coordinate
        # every header and title cell is locked too
        for c in range(1, len(COL) + 1):
            assert ws.cell(HEADER_ROW + 1, c).protection.locked
        # signature block: five unlocked, validated input cells below the data
        sig_first = FIRST_DATA_ROW + len(rows) + 2
        labels = [ws.cell(r, 1).value for r in range(sig_first, sig_first + 5)]
        assert labels == ["填报单位（盖章）：", "填报人：", "联系电话：", "审核人：", "填报日期："]
        for r in range(sig_first, sig_first + 5):
            cell = ws.cell(r, COL["name"] + 1)
            assert not cell.protection.locked and (r, COL["name"] + 1) in covered
        ps = ws.page_setup
        assert ps.orientation == "landscape" and int(ps.paperSize) == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ps.fitToWidth in (1, None)
        assert ps.fitToHeight == 0
        assert ws.print_title_rows == "$3:$3"
        assert "&P" in ws.oddFooter.center.text
        assert ws.freeze_panes == "D4"


def test_rate_validation_says_what_to_type(cat, generated):
    wb = openpyxl.load_workbook(generated[1])
    ws = wb["填报表"]
    cell = f"{xl_col_to_name(COL['value'])}4"  # 序号 2, a rate
    dv = next(d for d in ws.data_validations.dataValidation if cell in str(d.sqref))
    # 0%..100%, or 无 (no cases this period)
    assert dv.type == "custom"
    assert dv.formula1 == f'OR(AND(ISNUMBER({cell}),{cell}>=0,{cell}<=1),{cell}="无")'
    assert "如 85%" in dv.prompt and "8500%" in dv.error and "无" in dv.prompt
    assert ws[cell].number_format == "0.0%"
    qual = [d for d in ws.data_validations.dataValidation if d.type == "list"]
    assert not qual  # 定海 has no qualitative rows
    ws2 = openpyxl.load_workbook(generated[2])["填报表"]  # 普陀 has 序号 38
    assert any(
        d.type == "list" and "推进中" in d.formula1 for d in ws2.data_validations.dataValidation
    )


def test_every_target_shown_equals_the_catalogue(cat, generated):
    """Second reader: calamine sees the catalogue's 全市目标任务 and 本单位目标任务 on every row."""
    for path, unit in zip(generated, cat.unit_ids, strict=True):
        wb = CalamineWorkbook.from_path(str(path))
        grid = wb.get_sheet_by_name("填报表").to_python()
        header = grid[HEADER_ROW]
        assert header[COL["city"]] == "全市目标任务" and header[COL["own"]] == "本单位目标任务"
        assert str(header[COL["value"]]).startswith("累计完成")
        rows = reporting_rows(cat, unit)
        for i, row in enumerate(rows):
            line = grid[FIRST_DATA_ROW + i]
            assert int(line[COL["seq"]]) == row.indicator.seq
            assert line[COL["city"]] == row.indicator.city.text
            assert line[COL["own"]] == row.target.text
            assert line[COL["name"]] == row.indicator.name
            if row.target.value is not None and row.indicator.measure != "qualitative":
                scale = measure(row.indicator.measure).scale  # a rate's 80% is stored 0.8
                assert line[COL["target_value"]] * scale == pytest.approx(row.target.value)
        ident = dict(r[:2] for r in wb.get_sheet_by_name(IDENTITY_SHEET).to_python())
        assert ident["unit"] == unit and ident["period"] == "2024Q2"
        assert ident["catalogue_id"] == cat.catalogue_id
        assert ident["catalogue_version"] == cat.version
        assert ident["targets_hash"] == cat.unit_targets_hash(unit)


def test_identity_in_properties_and_defined_names(cat, generated):
    wb = openpyxl.load_workbook(generated[1])
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    assert props["shishi_unit"] == "定海" and props["shishi_period"] == "2024Q2"
    ws = wb["填报表"]
    for row in reporting_rows(cat, "定海"):
        dn = wb.defined_names[row_name(row.indicator.seq)]
        ((sheet, ref),) = dn.destinations
        assert sheet == "填报表"
        first = ref.split(":")[0].replace("$", "")
        assert ws[first].value == row.indicator.seq


def test_generation_is_deterministic_apart_from_timestamps(cat, tmp_path):
    a = build_template(cat, "普陀", PERIOD, tmp_path / "a.xlsx", generated_at="T")
    b = build_template(cat, "普陀", PERIOD, tmp_path / "b.xlsx", generated_at="T")
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        assert za.namelist() == zb.namelist()
        for name in za.namelist():
            if name != "docProps/core.xml":
                assert za.read(name) == zb.read(name), name


def test_generate_cli(tmp_path):
    r = shishi(
        "generate",
        "--period",
        "2024-Q3",
        "--unit",
        "定海",
        "--unit",
        "洋山",
        "--out",
        str(tmp_path),
    )
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "2024Q3_定海_十件实事填报.xlsx",
        "2024Q3_洋山_十件实事填报.xlsx",
    ]
    r = shishi("generate", "--period", "2024Q9")
    assert r.returncode == 2 and "无法识别的期次" in r.stderr
    r = shishi("generate", "--period", "2024Q2", "--unit", "舟山港", "--out", str(tmp_path))
    assert r.returncode == 2 and "没有单位" in r.stderr
    assert shishi("generate", "--help").returncode == 0


@needs_soffice
@pytest.mark.libreoffice
def test_libreoffice_fills_saves_and_keeps_protection(cat, generated, tmp_path):
    src = generated[1]  # 定海
    dst = tmp_path / "filled.xlsx"
    out = lo_run(
        [
            {
                "src": src,
                "dst": dst,
                "sheet": "填报表",
                "type": {"J6": "2", "J7": "2600", "J4": "85%"},
                "text": {"O7": "开展培训 12 场"},
            }
        ],
        tmp_path,
    )
    assert out[0]["protected"] is True
    wb = openpyxl.load_workbook(dst)
    ws = wb["填报表"]
    assert ws.protection.sheet
    assert (ws["J6"].value, ws["J7"].value, ws["J4"].value) == (2, 2600, 0.85)
    assert ws["O7"].value == "开展培训 12 场"
    assert not ws["J7"].protection.locked and ws["F7"].protection.locked
    grid = CalamineWorkbook.from_path(str(dst)).get_sheet_by_name("填报表").to_python()
    assert grid[6][COL["value"]] == 2600
    # LibreOffice recalculated the template's own formulas on save
    assert grid[6][COL["status"]] == "已完成"


@needs_soffice
@pytest.mark.libreoffice
def test_libreoffice_prints_a_template_to_pdf_with_chinese_text(generated, tmp_path):
    """The template prints: LibreOffice makes a PDF whose text (CJK fonts embedded) is Chinese."""
    import shutil

    from lo_helpers import lo_convert

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed")
    pdf = lo_convert(generated[1], tmp_path, "pdf", tmp_path)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "填报说明" in text or "填报单位" in text
    assert "本单位目标任务" in text and "第 1 页" in text.replace("\u3000", " ")
    assert "定海区市场监督管理局" in text
