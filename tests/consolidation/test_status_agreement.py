"""The unit's own sheet and the consolidation judge alike: LibreOffice recalculates the
template's 进度状态 formulas for random values and periods (months included), and each must
equal the status the consolidation computes from the same file.

Values are drawn around the edges that matter: exactly at target × 序时进度, one whole item
below it, at the target, zero. LibreOffice types them as a person would ("85%" for a rate).
"""

from __future__ import annotations

import math

import pytest
from conftest import needs_soffice
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lo_helpers import lo_run
from python_calamine import CalamineWorkbook
from xlsxwriter.utility import xl_col_to_name

from workbook.catalogue import model as catalogue
from workbook.catalogue.model import Row, reporting_rows
from workbook.consolidation.consolidate import consolidate
from workbook.core.measures import measure
from workbook.core.period import parse_period
from workbook.core.settings import load_settings
from workbook.core.status import shown_completion
from workbook.template.build import COL, FIRST_DATA_ROW, generate

CAT = catalogue.load()
UNITS = ("市局", "定海", "普陀")  # between them every measure kind appears
PERIODS = [f"2024Q{q}" for q in range(1, 5)] + [f"2024-{m:02d}" for m in range(1, 13)]
# picks that make every row take the candidate ``t * noise`` (index 4 of ``_edge_value``)
AT_NOISE = [(4 - i) % 7 for i in range(60)]


def _edge_value(row: Row, share: float, pick: int, noise: float) -> float | str:
    """A value of ``row``'s kind near one of its edges (display units: 85 means 85%)."""
    kind = row.indicator.measure
    m = measure(kind)
    t = row.target.value
    if kind == "qualitative":
        return ("未启动", "推进中", "已完成")[pick % 3]
    if t is None:
        return 0
    base = 0.0
    if m.base:
        base = float(math.floor(t * 0.85))
    expected = base + (t - base) * share
    candidates = [expected, expected - 1, t, 0.0, t * noise, expected * noise, base]
    v = candidates[pick % len(candidates)]
    v = max(m.lo, min(m.hi, v))
    if m.integer:
        v = float(math.floor(v)) if pick % 2 else float(math.ceil(v))
    return round(v, 4)


@needs_soffice
@pytest.mark.libreoffice
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    period_text=st.sampled_from(PERIODS),
    picks=st.lists(st.integers(0, 20), min_size=60, max_size=60),
    noise=st.floats(0.3, 1.3),
)
# 116.75% is an exact half: the sheet's ROUND and ``shown_completion`` must both give 116.8%
# (found by Hypothesis as 1.168 != 1.167 in 2024Q1); at the year end 99.95% must read 99.9%
@example(period_text="2024Q1", picks=AT_NOISE, noise=1.1675)
@example(period_text="2024Q4", picks=AT_NOISE, noise=0.9995)
@example(period_text="2024-12", picks=AT_NOISE, noise=1.0005)
def test_libreoffice_status_equals_the_consolidation(tmp_path_factory, period_text, picks, noise):
    tmp = tmp_path_factory.mktemp("agree")
    period = parse_period(period_text)
    templates = generate(CAT, period, tmp / "tpl", UNITS, load_settings())
    value_col = xl_col_to_name(COL["value"])
    base_col = xl_col_to_name(COL["base"])
    jobs = []
    for unit, tpl in zip(UNITS, templates, strict=True):
        cells = {}
        for i, row in enumerate(reporting_rows(CAT, unit)):
            r = FIRST_DATA_ROW + 1 + i
            share = row.indicator.expected_share(period.months)
            v = _edge_value(row, share, picks[i % len(picks)] + i, noise)
            m = measure(row.indicator.measure)
            cells[f"{value_col}{r}"] = (
                v if isinstance(v, str) else f"{v:.10g}" + ("%" if m.percent else "")
            )
            if m.base:
                cells[f"{base_col}{r}"] = f"{math.floor(row.target.value * 0.85):g}"
        jobs.append(
            {"src": tpl, "dst": tmp / "returns" / f"{unit}.xlsx", "sheet": "填报表", "type": cells}
        )
    lo_run(jobs, tmp)
    result = consolidate(tmp / "returns", CAT, period, load_settings())
    compared = 0
    for unit in UNITS:
        grid = (
            CalamineWorkbook.from_path(str(tmp / "returns" / f"{unit}.xlsx"))
            .get_sheet_by_name("填报表")
            .to_python()
        )
        for i, row in enumerate(reporting_rows(CAT, unit)):
            sheet_status = grid[FIRST_DATA_ROW + i][COL["status"]]
            ours = result.unit_values[(unit, row.indicator.seq)]
            assert sheet_status == ours.status, (
                period.code,
                unit,
                row.indicator.seq,
                row.indicator.measure,
                grid[FIRST_DATA_ROW + i][COL["value"]],
                ours.value,
            )
            sheet_completion = grid[FIRST_DATA_ROW + i][COL["completion"]]
            if isinstance(sheet_completion, float):  # the sheet rounds as the summary prints
                assert sheet_completion == pytest.approx(shown_completion(ours.completion))
            else:
                assert ours.completion is None or row.indicator.measure == "qualitative"
            compared += 1
    assert compared == sum(len(reporting_rows(CAT, u)) for u in UNITS)
    assert not [p for p in result.problems if p.code.startswith("value.") and p.severity == "error"]
