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


def test_a_corrected_base_names_the_later_periods_it_rejudges(tmp_path):
    """Q1 corrected with another 年初基数 after Q2 was consolidated with the first: the Q1 run
    says which later period was judged on the old base and must be consolidated again; the
    Q2 run then judges on the new one (and warns at the Q2 file's own old base)."""
    office = Office(tmp_path)
    office.submit("2024Q1", "定海", full_values(CAT, "定海", 2))
    old = office.consolidate("2024Q1").result.bases["定海"][STOCK]
    office.submit("2024Q2", "定海", full_values(CAT, "定海", 5))
    q2 = office.consolidate("2024Q2").result
    assert q2.unit_values[("定海", STOCK)].base == old
    assert not [n for n in office.consolidate("2024Q1").result.notices if "年初基数" in n]
    tpl = office.templates[("2024Q1", "定海")]
    out = office.returns_dir("2024Q1") / "定海_更正.xlsx"
    fill_return(tpl, out, full_values(CAT, "定海", 2), bases={STOCK: old - 8})
    later = out.stat().st_mtime + 3600
    os.utime(out, (later, later))
    notices = office.consolidate("2024Q1").result.notices
    name = CAT.indicator(STOCK).name
    assert [n for n in notices if "年初基数" in n] == [
        f"定海 序号 {STOCK}（{name}）的年初基数由 {old:g} 改为 {old - 8:g}：本年已汇总的"
        f"2024年第二季度是按 {old:g} 计算的，请重新汇总该期（完成率和进度状态会变）。"
    ]
    again = office.consolidate("2024Q2").result
    assert again.unit_values[("定海", STOCK)].base == old - 8
    assert [p.seq for p in again.problems if p.code == "value.base_changed"] == [STOCK]
