"""Progress rules: whether a figure is 已完成, 符合序时进度, 推进中 or 滞后, its completion, and
the same rules as Excel formulas for the template (the template and the summary must agree).
"""

from __future__ import annotations

import math

from workbook.core.measures import EPS, measure


def meets(value: float, op: str, target: float) -> bool:
    """Whether ``value`` satisfies ``op target`` (with the shared tolerance ``EPS``)."""
    return value >= target - EPS if op == ">=" else value <= target + EPS


DONE, ON_TRACK, IN_PROGRESS, LAGGING, MISSING, NOT_APPLICABLE = (
    "已完成",
    "符合序时进度",
    "推进中",
    "滞后",
    "未报送",
    "不适用",
)
# a unit typed 无 for a rate, time limit or change: nothing of the kind happened in the period
# (no applications, no incidents), so there is nothing to judge. Not missing, not lagging.
NO_CASES, NO_CASES_MARK = "无此类事项", "无"
PARTIAL = "未报齐"  # city rows only: some units have not reported yet
QUAL_NOT_STARTED, QUAL_IN_PROGRESS, QUAL_DONE = "未启动", "推进中", "已完成"
QUALITATIVE_CHOICES = (QUAL_NOT_STARTED, QUAL_IN_PROGRESS, QUAL_DONE)


def qualitative_status(choice: str, share: float) -> str:
    """Status of a qualitative commitment: done, or on track until the year is over.

    未启动 is on track only in the first quarter; 推进中 is on track until the year ends.
    """
    if choice == QUAL_DONE:
        return DONE
    if choice == QUAL_IN_PROGRESS:
        return LAGGING if share >= 1 else ON_TRACK
    return ON_TRACK if share <= 0.25 else LAGGING


def expected_value(target: float, share: float, base: float = 0.0) -> float:
    """What a cumulative figure should have reached: base + (target − base) × 序时进度."""
    return base + (target - base) * share


def status(
    kind: str,
    op: str | None,
    target: float | None,
    value: float | str | None,
    share: float,
    base: float | None = None,
    single: bool = False,
) -> str:
    """The 进度状态 of one reported value against its target (the rules of ``measures``).

    ``share`` is the indicator's 序时进度 for the period; ``base`` the start-of-year figure of
    a stock (None: not known, so the figure cannot be judged and counts as not reported).
    ``value`` None means not reported; 无 (``NO_CASES_MARK``) no cases, for kinds that allow
    it. ``single``: the target is one item delivered whole (a coverage of one site), so
    short of it before the year ends is 推进中. The template's formulas state the same rules.
    """
    if value is None or value == "":
        return MISSING
    m = measure(kind)
    if value == NO_CASES_MARK and m.no_cases:
        return NO_CASES
    if kind == "qualitative":
        return qualitative_status(str(value), share)
    if target is None or op is None:
        return NOT_APPLICABLE
    if m.base and base is None:
        return MISSING
    v = float(value)
    if m.cumulative and op == ">=":
        b = base or 0.0
        if meets(v, ">=", target):
            return DONE
        if meets(v, ">=", expected_value(target, share, b)):
            return ON_TRACK
        if single and share < 1:
            return IN_PROGRESS
        if m.steps and share < 1 and meets(v, ">=", b + math.floor((target - b) * share + EPS)):
            return IN_PROGRESS
        return LAGGING
    if meets(v, op, target):
        return DONE if share >= 1 else ON_TRACK
    return LAGGING


def completion(
    kind: str,
    target: float | None,
    value: float | None,
    base: float | None = None,
    op: str | None = ">=",
) -> float | None:
    """完成率 as a fraction: value / target; target / value where lower is better (time
    limits, and a level whose target is a ceiling, "4.3%以下": 3.48% is 123.6%, not 80.9%).

    A stock's 完成率 is the share of the required increase it has made, (value − base) /
    (target − base), never below 0 (a holding that fell below its base has made none); when
    the base already reaches the target there is no increase to make, and it is the holding
    ÷ target (docs/indicators.md)."""
    if value is None or target is None or kind == "qualitative":
        return None
    if _lower_better(kind, op):
        return None if value == 0 else target / value
    if measure(kind).base:
        if base is None:
            return None
        if target - base > EPS:
            return max(0.0, (value - base) / (target - base))
    if target == 0:
        return None
    # a change the wrong way (a rise against a fall target) has achieved none of it
    return max(0.0, value / target) if kind == "change" else value / target


def shown_completion(c: float | None) -> float | None:
    """完成率 as printed to 0.1%: rounded down while under 100%, so that a figure short of its
    target (99.95%) never reads 100.0% beside 滞后; from 100% up, an exact half rounded up as
    the spreadsheet's ROUND does (131.25% is 131.3%, not Python's half-even 131.2%)."""
    if c is None:
        return None
    if c >= 1 - EPS:
        return math.floor(max(c, 1.0) * 1000 + 0.5 + EPS) / 1000
    return math.floor(c * 1000 + EPS) / 1000


def status_formula(
    kind: str,
    op: str | None,
    share: float,
    share_expr: str,
    v: str,
    g: str,
    b: str | None,
    single: bool = False,
) -> str:
    """The template's 进度状态 formula: ``status`` written for a spreadsheet.

    ``v``, ``g``, ``b`` are the value, target and base cells (percent kinds hold fractions in
    all three, so the comparisons are the same); ``share_expr`` the 序时进度, e.g. "(5/12)".
    """
    m = measure(kind)
    year_end = share >= 1
    if kind == "qualitative":
        in_progress = qualitative_status(QUAL_IN_PROGRESS, share)
        not_started = qualitative_status(QUAL_NOT_STARTED, share)
        return (
            f'=IF({v}="","{MISSING}",IF({v}="{QUAL_DONE}","{DONE}",IF({v}="{QUAL_IN_PROGRESS}",'
            f'"{in_progress}","{not_started}")))'
        )
    missing = f"NOT(ISNUMBER({v}))" + (f",NOT(ISNUMBER({b}))" if m.base else "")
    head = f'IF(OR({missing}),"{MISSING}",'
    if m.cumulative and op == ">=":
        base = b if m.base else "0"
        expected = f"{base}+({g}-{base})*{share_expr}"
        tail = f'"{LAGGING}"'
        if single and not year_end:
            tail = f'"{IN_PROGRESS}"'
        elif m.steps and not year_end:
            step = f"{base}+INT(({g}-{base})*{share_expr}+{EPS:g})"
            tail = f'IF({v}>={step}-{EPS:g},"{IN_PROGRESS}","{LAGGING}")'
        body = (
            f'{head}IF({v}>={g}-{EPS:g},"{DONE}",IF({v}>={expected}-{EPS:g},"{ON_TRACK}",{tail})))'
        )
    else:
        ok = DONE if year_end else ON_TRACK
        cmp = f"{v}>={g}-{EPS:g}" if op == ">=" else f"{v}<={g}+{EPS:g}"
        body = f'{head}IF({cmp},"{ok}","{LAGGING}"))'
    if m.no_cases:
        return f'=IF({v}="{NO_CASES_MARK}","{NO_CASES}",{body})'
    return "=" + body


def _lower_better(kind: str, op: str | None) -> bool:
    """Whether 完成率 is target ÷ value: a time limit, or a level held under a ceiling (a
    change's fall target is negative like its figure, so value ÷ target stays right)."""
    return kind == "time_limit" or (op == "<=" and kind != "change")


def completion_formula(
    kind: str, v: str, g: str, b: str | None, op: str | None = ">="
) -> str | None:
    """The template's 完成率 formula: ``completion`` then ``shown_completion``, written for a
    spreadsheet."""
    if kind == "qualitative":
        return None
    if _lower_better(kind, op):
        cond, x = f"AND(ISNUMBER({v}),{v}<>0)", f"{g}/{v}"
    elif measure(kind).base:
        cond = f"AND(ISNUMBER({v}),ISNUMBER({b}),{g}<>0)"
        x = f"IF({g}-{b}>{EPS:g},MAX(0,({v}-{b})/({g}-{b})),{v}/{g})"
    else:
        cond, x = f"AND(ISNUMBER({v}),{g}<>0)", f"{v}/{g}"
        if kind == "change":
            x = f"MAX(0,{x})"
    shown = f"IF({x}>=1-{EPS:g},ROUND(MAX({x},1),3),ROUNDDOWN({x}*1000+{EPS:g},0)/1000)"
    return f'=IF({cond},{shown},"")'
