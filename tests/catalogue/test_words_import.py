"""Bound words as another office writes them, all the way: a decomposition table edited in
LibreOffice with a ceiling target ("4.3%以下" for the city, "低于4.3%" and a bare "4%" for two
units), imported, generated, typed in LibreOffice and consolidated. A district at 3.48% has
met its target (the issue's misreading made it 滞后), both in its own sheet, as LibreOffice
computes the template's formulas, and in the consolidation; and words that cannot be placed
are refused at their cell.

Row 63 of the export is 序号 62 (重点主体上链覆盖率); F63:P63 is one merged "均达到85%".
"""

from __future__ import annotations

import openpyxl
import pytest
from conftest import needs_soffice, shishi
from failures import row_of
from lo_helpers import lo_run
from python_calamine import CalamineWorkbook
from tablekit import exported_table

from workbook.catalogue import model as catalogue
from workbook.consolidation.consolidate import consolidate
from workbook.core.period import parse_period
from workbook.core.settings import load_settings
from workbook.core.status import DONE, LAGGING
from workbook.template.build import COL, generate

pytestmark = [needs_soffice, pytest.mark.libreoffice]

SEQ, ROW = 62, 63
UNITS = "FGHIJKLMNOP"  # 市局 … 洋山
CEILING = {"E63": "4.3%以下", "G63": "低于4.3%", "H63": "4%"}  # 定海, 普陀


def _edit(texts: dict[str, str]) -> list[dict]:
    others = {f"{c}{ROW}": "/" for c in UNITS if f"{c}{ROW}" not in texts}
    return [{"sheet": "任务分解表", "unmerge": [f"F{ROW}:P{ROW}"], "text": texts | others}]


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    root = tmp_path_factory.mktemp("words")
    src = exported_table(root)
    cases = {
        "ceiling": CEILING,
        "approx": {"E63": "85%左右"},
        "range": {"E63": "80%-90%", "G63": "达到85%"},
        "both_ways": {"E63": "85%", "G63": "不低于85%以内"},
    }
    jobs = [{"src": src, "dst": root / f"{k}.xlsx", "edits": _edit(t)} for k, t in cases.items()]
    lo_run(jobs, root)
    return root


@pytest.mark.parametrize(
    ("case", "cell", "phrase"),
    [
        ("approx", "E63", "“左右”是约数"),
        ("range", "E63", "两个数"),
        ("both_ways", "G63", "既有表示下限的词，又有表示上限的词"),
    ],
)
def test_words_that_cannot_be_placed_are_refused_at_their_cell(
    tables, tmp_path, case, cell, phrase
):
    out = tmp_path / "c.json"
    r = shishi("catalogue", "import", str(tables / f"{case}.xlsx"), "-o", str(out))
    assert r.returncode == 1 and not out.exists(), r.stdout + r.stderr
    lines = [x for x in r.stdout.splitlines() if f"任务分解表!{cell}" in x]
    assert len(lines) == 1 and "target.words_unclear" in lines[0] and phrase in lines[0], r.stdout
    assert "不超过4.3%" in lines[0]  # the action shows words that can be read


def test_a_ceiling_is_read_as_lower_is_better_and_judged_so(tables, tmp_path):
    cat_json = tmp_path / "c.json"
    r = shishi("catalogue", "import", str(tables / "ceiling.xlsx"), "-o", str(cat_json))
    assert r.returncode == 0, r.stdout + r.stderr
    cat = catalogue.load(cat_json)
    ind = cat.indicator(SEQ)
    assert ind.direction == "lower"
    assert (ind.city.op, ind.city.value) == ("<=", 4.3)
    assert (ind.targets["定海"].op, ind.targets["定海"].value) == ("<=", 4.3)
    assert (ind.targets["普陀"].op, ind.targets["普陀"].value) == ("<=", 4)  # bare: its row's

    period = parse_period("2024Q4")
    typed = {"定海": "3.48%", "普陀": "4.2%"}
    tpls = generate(cat, period, tmp_path / "tpl", list(typed), load_settings())
    jobs = []
    for unit, tpl in zip(typed, tpls, strict=True):
        r63 = row_of(openpyxl.load_workbook(tpl)["填报表"], SEQ)
        cell = f"{openpyxl.utils.get_column_letter(COL['value'] + 1)}{r63}"
        dst = tmp_path / "returns" / f"{unit}.xlsx"
        jobs.append({"src": tpl, "dst": dst, "sheet": "填报表", "type": {cell: typed[unit]}})
    lo_run(jobs, tmp_path)
    result = consolidate(tmp_path / "returns", cat, period, load_settings())
    # at Q4 (the year's end) a met ceiling is 已完成; 完成率 4.3/3.48 and 4/4.2, to 0.1%
    want = {"定海": (DONE, 1.236), "普陀": (LAGGING, 0.952)}
    for unit, (status, shown) in want.items():
        uv = result.unit_values[(unit, SEQ)]
        assert uv.status == status, (unit, uv.value, uv.status)
        assert uv.completion == pytest.approx(shown, abs=0.0005)
        grid = (
            CalamineWorkbook.from_path(str(tmp_path / "returns" / f"{unit}.xlsx"))
            .get_sheet_by_name("填报表")
            .to_python()
        )
        row = next(x for x in grid if x[COL["seq"]] in (SEQ, float(SEQ)))
        assert row[COL["status"]] == status  # the sheet's own formula, as LibreOffice computes
        assert row[COL["completion"]] == pytest.approx(shown)
