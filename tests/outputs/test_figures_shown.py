"""A figure never contradicts its status where the summary prints it: 99.96% against a target
of 100% is printed 99.96% (not 100.0%) beside 滞后, in 全市汇总 and in 滞后事项, as
LibreOffice shows the cells."""

from __future__ import annotations

import csv

import openpyxl
import pytest
from conftest import needs_soffice
from lo_helpers import lo_convert
from yearkit import Office, full_values

from workbook.catalogue import model as catalogue

CAT = catalogue.load()


@needs_soffice
@pytest.mark.libreoffice
def test_a_rate_just_short_of_100_percent_is_not_printed_as_100(tmp_path):
    office = Office(tmp_path)
    office.submit("2024Q2", "定海", full_values(CAT, "定海", 5) | {43: 99.96})
    outcome = office.consolidate("2024Q2")
    assert outcome.result.unit_values[("定海", 43)].status == "滞后"
    wb = openpyxl.load_workbook(outcome.summary)
    ws = wb["全市汇总"]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == 43)
    col = next(c for c in range(1, ws.max_column + 1) if ws.cell(1, c).value == "定海\n完成")
    assert ws.cell(row, col).number_format == "0.00%"
    # as a spreadsheet client shows it: LibreOffice writes the sheet as displayed
    csv_filter = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,2"
    lo_convert(outcome.summary, tmp_path / "csv", csv_filter, tmp_path)
    (shown,) = (tmp_path / "csv").glob("*全市汇总.csv")  # sheet 2, named after it
    rows = list(csv.reader(shown.open(encoding="utf-8")))
    line = next(r for r in rows if r and r[0] == "43")
    assert line[col - 1] == "99.96%", line
