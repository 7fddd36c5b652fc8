"""A table as an office publishes it, edited in LibreOffice: a title above the header, the
sheet called Sheet1, no 目录信息. It imports with --base (units and year from a catalogue),
each step said at its cell; the messages about --base never contradict each other."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import needs_soffice, shishi
from lo_helpers import lo_run

from workbook.catalogue import model as catalogue

pytestmark = [needs_soffice, pytest.mark.libreoffice]

BASE = Path(__file__).resolve().parents[2] / "templates" / "catalogue_2024.json"

TITLE = "2024年舟山市市场监管助企惠民十件实事任务分解表"
NOTE = "（各单位于每季度末报送）"


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = tmp_path_factory.mktemp("published")
    src = root / "分解表.xlsx"
    assert shishi("catalogue", "export", "--format", "xlsx", "-o", str(src)).returncode == 0
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
