"""Value parsing: the forms people type, and properties over a wide input space."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbook.targets import status
from workbook.values import parse_value


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
        (0.8, "rate", "%", 80),
        (80, "rate", "%", 80),
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


@given(st.decimals(min_value=0, max_value=100, places=1, allow_nan=False))
def test_rates_written_either_way_agree(d):
    x = float(d)
    as_percent = parse_value(f"{x}%", "rate", "%").value
    as_number = parse_value(x, "rate", "%").value
    assert as_percent == pytest.approx(x)
    if x > 1:
        assert as_number == pytest.approx(x)
    if 0 < x <= 100:
        assert parse_value(x / 100, "rate", "%").value == pytest.approx(x)


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
    order = {"滞后": 0, "符合序时进度": 1, "已完成": 2}
    a = status("count", ">=", target, v, share)
    b = status("count", ">=", target, v + 1, share)
    assert order[b] >= order[a]
