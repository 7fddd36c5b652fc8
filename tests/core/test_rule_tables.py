"""The rules that decide what the summary and the 通报 say, tested as tables with the expected
values written by hand: ``core.status`` (every kind × period × edge), ``core.submission``
(what is blank, which file counts) and the per-unit city row (``consolidation.figures``). A
one-line change to a rule fails a row here (issue 38's four mutations each fail one)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from workbook.consolidation.figures import _per_unit_status
from workbook.core import problems as codes
from workbook.core.findings import Problem
from workbook.core.status import (
    DONE,
    IN_PROGRESS,
    LAGGING,
    MISSING,
    NO_CASES,
    NOT_APPLICABLE,
    ON_TRACK,
    PARTIAL,
    completion,
    status,
)
from workbook.core.submission import Submission, ValueRecord, is_blank, pick_current
from workbook.excel.writer import shown_decimals

Q1, Q2, Q3, Q4 = 0.25, 0.5, 0.75, 1.0
M01, M05 = 1 / 12, 5 / 12

# kind, op, target, value, share, base, single -> status
STATUS_TABLE = [
    # count (whole steps): 12 a year
    ("count", ">=", 12, 12, Q1, None, False, DONE),
    ("count", ">=", 12, 3, Q1, None, False, ON_TRACK),  # exactly on pace
    ("count", ">=", 12, 2, Q1, None, False, LAGGING),  # one short of the pace
    ("count", ">=", 12, 0, Q1, None, False, LAGGING),
    ("count", ">=", 5, 3, Q2, None, False, ON_TRACK),  # pace 2.5
    ("count", ">=", 5, 2, Q2, None, False, IN_PROGRESS),  # the whole step below the pace
    ("count", ">=", 5, 1, Q2, None, False, LAGGING),
    ("count", ">=", 12, 11, Q4, None, False, LAGGING),  # the year is over: one short
    ("count", ">=", 12, 13, Q4, None, False, DONE),
    ("count", ">=", 12, 1, M01, None, False, ON_TRACK),
    ("count", ">=", 12, 0, M01, None, False, LAGGING),
    ("count", ">=", 12, 4, M05, None, False, LAGGING),
    ("count", ">=", 12, 5, M05, None, False, ON_TRACK),
    # one item delivered whole: short of it is 推进中 until the year ends
    ("count", ">=", 1, 0, Q3, None, True, IN_PROGRESS),
    ("count", ">=", 1, 0, Q4, None, True, LAGGING),
    ("count", ">=", 1, 1, Q1, None, True, DONE),
    # amount (no steps)
    ("amount", ">=", 0.45, 0.3, Q2, None, False, ON_TRACK),
    ("amount", ">=", 0.45, 0.2, Q2, None, False, LAGGING),
    ("amount", ">=", 0.45, 0.45, Q2, None, False, DONE),
    ("amount", ">=", 0.45, 0.44, Q4, None, False, LAGGING),
    # stock: from its base
    ("stock", ">=", 260, 230, Q2, 200, False, ON_TRACK),  # pace 200 + 60 × 0.5
    ("stock", ">=", 260, 229, Q2, 200, False, LAGGING),  # the step is 230 too
    ("stock", ">=", 260, 260, Q2, 200, False, DONE),
    ("stock", ">=", 260, 250, Q2, None, False, MISSING),  # no base: cannot be judged
    ("stock", ">=", 260, 259, Q4, 200, False, LAGGING),
    # coverage (cumulative share)
    ("coverage", ">=", 1.0, 0.25, Q1, None, False, ON_TRACK),
    ("coverage", ">=", 1.0, 0.2, Q1, None, False, LAGGING),
    ("coverage", ">=", 1.0, 1.0, Q3, None, False, DONE),
    ("coverage", ">=", 1.0, 0.99, Q4, None, False, LAGGING),
    # rate: a threshold to hold; met before the year ends is on track, at the end done
    ("rate", ">=", 0.8, 0.85, Q1, None, False, ON_TRACK),
    ("rate", ">=", 0.8, 0.85, Q4, None, False, DONE),
    ("rate", ">=", 0.8, 0.8, Q4, None, False, DONE),
    ("rate", ">=", 0.8, 0.79, Q2, None, False, LAGGING),
    ("rate", ">=", 0.8, 0.79, Q4, None, False, LAGGING),
    ("rate", ">=", 0.8, "无", Q2, None, False, NO_CASES),
    ("rate", ">=", 0.8, None, Q2, None, False, MISSING),
    ("rate", ">=", 0.8, "", Q4, None, False, MISSING),
    # rate under a ceiling ("4.3%以下"): lower is better
    ("rate", "<=", 0.043, 0.0348, Q2, None, False, ON_TRACK),
    ("rate", "<=", 0.043, 0.043, Q4, None, False, DONE),
    ("rate", "<=", 0.043, 0.0431, Q4, None, False, LAGGING),
    # time limit: lower is better
    ("time_limit", "<=", 8, 6, Q2, None, False, ON_TRACK),
    ("time_limit", "<=", 8, 8, Q4, None, False, DONE),
    ("time_limit", "<=", 8, 8.5, Q2, None, False, LAGGING),
    ("time_limit", "<=", 8, "无", Q3, None, False, NO_CASES),
    # change against last year: a fall of at least 5%
    ("change", "<=", -0.05, -0.06, Q4, None, False, DONE),
    ("change", "<=", -0.05, -0.05, Q2, None, False, ON_TRACK),
    ("change", "<=", -0.05, 0.01, Q2, None, False, LAGGING),
    ("change", "<=", -0.05, "无", Q1, None, False, NO_CASES),
    # qualitative
    ("qualitative", None, None, "已完成", Q1, None, False, DONE),
    ("qualitative", None, None, "推进中", Q3, None, False, ON_TRACK),
    ("qualitative", None, None, "推进中", Q4, None, False, LAGGING),
    ("qualitative", None, None, "未启动", Q1, None, False, ON_TRACK),
    ("qualitative", None, None, "未启动", Q2, None, False, LAGGING),
    # a row without a target of its own
    ("count", None, None, 3, Q2, None, False, NOT_APPLICABLE),
    ("count", ">=", None, 3, Q2, None, False, NOT_APPLICABLE),
]


@pytest.mark.parametrize(
    ("kind", "op", "target", "value", "share", "base", "single", "expected"), STATUS_TABLE
)
def test_status_table(kind, op, target, value, share, base, single, expected):
    assert status(kind, op, target, value, share, base, single) == expected


# kind, op, target, value, base -> 完成率 (a fraction; None: no figure)
COMPLETION_TABLE = [
    ("count", ">=", 20, 15, None, 0.75),
    ("count", ">=", 0, 3, None, None),
    ("rate", ">=", 0.8, 0.6, None, 0.75),
    ("rate", "<=", 0.043, 0.0344, None, 1.25),  # under a ceiling: target ÷ value
    ("rate", "<=", 0.043, 0.086, None, 0.5),
    ("rate", "<=", 0.043, 0, None, None),  # 0% under a ceiling: no ratio to print
    ("time_limit", "<=", 8, 10, None, 0.8),
    ("time_limit", "<=", 8, 0, None, None),
    ("change", "<=", -0.1, -0.05, None, 0.5),  # a fall: both negative, value ÷ target
    ("change", "<=", -0.1, 0.02, None, 0.0),  # rose against a fall target
    ("change", ">=", 0.08, 0.04, None, 0.5),
    ("stock", ">=", 260, 230, 200, 0.5),
    ("stock", ">=", 260, 180, 200, 0.0),
    ("stock", ">=", 260, 240, 270, 240 / 260),  # base already over the target
    ("stock", ">=", 260, 240, None, None),
    ("qualitative", None, None, 1, None, None),
]


@pytest.mark.parametrize(("kind", "op", "target", "value", "base", "expected"), COMPLETION_TABLE)
def test_completion_table(kind, op, target, value, base, expected):
    got = completion(kind, target, value, base, op)
    assert got == (None if expected is None else pytest.approx(expected))


def _sub(name: str, mtime: str, errors: int = 0, **kw) -> Submission:
    found = [Problem(code=codes.VALUE_NOT_NUMBER, message="x") for _ in range(errors)]
    kw = {"eligible": True, **kw}
    return Submission(path=name, name=name, mtime=mtime, unit="定海", found=found, **kw)


def _misnamed(name: str, mtime: str, confirmed: bool = False) -> Submission:
    sub = _sub(name, mtime, confirmed=confirmed)
    sub.found.append(Problem(code=codes.RETURN_NAME_MISMATCH, message="x", found="新城"))
    return sub


def _built(name: str, mtime: str, revision: int) -> Submission:
    return _sub(name, mtime, origin={"origin": {"kind": "report_up", "revision": revision}})


# the files of one unit -> the name of the one that counts
CURRENT_TABLE = [
    ("newest wins", [_sub("a.xlsx", "2024-07-01"), _sub("b.xlsx", "2024-07-02")], "b.xlsx"),
    (
        "newest wins over fewer errors",
        [_sub("a.xlsx", "2024-07-01"), _sub("b.xlsx", "2024-07-02", errors=3)],
        "b.xlsx",
    ),
    (
        "same time: fewer errors",
        [_sub("a.xlsx", "2024-07-01", errors=2), _sub("b.xlsx", "2024-07-01", errors=1)],
        "b.xlsx",
    ),
    (
        "same time, errors the other way",
        [_sub("a.xlsx", "2024-07-01", errors=0), _sub("b.xlsx", "2024-07-01", errors=1)],
        "a.xlsx",
    ),
    (
        "same time and errors: the file name",
        [_sub("a.xlsx", "2024-07-01"), _sub("b.xlsx", "2024-07-01")],
        "b.xlsx",
    ),
    (
        "a name for another unit never replaces one that agrees",
        [_sub("定海.xlsx", "2024-07-01"), _misnamed("新城更正.xlsx", "2024-07-09")],
        "定海.xlsx",
    ),
    (
        "confirmed, it competes by time",
        [_sub("定海.xlsx", "2024-07-01"), _misnamed("新城更正.xlsx", "2024-07-09", True)],
        "新城更正.xlsx",
    ),
    ("alone, it counts", [_misnamed("新城更正.xlsx", "2024-07-09")], "新城更正.xlsx"),
    (
        "a built return's higher revision stays, whatever the times",
        [_built("第2版.xlsx", "2024-07-01", 2), _built("第1版.xlsx", "2024-07-09", 1)],
        "第2版.xlsx",
    ),
    (
        "a hand-filled file competes by time with the newest revision",
        [_built("第2版.xlsx", "2024-07-01", 2), _sub("手填更正.xlsx", "2024-07-09")],
        "手填更正.xlsx",
    ),
    (
        "a file that may not count is not a candidate",
        [_sub("定海.xlsx", "2024-07-01"), _sub("空白.xlsx", "2024-07-09", eligible=False)],
        "定海.xlsx",
    ),
]


@pytest.mark.parametrize(
    ("case", "subs", "expected"), CURRENT_TABLE, ids=[c[0] for c in CURRENT_TABLE]
)
def test_which_file_counts_table(case, subs, expected):
    winner, losers = pick_current(subs)["定海"]
    assert winner.name == expected
    assert sorted(s.name for s in losers) == sorted(
        s.name for s in subs if s.eligible and s.name != expected
    )


def _values(**kw) -> dict[int, ValueRecord]:
    return {1: ValueRecord(seq=1, value=None, **kw)}


# what a file holds -> whether it is a blank template (never a return)
BLANK_TABLE = [
    ("nothing typed", {}, {}, 0, True),
    ("a base alone (carried, locked)", _values(base=200.0), {}, 0, True),
    ("a figure", _values(raw="5"), {}, 0, False),
    ("a text only", _values(progress="已开展走访"), {}, 0, False),
    ("a remark only", _values(remark="见附件"), {}, 0, False),
    ("signed, no figures", {}, {"reporter": "张三"}, 0, False),
    ("nothing typed but a refused cell", {}, {}, 1, False),
]


@pytest.mark.parametrize(
    ("case", "values", "signature", "errors", "blank"), BLANK_TABLE, ids=[c[0] for c in BLANK_TABLE]
)
def test_what_is_blank_table(case, values, signature, errors, blank):
    sub = _sub("a.xlsx", "2024-07-01", errors=errors, values=values, signature=signature)
    assert is_blank(sub) is blank


# the units' statuses on a per-unit city row (均达到: each unit against its own target) ->
# the city row's status
PER_UNIT_TABLE = [
    ([DONE, DONE], DONE),
    ([DONE, ON_TRACK], ON_TRACK),
    ([DONE, IN_PROGRESS], IN_PROGRESS),
    ([DONE, LAGGING, MISSING], LAGGING),  # a unit not reported never hides a lagging one
    ([LAGGING, NO_CASES], LAGGING),
    ([DONE, MISSING], PARTIAL),
    ([IN_PROGRESS, MISSING], PARTIAL),
    ([MISSING, MISSING], MISSING),
    ([NO_CASES, NO_CASES], NO_CASES),
    ([NO_CASES, DONE], DONE),  # no cases does not count either way
]


@pytest.mark.parametrize(("states", "expected"), PER_UNIT_TABLE)
def test_per_unit_city_row_table(states, expected):
    units = [SimpleNamespace(status=s) for s in states]
    assert _per_unit_status(units) == expected


# a percentage, its target (op, value) -> decimals shown: never rounded across the target
DECIMALS_TABLE = [
    (99.96, ">=", 100, 2),  # 100.0% beside 滞后 otherwise
    (99.999, ">=", 100, 3),
    (94.95, ">=", 95, 2),
    (94.94, ">=", 95, 1),  # 94.9%: already on its side
    (85.0, ">=", 80, 1),
    (100.0, ">=", 100, 1),
    (66.66667, ">=", 80, 1),  # rounded up, but far from the target
    (7.04, "<=", 7, 2),  # a time or change above its ceiling is not shown at it
    (-9.96, "<=", -10, 2),  # a fall of 9.96% is not 10.0%
    (-10.0, "<=", -10, 1),
    (99.96, None, None, 1),  # no target: one decimal
]


@pytest.mark.parametrize(("value", "op", "target", "decimals"), DECIMALS_TABLE)
def test_percent_decimals_table(value, op, target, decimals):
    assert shown_decimals(value, op, target) == decimals
