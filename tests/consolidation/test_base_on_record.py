"""A stock's 年初基数 is reported once and locked: a later return that carries another (an
edited file, or a county's return built by report-up from its 所's bases) is said at its base
cell, and the figures keep the base on record."""

from __future__ import annotations

import os

import pytest
from yearkit import Office, full_values

from shishi_demo.samples import fill_return
from workbook.catalogue import model as catalogue
from workbook.catalogue.model import reporting_rows
from workbook.core.layout import COL, FIRST_DATA_ROW
from workbook.excel.formats import col_letter

CAT = catalogue.load()
STOCK = 20  # 定海's stock row


def test_a_base_other_than_the_one_on_record_is_said_and_the_record_kept(tmp_path):
    office = Office(tmp_path)
    # Q2's template made before Q1 was consolidated: its base is open, as a county's return
    # built by report-up carries its own (the sum of its 所)
    tpl = office.generate("2024Q2", ("定海",))["定海"]
    office.submit("2024Q1", "定海", full_values(CAT, "定海", 2))
    q1 = office.consolidate("2024Q1").result
    recorded = q1.bases["定海"][STOCK]
    out = office.returns_dir("2024Q2") / "定海.xlsx"
    fill_return(tpl, out, full_values(CAT, "定海", 5), bases={STOCK: recorded - 8})
    row = FIRST_DATA_ROW + 1 + [r.indicator.seq for r in reporting_rows(CAT, "定海")].index(STOCK)
    cell = f"{col_letter(COL['base'])}{row}"
    q2 = office.consolidate("2024Q2").result
    found = [p for p in q2.problems if p.code == "value.base_changed"]
    assert [(p.unit, p.seq, p.cell, p.severity) for p in found] == [
        ("定海", STOCK, cell, "warning")
    ]
    assert f"年初基数为 {recorded - 8:g}，与本年此前确认的 {recorded:g} 不同" in found[0].message
    assert q2.bases["定海"][STOCK] == recorded  # the figures keep the base on record
    uv = q2.unit_values[("定海", STOCK)]
    assert uv.base == recorded
    target = uv.target.value or 0
    assert uv.completion == pytest.approx((float(uv.value) - recorded) / (target - recorded))
    assert [p.code for p in q2.open_problems["定海"]].count("value.base_changed") == 1
    # a return that keeps the base says nothing
    fill_return(tpl, out, full_values(CAT, "定海", 5), bases={STOCK: recorded})
    later = out.stat().st_mtime + 60
    os.utime(out, (later, later))  # the correction, a minute later
    again = office.consolidate("2024Q2").result
    assert not [p for p in again.problems if p.code == "value.base_changed"]
