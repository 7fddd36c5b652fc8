"""A column that packs several units' targets into one cell, as a township breakdown is often
published ("普陀山 5、洋山 2"), edited in LibreOffice into the exported table: spread into the
units' own columns with --packed; a part that names no registered unit, or a unit whose own
column already has a target in that row, is refused at the packed cell.

Row 11 is 序号 10 (普陀山 O11 5, 洋山 P11 "/"), row 12 序号 11, row 14 序号 13 (定海 G14 1)."""

from __future__ import annotations

import pytest
from conftest import needs_soffice, shishi
from lo_helpers import lo_run
from tablekit import exported_table

from workbook.catalogue import model as catalogue

pytestmark = [needs_soffice, pytest.mark.libreoffice]

GOOD = {
    "Q1": "各所目标",
    "O11": "",
    "P11": "",
    "Q11": "普陀山 5、洋山：2",
    "P12": "",
    "Q12": "洋山 1",
}
BAD = {"Q1": "各所目标", "Q13": "东港 5", "Q14": "定海 9", "Q12": "普陀"}


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    root = tmp_path_factory.mktemp("packed")
    src = exported_table(root)
    jobs = [
        {
            "src": src,
            "dst": root / f"{k}.xlsx",
            "edits": [{"sheet": "任务分解表", "insert_columns": ["Q"], "text": t}],
        }
        for k, t in (("good", GOOD), ("bad", BAD))
    ]
    lo_run(jobs, root)
    return root


def test_a_packed_cell_is_spread_into_the_units(tables, tmp_path):
    out = tmp_path / "c.json"
    r = shishi(
        "catalogue", "import", str(tables / "good.xlsx"), "--packed", "各所目标", "-o", str(out)
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "任务分解表!Q1" in r.stdout and "共 3 个目标写入各单位的列" in r.stdout
    cat = catalogue.load(out)
    t10, t11 = cat.indicator(10).targets, cat.indicator(11).targets
    assert (t10["普陀山"].value, t10["洋山"].value, t11["洋山"].value) == (5, 2, 1)
    assert t10["定海"].value == 20  # the units' own columns as they were


def test_what_cannot_be_spread_is_refused_at_the_packed_cell(tables, tmp_path):
    out = tmp_path / "c.json"
    r = shishi(
        "catalogue", "import", str(tables / "bad.xlsx"), "--packed", "各所目标", "-o", str(out)
    )
    assert r.returncode == 1 and not out.exists(), r.stdout + r.stderr
    lines = [x for x in r.stdout.splitlines() if "table.packed]" in x]
    assert any("任务分解表!Q13" in x and "“东港 5”开头不是登记的单位" in x for x in lines), lines
    assert any("任务分解表!Q14" in x and "定海一列本行已有目标“1”" in x for x in lines), lines
    assert any("任务分解表!Q12" in x and "“普陀”没有写目标" in x for x in lines), lines
    r = shishi("catalogue", "import", str(tables / "bad.xlsx"), "--packed", "分解", "-o", str(out))
    assert r.returncode == 2 and "没有“分解”列" in r.stderr
