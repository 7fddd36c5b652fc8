"""A table as an office publishes it, edited in LibreOffice: a title above the header, the
sheet called Sheet1, no 目录信息. It imports with --base (units and year from a catalogue),
each step said at its cell; the messages about --base never contradict each other."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import needs_soffice, shishi
from lo_helpers import lo_run
from tablekit import MEISHAN, built_table, exported_table

from workbook.catalogue import model as catalogue

pytestmark = [needs_soffice, pytest.mark.libreoffice]

BASE = Path(__file__).resolve().parents[2] / "templates" / "catalogue_2024.json"

TITLE = "2024年舟山市市场监管助企惠民十件实事任务分解表"
NOTE = "（各单位于每季度末报送）"


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = tmp_path_factory.mktemp("published")
    src = exported_table(root)
    titled = {
        "sheet": "任务分解表",
        "insert_rows": [1, 1],
        "merge": ["A1:P1"],
        "text": {"A1": TITLE, "A2": NOTE},
        "rename": "Sheet1",
    }
    no_info = [titled, {"sheet": "目录信息", "remove": True}]
    jobs = [
        {"src": src, "dst": root / "as_published.xlsx", "edits": no_info},
        {"src": src, "dst": root / "titled_with_info.xlsx", "edits": [titled]},
    ]
    lo_run(jobs, root)
    return root


def _import(published, name, tmp_path, *args):
    out = tmp_path / ("catalogue_2025.json" if "2025" in args else "catalogue.json")
    return shishi("catalogue", "import", str(published / name), *args, "-o", str(out)), out


def _targets(cat):
    return [(i.seq, i.city.text, {u: t.text for u, t in i.targets.items()}) for i in cat.indicators]


def test_without_info_sheet_it_asks_for_base_and_nothing_else(published, tmp_path):
    r, _ = _import(published, "as_published.xlsx", tmp_path)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "--base" in r.stderr and "csv" not in r.stderr and "目录信息" in r.stderr


def test_as_published_imports_with_base_and_says_what_it_skipped(published, tmp_path):
    r, out = _import(
        published, "as_published.xlsx", tmp_path, "--base", str(BASE), "--year", "2025"
    )
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert any("table.sheet_by_header" in x and "Sheet1!A3" in x for x in lines), r.stdout
    assert any("table.title_row" in x and "Sheet1!A1" in x and TITLE in x for x in lines)
    assert any("table.title_row" in x and "Sheet1!A2" in x and NOTE in x for x in lines)
    new, old = catalogue.load(out), catalogue.load(BASE)
    assert new.year == 2025 and new.unit_ids == old.unit_ids
    assert _targets(new) == _targets(old)


def test_with_info_sheet_base_is_refused_in_one_sentence(published, tmp_path):
    r, _ = _import(published, "titled_with_info.xlsx", tmp_path, "--base", str(BASE))
    assert r.returncode == 2 and "去掉 --base" in r.stderr, r.stdout + r.stderr
    r, out = _import(published, "titled_with_info.xlsx", tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert _targets(catalogue.load(out)) == _targets(catalogue.load(BASE))


def test_a_published_table_with_units_as_rows_runs_a_year_end(tmp_path):
    """眉山 2019 (districts as rows, 目标任务/进度/完成比例 per indicator, 城镇登记失业率低于(%)):
    imported as published, generated, typed in LibreOffice from the table's own 进度 column,
    consolidated; statuses checked by hand."""
    from openpyxl import load_workbook

    from workbook.consolidation.consolidate import consolidate
    from workbook.core.period import parse_period
    from workbook.core.settings import load_settings
    from workbook.core.status import DONE, LAGGING, MISSING, PARTIAL
    from workbook.template.build import COL, generate

    table = tmp_path / "眉山2019.xlsx"
    lo_run([{"src": built_table(MEISHAN, tmp_path / "built.xlsx"), "dst": table}], tmp_path)
    out = tmp_path / "meishan_2019.json"
    r = shishi("catalogue", "import", str(table), "--id", "meishan-minsheng", "-o", str(out))
    assert r.returncode == 0, r.stdout + r.stderr
    for said in ("table.units_as_rows", "table.progress_column", "table.name_split"):
        assert said in r.stdout
    assert "Sheet1!L6" in r.stdout  # the rate's 进度 column, named and left out
    cat = catalogue.load(out)
    assert cat.year == 2019 and cat.unit_ids[0] == "市本级" and len(cat.indicators) == 5
    rate = cat.indicator(4)
    assert (rate.name, rate.measure, rate.direction) == ("城镇登记失业率", "rate", "lower")
    assert cat.indicator(1).targets["东坡区"].value == 8000
    assert cat.indicator(5).targets["市本级"].value == 60
    assert cat.indicator(1).targets["市本级"].type == "none"

    period = parse_period("2019Q4")
    typed = {  # 东坡区 as the table's 进度 column says; 彭山区 with its rate over the ceiling
        "东坡区": {1: "22921", 2: "1444", 3: "616", 4: "3.48%", 5: "160"},
        "彭山区": {1: "6138", 2: "709", 3: "346", 4: "4.5%", 5: "121"},
    }
    tpls = generate(cat, period, tmp_path / "tpl", list(typed), load_settings())
    jobs = []
    for unit, tpl in zip(typed, tpls, strict=True):
        ws = load_workbook(tpl)["填报表"]
        rows = {ws.cell(r, COL["seq"] + 1).value: r for r in range(1, ws.max_row + 1)}
        cells = {f"{chr(65 + COL['value'])}{rows[s]}": v for s, v in typed[unit].items()}
        dst = tmp_path / "returns" / f"{unit}.xlsx"
        jobs.append({"src": tpl, "dst": dst, "sheet": "填报表", "type": cells})
    lo_run(jobs, tmp_path)
    result = consolidate(tmp_path / "returns", cat, period, load_settings())
    status = {(u, s): result.unit_values[(u, s)].status for u in typed for s in range(1, 6)}
    assert status == {
        **{("东坡区", s): DONE for s in range(1, 6)},
        **{("彭山区", s): DONE for s in (1, 2, 3, 5)},
        ("彭山区", 4): LAGGING,  # 4.5% against 低于4.3%
    }
    assert result.unit_values[("东坡区", 4)].completion == pytest.approx(4.3 / 3.48)
    assert result.city[1].status == PARTIAL  # 仁寿县 … have not reported
    assert result.unit_values[("仁寿县", 1)].status == MISSING
    assert "仁寿县" in result.missing_units and "眉山天府新区" not in result.missing_units
