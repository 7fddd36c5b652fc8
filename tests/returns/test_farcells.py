"""A stray value far from the table (protection removed, something typed in XFD1048576) is
named with its address and the unit's figures are still consolidated.

Before the bounded read, calamine asked for a dense grid of 17 billion cells: the worker
aborted and the run waited out the 30-second limit, then called the unit 未报送.
"""

from __future__ import annotations

import json

import openpyxl
import pytest
from conftest import needs_soffice, shishi
from lo_helpers import lo_run
from python_calamine import CalamineWorkbook

from shishi_demo.samples import fill_return, sample_values
from workbook.catalogue import model as catalogue
from workbook.core.period import parse_period
from workbook.core.settings import load_settings
from workbook.returns.read import read_file
from workbook.template.build import generate

PERIOD = "2024Q2"


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    root = tmp_path_factory.mktemp("far")
    cat = catalogue.load()
    p = parse_period(PERIOD)
    out = {}
    for unit in ("定海", "普陀"):
        (tpl,) = generate(cat, p, root / "tpl", (unit,), load_settings())
        dst = root / "ok" / f"{unit}.xlsx"
        fill_return(tpl, dst, sample_values(cat, unit, p))
        out[unit] = dst
    return root, out


def _stray(src, dst, cells):
    wb = openpyxl.load_workbook(src)
    ws = wb["填报表"]
    ws.protection.sheet = False
    for ref, value in cells.items():
        ws[ref] = value
    wb.save(dst)


def test_far_cells_are_named_and_figures_kept(filled, tmp_path):
    root, ok = filled
    returns = tmp_path / "returns"
    returns.mkdir()
    _stray(ok["定海"], returns / "定海.xlsx", {"XFD1048576": "x"})
    _stray(ok["普陀"], returns / "普陀.xlsx", {"A5000": 7, "AB3": "备注", "Z3": "表内"})
    raw = read_file(str(returns / "定海.xlsx"))
    assert raw.error == "" and [r for r, _ in raw.strays] == ["XFD1048576"]
    # the same figures as the file without the stray cell
    assert raw.grid == read_file(str(ok["定海"])).grid

    summary = tmp_path / "summary.xlsx"
    report = tmp_path / "r.json"
    r = shishi(
        "consolidate", str(returns), "--period", PERIOD, "-o", str(summary),
        "--json", str(report), "--no-ledger",
    )  # fmt: skip
    assert r.returncode in (0, 1), r.stdout + r.stderr
    data = json.loads(report.read_text("utf-8"))
    status = {s["unit"]: s["status"] for s in data["submissions"]}
    assert status["定海"] == "accepted" and status["普陀"] == "accepted"
    far = {(p["unit"], p["cell"]) for p in data["problems"] if p["code"] == "return.far_cell"}
    assert far == {("定海", "XFD1048576"), ("普陀", "A5000"), ("普陀", "AB3")}
    assert not any(p["code"] == "file.timeout" for p in data["problems"])
    # the summary workbook carries the far cell on its problem sheet, read by a second reader
    rows = CalamineWorkbook.from_path(str(summary)).get_sheet_by_name("问题清单").to_python()
    assert any("XFD1048576" in " ".join(map(str, row)) for row in rows)


@needs_soffice
@pytest.mark.libreoffice
def test_far_cells_saved_by_libreoffice_show_their_text(filled, tmp_path):
    """LibreOffice (like Excel and WPS) stores typed text as shared strings: the warning shows
    the text itself, read from the workbook's shared-string table."""
    _, ok = filled
    dst = tmp_path / "定海.xlsx"
    lo_run(
        [
            {
                "src": ok["定海"],
                "dst": dst,
                "sheet": "填报表",
                "text": {"XFD1048576": "草稿", "A5000": "备忘"},
            }
        ],
        tmp_path,
    )
    raw = read_file(str(dst))
    assert raw.error == "" and sorted(raw.strays) == [("A5000", "备忘"), ("XFD1048576", "草稿")]
    # the table up to 累计完成 as before (LibreOffice recalculated the formula columns after
    # it, and stores 0.999 as 0.9990000000000001)
    before = [row[:10] for row in read_file(str(ok["定海"])).grid]
    assert [row[:10] for row in raw.grid] == [
        [pytest.approx(v) if isinstance(v, float) else v for v in row] for row in before
    ]
