"""Value parsing: the forms people type, and properties over a wide input space."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbook.core.status import status
from workbook.returns.values import parse_value


@pytest.mark.parametrize(
    "raw,measure,unit,value",
    [
        (" 12 ", "count", "家", 12),
        ("１２", "count", "家", 12),
        ("1，234", "count", "家", 1234),
        ("\u00a012\u00a0", "count", "家", 12),
        ("12家", "count", "家", 12),
        ("0.9万", "count", "人次", 9000),
        ("3.5亿元", "amount", "亿元", 3.5),
        ("８０％", "rate", "%", 80),
        ("80%", "rate", "%", 80),
        (80, "rate", "%", 80),  # shown as 80 in a General cell: 80%, with a warning
        ("－5", "change", "%", -5),
        ("-12.5%", "change", "%", -12.5),
        ("12。5", "time_limit", "分钟", 12.5),
        ("推进中", "qualitative", "", "推进中"),
        (0, "count", "家", 0),
        (None, "count", "家", None),
        ("", "count", "家", None),
    ],
)
def test_accepted_forms(raw, measure, unit, value):
    p = parse_value(raw, measure, unit)
    assert p.ok and p.value == value


@pytest.mark.parametrize(
    "raw,kind,fmt,value",
    [
        (0.8, "rate", "0.0%", 80),  # 80.0% shown: 80
        (0.01, "rate", "0.0%", 1),  # 1% of an inspection ratio stays 1%
        (1.0, "coverage", "0%", 100),
        (-0.12, "change", "+0.0%;-0.0%;0.0%", -12),  # -12.0% shown: a 12% decrease
        (0.05, "coverage", "0.00%", 5),
        (12, "rate", "General", 12),  # shown "12" in a % field: 12%
        (0, "rate", None, 0),  # zero is zero whatever the format
    ],
)
def test_percent_kinds_read_what_the_cell_shows(raw, kind, fmt, value):
    p = parse_value(raw, kind, "%", fmt)
    assert p.ok and p.value == pytest.approx(value)


@pytest.mark.parametrize(
    "raw,kind,fmt,code",
    [
        (0.85, "rate", "General", "value.percent_ambiguous"),  # 0.85% or 85%?
        (1, "rate", "0.0", "value.percent_ambiguous"),  # "1": 1% or 100%?
        (-0.12, "change", "", "value.percent_ambiguous"),
        ("0.5", "coverage", "", "value.percent_ambiguous"),
        (0.85, "rate", None, "value.format_unknown"),  # an .xls does not say
        (85, "rate", "0.0%", "value.range"),  # typed 85 in LibreOffice: shows 8500.0%
        (0.12, "count", "0%", "value.unit"),  # a count shown as 12%
    ],
)
def test_percent_kinds_refuse_what_could_mean_two_things(raw, kind, fmt, code):
    p = parse_value(raw, kind, "%" if kind != "count" else "家", fmt)
    assert not p.ok and p.value is None and p.code == code and p.note


@pytest.mark.parametrize(
    "raw,measure,unit,code",
    [
        ("/", "count", "家", "value.not_applicable_mark"),
        ("无", "count", "家", "value.not_applicable_mark"),
        ("950人次", "count", "家", "value.unit"),
        ("0.9万", "amount", "亿元", "value.unit"),
        (12.5, "count", "家", "value.not_integer"),
        (-1, "count", "家", "value.negative"),
        (180, "rate", "%", "value.range"),
        (date(2024, 1, 2), "count", "家", "value.date"),
        ("二十", "count", "家", "value.not_number"),
        ("done", "qualitative", "", "value.choice"),
        (True, "count", "家", "value.not_number"),
        ("80%", "count", "家", "value.unit"),
        ("8\n12", "count", "家", "value.several_numbers"),  # two lines of one cell
        ("8\x0b12", "count", "家", "value.several_numbers"),  # Word's soft line break
        ("1 28", "count", "家", "value.several_numbers"),
        ("1, 234", "amount", "万元", "value.several_numbers"),
        ("１２　３", "count", "家", "value.several_numbers"),  # full-width space
    ],
)
def test_refused_forms(raw, measure, unit, code):
    p = parse_value(raw, measure, unit)
    assert not p.ok and p.value is None and p.code == code and p.note


@given(st.integers(min_value=0, max_value=10**9))
def test_any_count_typed_as_text_in_any_width_reads_back(n):
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    assert parse_value(full_width, "count", "家").value == n
    assert parse_value(f" {n:,} ", "count", "家").value == n
    assert parse_value(float(n), "count", "家").value == n


@given(st.decimals(min_value=0, max_value=100, places=2, allow_nan=False))
def test_a_rate_typed_with_percent_reads_the_same_as_its_percent_cell(d):
    x = float(d)
    as_text = parse_value(f"{x}%", "rate", "%").value
    in_percent_cell = parse_value(x / 100, "rate", "%", "0.0%").value
    assert as_text == pytest.approx(x) and in_percent_cell == pytest.approx(x)
    plain = parse_value(x, "rate", "%", "General")
    if x == 0 or x > 1:
        assert plain.value == pytest.approx(x)  # shown "85": unambiguous in a % field
    else:
        assert plain.code == "value.percent_ambiguous"  # shown "0.5": never guessed


@given(st.text(max_size=12))
def test_arbitrary_text_never_raises(text):
    for measure in ("count", "amount", "rate", "time_limit", "change", "qualitative"):
        p = parse_value(text, measure, "家")
        assert p.ok or (p.value is None and p.note)
        if p.ok and p.value is not None and measure != "qualitative":
            assert isinstance(p.value, float)


@given(
    st.floats(min_value=0, max_value=1000),
    st.floats(min_value=1, max_value=1000),
    st.sampled_from([0.25, 0.5, 0.75, 1.0]),
)
def test_cumulative_status_is_monotonic(v, target, share):
    order = {"滞后": 0, "推进中": 1, "符合序时进度": 2, "已完成": 3}
    a = status("count", ">=", target, v, share)
    b = status("count", ">=", target, v + 1, share)
    assert order[b] >= order[a]
