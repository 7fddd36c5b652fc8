"""``catalogue import``: bad edits made in LibreOffice are refused cell by cell; good ones go
all the way to templates, consolidation and the ledger.

Layout of the export: A–E 序号..全市目标任务, F–P the eleven units (市局 F, 定海 G, … 洋山 P),
then 规范名称 Q … 目标类型 W, 进度依据 X, 时间表 Y. Row = 序号 + 1. 目录信息: identity in
rows 1–5, the office's names in rows 6–9, the unit table header in row 11, 市局 … 洋山 in
rows 12–22.
"""

from __future__ import annotations

import json
import sqlite3

import openpyxl
import pytest
from conftest import needs_soffice, shishi
from failures import row_of
from lo_helpers import lo_run
from python_calamine import CalamineWorkbook

from workbook.catalogue import model as catalogue
from workbook.catalogue.table import importer as tableimport

pytestmark = [needs_soffice, pytest.mark.libreoffice]

# name -> (edits, expected (code, sheet!cell) pairs, a phrase the message must contain)
BAD = {
    "words": (
        [{"sheet": "任务分解表", "text": {"G11": "约三千"}}],
        [("target.kind_mismatch", "任务分解表!G11")],
        "汉字数字",
    ),
    "negative": (
        [{"sheet": "任务分解表", "type": {"G11": "-5"}}],
        [("target.kind_mismatch", "任务分解表!G11")],
        "负数",
    ),
    "city_words": (
        [{"sheet": "任务分解表", "text": {"E11": "二十"}}],
        [("target.kind_mismatch", "任务分解表!E11")],
        "全市目标“二十”",
    ),
    "percent_in_count": (  # typed 80% in a count row: LibreOffice stores 0.8 shown as 80%
        [{"sheet": "任务分解表", "type": {"G11": "80%"}}],
        [("target.kind_mismatch", "任务分解表!G11")],
        "“80%”",
    ),
    "renamed_column": (
        [{"sheet": "任务分解表", "text": {"P1": "洋山港"}}],
        [("table.unit_undeclared", "任务分解表!P1"), ("unit.no_column", "目录信息!A22")],
        "洋山港",
    ),
    "unknown_kind_of_unit": (
        [{"sheet": "目录信息", "text": {"C18": "开发区"}}],
        [("unit.kind_unknown", "目录信息!C18")],
        "开发区",
    ),
    "empty_name_and_unit": (
        [{"sheet": "任务分解表", "text": {"C11": "", "D11": ""}}],
        [("indicator.name_empty", "任务分解表!C11"), ("indicator.unit_empty", "任务分解表!D11")],
        "为空",
    ),
    "empty_seq": (
        [{"sheet": "任务分解表", "text": {"A11": ""}}],
        [("seq.invalid", "任务分解表!A11")],
        "序号为空",
    ),
    "duplicate_seq": (
        [{"sheet": "任务分解表", "type": {"A12": "10"}}],
        [("seq.duplicate", "任务分解表!A12")],
        "重复",
    ),
    "unknown_target_kind": (
        [{"sheet": "任务分解表", "text": {"W11": "百分比"}}],
        [("indicator.kind_unknown", "任务分解表!W11")],
        "百分比",
    ),
    "new_unit_outside_merge": (  # a new unit column Q; the row-wide phrases do not cover it
        [
            {"sheet": "任务分解表", "insert_columns": ["Q"], "text": {"Q1": "东港"}},
            {"sheet": "目录信息", "text": {"A23": "东港", "B23": "东港分局", "C23": "功能区"}},
        ],
        [("target.phrase_gap", "任务分解表!Q3"), ("target.phrase_gap", "任务分解表!Q64")],
        "均达到80%",
    ),
    "bad_year": (
        [{"sheet": "目录信息", "text": {"B3": "二〇二五"}}],
        [("table.year", "目录信息!B3")],
        "四位数字",
    ),
}


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    root = tmp_path_factory.mktemp("export")
    src = root / "分解表.xlsx"
    assert shishi("catalogue", "export", "--format", "xlsx", "-o", str(src)).returncode == 0
    return src


@pytest.fixture(scope="module")
def bad_files(exported, tmp_path_factory):
    """Every bad edit made in one LibreOffice session, each saved as its own xlsx."""
    root = tmp_path_factory.mktemp("bad")
    jobs = [
        {"src": exported, "dst": root / f"{k}.xlsx", "edits": e} for k, (e, _, _) in BAD.items()
    ]
    lo_run(jobs, root)
    return {k: root / f"{k}.xlsx" for k in BAD}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_edit_is_refused_at_its_cell(case, bad_files, tmp_path):
    _, expected, phrase = BAD[case]
    out = tmp_path / "c.json"
    r = shishi("catalogue", "import", str(bad_files[case]), "-o", str(out))
    assert r.returncode == 1, r.stdout + r.stderr
    assert not out.exists()
    assert "Traceback" not in r.stderr and "$.indicators" not in r.stdout
    for code, where in expected:
        lines = [line for line in r.stdout.splitlines() if where in line and code in line]
        assert lines, f"{code} at {where} not in:\n{r.stdout}"
    assert phrase in r.stdout
    assert "目录有错误，不能使用。" in r.stdout


def test_cell_problems_carry_sheet_and_cell(bad_files):
    data, report = tableimport.import_table(bad_files["words"])
    assert data is None
    (p,) = report.errors
    assert (p.sheet, p.cell, p.found) == ("任务分解表", "G11", "约三千")
    assert "目标类型" in p.action and "数字" in p.action


def test_good_edits_reach_templates_consolidation_and_ledger(exported, tmp_path):
    """A changed target, a new indicator and a new unit with its targets, edited in LibreOffice,
    then imported, generated, filled in LibreOffice, consolidated."""
    wb = openpyxl.load_workbook(exported)
    ws = wb["任务分解表"]
    spans = [m for m in ws.merged_cells.ranges if m.max_col == 16]  # phrases reaching 洋山 (P)
    last = ws.max_row
    table: dict = {
        "sheet": "任务分解表",
        "insert_columns": ["Q"],
        "unmerge": [m.coord for m in spans],
        "merge": [f"{m.coord.split(':')[0]}:Q{m.max_row}" for m in spans],
        "text": {"Q1": "东港", "E11": "82", "G11": "22", "Q11": "2"},
    }
    for r in range(2, last + 1):  # the new unit: "/" wherever no phrase covers it
        if not any(m.min_row == r for m in spans) and f"Q{r}" not in table["text"]:
            table["text"][f"Q{r}"] = "/"
    new_row = last + 1  # a new indicator 序号 82 in a new action
    row = {"A": "82", "B": "计量惠民行动(1项)", "C": "免费检定计量器具(台)", "D": "台", "E": "100"}
    row |= {c: "/" for c in "FGHIJKLMNOPQ"} | {"G": "60", "Q": "40", "X": "数量"}
    table["text"] |= {f"{c}{new_row}": v for c, v in row.items()}
    info = {
        "sheet": "目录信息",
        "text": {"B2": "2025.1", "B3": "2025", "A23": "东港", "B23": "东港分局", "C23": "功能区"},
    }
    edited = tmp_path / "2025分解表.xlsx"
    lo_run([{"src": exported, "dst": edited, "edits": [table, info]}], tmp_path)

    cat_json = tmp_path / "catalogue_2025.json"
    r = shishi("catalogue", "import", str(edited), "-o", str(cat_json))
    assert r.returncode == 0, r.stdout + r.stderr
    new = catalogue.load(cat_json)
    assert new.year == 2025 and new.unit_ids[-1] == "东港"
    assert new.indicator(10).targets["定海"].value == 22
    assert new.indicator(10).targets["东港"].value == 2
    assert new.indicator(2).targets["东港"].text == "均达到80%"  # the phrase reaches it
    assert new.indicator(82).measure == "count" and new.indicator(82).city.value == 100
    assert new.actions[-1].name == "计量惠民行动"

    tpl = tmp_path / "tpl"
    r = shishi(
        "generate",
        "--period",
        "2025Q1",
        "--catalogue",
        str(cat_json),
        "--unit",
        "东港",
        "--out",
        str(tpl),
    )
    assert r.returncode == 0, r.stdout + r.stderr
    (template,) = tpl.glob("*.xlsx")
    tws = openpyxl.load_workbook(template)["填报表"]
    r10, r82 = row_of(tws, 10), row_of(tws, 82)
    returns = tmp_path / "returns"
    lo_run(
        [
            {
                "src": template,
                "dst": returns / "东港.xlsx",
                "sheet": "填报表",
                "type": {f"J{r10}": "1", f"J{r82}": "15"},
            }
        ],
        tmp_path,
    )
    ledger = tmp_path / "ledger.sqlite3"
    summary = tmp_path / "summary.xlsx"
    r = shishi(
        "consolidate",
        str(returns),
        "--period",
        "2025Q1",
        "--catalogue",
        str(cat_json),
        "-o",
        str(summary),
        "--ledger",
        str(ledger),
        "--json",
        str(tmp_path / "r.json"),
    )
    assert r.returncode in (0, 1), r.stdout + r.stderr
    report = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert "东港" not in report.get("missing_units", [])
    with sqlite3.connect(ledger) as con:
        got = dict(
            con.execute(
                "SELECT v.seq, v.value_num FROM submission_values v JOIN submissions s"
                " ON s.id = v.submission_id WHERE s.unit = '东港' AND s.status = 'accepted'"
            ).fetchall()
        )
    assert got[10] == 1 and got[82] == 15
    rows = CalamineWorkbook.from_path(str(summary)).get_sheet_by_name("全市汇总").to_python()
    row82 = next(x for x in rows if str(x[0]).split(".")[0] == "82")
    assert row82[5] == 15 and row82[-1] == 15  # 全市完成 and 东港完成
    assert rows[0][-2:] == ["东港\n目标", "东港\n完成"]


def test_csv_round_trip_and_gbk(tmp_path):
    """The csv export comes back identical, also after a tool re-saved it as GBK."""
    csv_path = tmp_path / "t.csv"
    assert shishi("catalogue", "export", "--format", "csv", "-o", str(csv_path)).returncode == 0
    out = tmp_path / "c.json"
    r = shishi("catalogue", "import", str(csv_path), "-o", str(out))
    assert r.returncode == 0, r.stdout + r.stderr
    assert catalogue.load(out).as_dict() == catalogue.load().as_dict()
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(csv_path.read_text("utf-8-sig").replace("\n20,", "\n20,").encode("gb18030"))
    r = shishi(
        "catalogue", "import", str(gbk), "-o", str(out), "--year", "2025", "--version", "2025.1"
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert catalogue.load(out).year == 2025
    bad = tmp_path / "bad.csv"
    bad.write_text(csv_path.read_text("utf-8-sig").replace(",0.9万,", ",约九千,"), "utf-8-sig")
    r = shishi("catalogue", "import", str(bad), "-o", str(out))
    assert r.returncode == 1 and "bad!E6" in r.stdout, r.stdout
