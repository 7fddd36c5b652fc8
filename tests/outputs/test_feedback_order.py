"""退回修改 puts what must be fixed first: every error before any warning, so a unit's one
must-fix error is not row 23 of 23."""

from __future__ import annotations

from python_calamine import CalamineWorkbook
from yearkit import Office, full_values

from shishi_demo.samples import fill_return
from workbook.catalogue import model as catalogue

CAT = catalogue.load()


def test_errors_come_first_in_the_unit_s_feedback(tmp_path):
    office = Office(tmp_path)
    values = full_values(CAT, "定海", 5)
    seqs = sorted(values)
    # warnings on the first rows (texts over the limit) and one error on the last row (a
    # value that is not a number): found in row order, the error comes last
    texts = {s: ("进" * 501, "") for s in seqs[:5]}
    tpl = office.generate("2024Q2", ("定海",))["定海"]
    fill_return(tpl, office.returns_dir("2024Q2") / "定海.xlsx", values | {seqs[-1]: "很多"}, texts)
    out = office.consolidate("2024Q2").result
    assert out.open_problems["定海"][0].severity == "warning"  # the order they were found in
    path = office.outputs("2024Q2")["feedback_dir"] / "2024Q2_定海_退回修改.xlsx"
    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("退回修改").to_python()
    rows = [r for r in grid[4:] if r and r[0] != ""]
    severities = [r[1] for r in rows]
    errors = severities.count("错误")
    assert errors >= 1 and severities[:errors] == ["错误"] * errors
    assert "警告" in severities[errors:] and "错误" not in severities[errors:]
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))  # numbered as listed
