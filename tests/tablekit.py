"""Decomposition tables for the tests: the bundled one as exported, and tables transcribed as
official sites publish them (tests/catalogue/published/) written with XlsxWriter as the
workbook an office would hold (cells and merged ranges)."""

from __future__ import annotations

import json
from pathlib import Path

import xlsxwriter
from conftest import shishi
from xlsxwriter.utility import xl_cell_to_rowcol

MEISHAN = Path(__file__).parent / "catalogue" / "published" / "meishan_2019.json"


def exported_table(root: Path) -> Path:
    """The bundled catalogue exported as its decomposition table (xlsx), as IT starts from."""
    src = root / "分解表.xlsx"
    assert shishi("catalogue", "export", "--format", "xlsx", "-o", str(src)).returncode == 0
    return src


def built_table(spec: Path, out: Path) -> Path:
    """The transcription ``spec`` as an .xlsx at ``out``."""
    d = json.loads(spec.read_text("utf-8"))
    out.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(out))
    ws = wb.add_worksheet(d["sheet"])
    for r, row in enumerate(d["rows"]):
        for c, v in enumerate(row):
            if v != "":
                ws.write(r, c, v)
    for rng in d["merges"]:
        (r1, c1), (r2, c2) = (xl_cell_to_rowcol(x) for x in rng.split(":"))
        ws.merge_range(r1, c1, r2, c2, d["rows"][r1][c1])
    wb.close()
    return out
