"""Each way the status used to mislead a reader, on real files: the figures after the fix."""

from __future__ import annotations

import csv

import pytest
from yearkit import Office, full_values

from workbook.catalogue import model as catalogue
from workbook.catalogue.model import reporting_rows
from workbook.core.measures import measure
from workbook.core.period import parse_period
from workbook.core.status import status

CAT = catalogue.load()


def values_meeting_own_targets(unit: str, share: float) -> dict[int, float | str]:
    """Every row exactly on its own target's pace (or level)."""
    out: dict[int, float | str] = {}
    for row in reporting_rows(CAT, unit):
        m, t = measure(row.indicator.measure), row.target.value
        if row.indicator.measure == "qualitative":
            out[row.indicator.seq] = "已完成"
        elif m.cumulative:
            base = round((t or 0) * 0.85) if m.base else 0
            x = base + ((t or 0) - base) * share
            out[row.indicator.seq] = float(-(-x // 1)) if m.integer else round(x + 0.01, 2)
        else:
            out[row.indicator.seq] = t
    return out


@pytest.fixture
def office(tmp_path):
    return Office(tmp_path)


def test_every_unit_on_its_own_target_makes_the_city_row_on_track(office):
    """序号 55: 高新区's own target is 50%, the city's 100%; all units on pace is not 滞后."""
    for u in CAT.unit_ids:
        if reporting_rows(CAT, u):
            office.submit("2024Q2", u, values_meeting_own_targets(u, 0.5))
    out = office.consolidate("2024Q2").result
    assert out.unit_values[("高新区", 55)].value == pytest.approx(25.01)
    cv = out.city[55]
    assert cv.status == "符合序时进度", cv.note
    assert cv.note.startswith("11/11 个单位达到本单位目标")
    assert out.city[48].status == "符合序时进度"  # only 金塘 reports it
    assert "各单位目标合计 19家，与全市目标 20家 不一致" in out.city[56].note
    assert not [s for s in (cv.status for cv in out.city.values()) if s in ("滞后", "未报齐")]


def test_a_partial_set_of_returns_is_not_called_lagging(office):
    office.submit("2024Q2", "定海", values_meeting_own_targets("定海", 0.5))
    out = office.consolidate("2024Q2").result
    shared = [  # additive rows that 定海 and at least one other unit report
        i.seq
        for i in CAT.indicators
        if i.additive
        and ("定海", i.seq) in out.unit_values
        and sum(1 for u in CAT.unit_ids if (u, i.seq) in out.unit_values) > 1
    ]
    statuses = {out.city[s].status for s in shared}
    assert statuses == {"未报齐"}
    note = out.city[10].note
    assert note.startswith("未报齐：") and "普陀" in note and "按序时进度符合序时进度" in note


def test_a_one_percent_inspection_ratio_stays_one_percent(office):
    """序号 72 (不少于5%, builds over the year): 1% typed is 1%, lagging in Q2, not 已完成."""
    unit = next(u for u in CAT.unit_ids if 72 in {r.indicator.seq for r in reporting_rows(CAT, u)})
    office.submit("2024Q2", unit, full_values(CAT, unit, 10) | {72: 1})
    uv = office.consolidate("2024Q2").result.unit_values[(unit, 72)]
    assert (uv.value, uv.status) == (1, "滞后")
    assert uv.completion == pytest.approx(0.2)
    assert status("coverage", ">=", 5, 2.5, 0.5) == "符合序时进度"  # on pace in June


def test_a_relative_change_typed_with_percent_is_read_as_shown(office):
    """序号 64 下降10%以上: -12% typed (stored -0.12) is a 12% fall: on track."""
    unit = next(u for u in CAT.unit_ids if 64 in {r.indicator.seq for r in reporting_rows(CAT, u)})
    office.submit("2024Q2", unit, full_values(CAT, unit, 10) | {64: -12})
    out = office.consolidate("2024Q2").result
    uv = out.unit_values[(unit, 64)]
    assert (uv.value, uv.status) == (-12, "符合序时进度")
    assert not [p for p in out.problems if p.seq == 64]


def test_a_stock_is_measured_from_its_base():
    """序号 20 高价值发明专利拥有量: from a base of 1200 to 1641, 1420 in June is on pace."""
    assert status("stock", ">=", 1641, 1421, 0.5, 1200) == "符合序时进度"  # 1420.5 due
    assert status("stock", ">=", 1641, 1420, 0.5, 1200) == "推进中"  # half an item short
    assert status("count", ">=", 1641, 1420, 0.5) == "符合序时进度"
    assert status("stock", ">=", 1641, 1300, 0.5, 1200) == "滞后"  # 1300 is 100 of 441 needed
    assert status("stock", ">=", 1641, 1300, 0.5, None) == "未报送"  # no base: cannot judge


def test_targets_of_one_are_in_progress_until_the_year_end():
    for share in (0.25, 0.5, 0.75):
        assert status("count", ">=", 1, 0, share) == "推进中"
    assert status("count", ">=", 1, 0, 1.0) == "滞后"
    assert status("count", ">=", 1, 1, 0.25) == "已完成"
    assert status("count", ">=", 21, 10, 0.5) == "推进中"  # 10.5 due: under one item short
    assert status("count", ">=", 20, 9, 0.5) == "滞后"  # 10 due: a whole item short
    assert status("amount", ">=", 2, 0.9, 0.5) == "滞后"  # amounts have no whole steps


def test_a_month_period_uses_the_exact_share():
    """May: 序时进度 5/12 (the sheet writes (5/12); test_status_agreement runs months)."""
    p = parse_period("2024-05")
    assert status("count", ">=", 6000, 2500, 5 / 12) == "符合序时进度"
    assert status("count", ">=", 6000, 2499, p.share) == "滞后"
    assert status("count", ">=", 6001, 2500, p.share) == "推进中"  # 2500.4 due


def test_the_csv_keeps_numbers_as_numbers(office):
    unit = next(u for u in CAT.unit_ids if 64 in {r.indicator.seq for r in reporting_rows(CAT, u)})
    office.submit("2024Q2", unit, full_values(CAT, unit, 10) | {64: -12})
    out = office.consolidate("2024Q2")
    rows = list(csv.DictReader(out.csv.open(encoding="utf-8-sig")))
    row = next(r for r in rows if r["单位"] == unit and r["序号"] == "64")
    assert row["累计完成"] == "-12"  # not "'-12"


def test_a_city_row_says_who_sent_nothing_apart_from_whose_cell_was_refused(tmp_path):
    """序号 5 summed over the units: 岱山 reported but its cell was refused, the others sent
    nothing; a row no unit reported says who, instead of an empty 说明."""
    from yearkit import Office, full_values

    from workbook.catalogue.model import reporting_rows

    office = Office(tmp_path)
    cat = office.cat
    office.submit("2024Q2", "定海", full_values(cat, "定海", 5))
    office.submit("2024Q2", "岱山", full_values(cat, "岱山", 5) | {5: "很多"})
    note = office.consolidate("2024Q2").result.city[5].note
    assert note.startswith("未报齐：") and "岱山已报送但本行数值未采用（见问题清单）" in note
    sent_nothing = note.split("；")[0].removeprefix("未报齐：")
    assert "岱山" not in sent_nothing and "普陀" in sent_nothing and "定海" not in sent_nothing
    empty = Office(tmp_path / "空").consolidate("2024Q2").result.city[5]
    units = [u for u in cat.unit_ids if any(r.indicator.seq == 5 for r in reporting_rows(cat, u))]
    assert empty.status == "未报送" and empty.note.startswith(f"{'、'.join(units)}未报送")
