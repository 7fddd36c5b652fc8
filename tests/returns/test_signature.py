"""The signature block: a return without 填报人 is accepted with a warning that names the
cell to fill (the template's shishi_sig_reporter), so the feedback can point at it."""

from __future__ import annotations

import openpyxl
from yearkit import Office, full_values

from workbook.catalogue import model as catalogue

CAT = catalogue.load()


def test_a_missing_reporter_is_named_at_its_cell(tmp_path):
    office = Office(tmp_path)
    tpl = office.generate("2024Q2", ("岱山",))["岱山"]
    sheet, ref = (
        openpyxl.load_workbook(tpl).defined_names["shishi_sig_reporter"].attr_text.split("!")
    )
    signed = office.submit("2024Q2", "岱山", full_values(CAT, "岱山", 5))
    wb = openpyxl.load_workbook(signed)
    wb[sheet.strip("'")][ref.replace("$", "")] = None  # the 填报人 left empty
    wb.save(signed)
    out = office.consolidate("2024Q2").result
    missing = [p for p in out.problems if p.code == "signature.missing"]
    assert [(p.sheet, p.cell) for p in missing] == [(sheet.strip("'"), ref.replace("$", ""))]
    assert "岱山" in out.accepted and missing[0].severity == "warning"
