"""Published decomposition tables transcribed for the tests (tests/catalogue/published/), and
the workbook an office would hold: their cells and merged ranges written with XlsxWriter."""

from __future__ import annotations

import json
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_cell_to_rowcol

MEISHAN = Path(__file__).parent / "catalogue" / "published" / "meishan_2019.json"


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
