"""Target kinds: parsing a target as printed, and the progress rules for each kind.

A target cell of Attachment 11 is one of:

- ``quantity``: a cumulative number in the indicator's unit ("2", "0.9万", "24以上"); additive.
- ``threshold``: a level each unit must reach or stay within ("达到80%", "均达到95%以上",
  "15分钟以内", "平均3个工作日"); ``op`` is ">=" or "<=".
- ``change``: a relative change against the previous year ("下降10%以上" is change <= -10).
- ``qualitative``: a commitment in words ("制定1个以上行业信用建设指引").
- ``na``: "/" (not applicable); ``none``: an empty cell.
- ``in_county``: "分别纳入对应县区的统计范围" (counted within the county; reports nothing).
- ``follows``: "按照嵊泗县局要求落实" (follows another unit's requirements; no own target).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from workbook.core.measures import EPS, measure

REPORTED_TYPES = ("quantity", "threshold", "change", "qualitative")

TIME_UNITS = ("分钟", "个工作日", "工作日", "天", "小时")
AMOUNT_UNITS = ("亿元", "万元", "元")

_NUM = r"(\d+(?:\.\d+)?)"
_FOLLOWS = re.compile(r"^按照(.+?)(?:县局|区局|局)要求落实$")
_CHANGE = re.compile(r"(下降|增长|提高|减少)" + _NUM + r"%")
_PERCENT = re.compile(_NUM + r"%")
_MINUTES = re.compile(_NUM + r"分钟")
_DAYS = re.compile(_NUM + r"个?工作日")
_QUANTITY = re.compile(r"^" + _NUM + r"(万)?(以上)?$")


@dataclass(frozen=True)
class TargetMeaning:
    """The meaning of one target cell."""

    type: str
    op: str | None = None
    value: float | None = None
    followed_unit: str | None = None  # the reporting unit followed, for ``follows``

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type}
        if self.op is not None:
            out["op"] = self.op
        if self.value is not None:
            out["value"] = _clean_number(self.value)
        if self.followed_unit is not None:
            out["unit"] = self.followed_unit
        return out


def _clean_number(x: float) -> int | float:
    """Whole numbers as int so the JSON reads "9000", not "9000.0"."""
    return int(x) if float(x).is_integer() else round(float(x), 6)


def parse_target(text: str) -> TargetMeaning:
    """Parse a target as printed in the table into its meaning.

    Returns ``TargetMeaning``; text that is none of the numeric forms is ``qualitative``.
    """
    t = (text or "").strip()
    if t == "":
        return TargetMeaning("none")
    if t == "/":
        return TargetMeaning("na")
    if "分别纳入对应县区的统计范围" in t:
        return TargetMeaning("in_county")
    m = _FOLLOWS.match(t)
    if m:
        return TargetMeaning("follows", followed_unit=m.group(1))
    m = _CHANGE.search(t)
    if m:
        down = m.group(1) in ("下降", "减少")
        value = float(m.group(2))
        return TargetMeaning("change", op="<=" if down else ">=", value=-value if down else value)
    m = _PERCENT.search(t)
    if m:
        lower_better = any(w in t for w in ("以内", "不超过", "不高于"))
        return TargetMeaning(
            "threshold", op="<=" if lower_better else ">=", value=float(m.group(1))
        )
    for pattern in (_MINUTES, _DAYS):
        m = pattern.search(t)
        if m:
            return TargetMeaning("threshold", op="<=", value=float(m.group(1)))
    m = _QUANTITY.match(t)
    if m:
        value = float(m.group(1)) * (10000 if m.group(2) else 1)
        return TargetMeaning("quantity", op=">=", value=value)
    return TargetMeaning("qualitative")


def measure_for(city_type: str, unit: str) -> str:
    """The kind of value units report for an indicator, from its city target type and unit."""
    if city_type == "quantity":
        return "amount" if unit in AMOUNT_UNITS else "count"
    if city_type == "threshold":
        return "time_limit" if unit in TIME_UNITS else "rate"
    if city_type == "change":
        return "change"
    return "qualitative"


def direction_for(parsed: TargetMeaning) -> str:
    """'higher' or 'lower' is better, following the target's comparator."""
    return "lower" if parsed.op == "<=" else "higher"


def meets(value: float, op: str, target: float) -> bool:
    """Whether ``value`` satisfies ``op target`` (with the shared tolerance ``EPS``)."""
    return value >= target - EPS if op == ">=" else value <= target + EPS


# --- progress rules -------------------------------------------------------------------------

DONE, ON_TRACK, IN_PROGRESS, LAGGING, MISSING, NOT_APPLICABLE = (
    "已完成",
    "符合序时进度",
    "推进中",
    "滞后",
    "未报送",
    "不适用",
)
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
) -> str:
    """The 进度状态 of one reported value against its target (the rules of ``measures``).

    ``share`` is the indicator's 序时进度 for the period; ``base`` the start-of-year figure of
    a stock (None: not known, so the figure cannot be judged and counts as not reported).
    ``value`` None means not reported. The template's formulas state the same rules.
    """
    if value is None or value == "":
        return MISSING
    m = measure(kind)
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
        if m.steps and share < 1 and meets(v, ">=", b + math.floor((target - b) * share + EPS)):
            return IN_PROGRESS
        return LAGGING
    if meets(v, op, target):
        return DONE if share >= 1 else ON_TRACK
    return LAGGING


def completion(
    kind: str, target: float | None, value: float | None, base: float | None = None
) -> float | None:
    """完成率 as a fraction: value / target; (value − base) / (target − base) for a stock;
    target / value for time limits (lower is better)."""
    if value is None or target is None or kind == "qualitative":
        return None
    if kind == "time_limit":
        return None if value == 0 else target / value
    if measure(kind).base:
        if base is None or target == base:
            return None
        return (value - base) / (target - base)
    return None if target == 0 else value / target


def status_formula(
    kind: str, op: str | None, share: float, share_expr: str, v: str, g: str, b: str | None
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
    head = f'=IF(OR({missing}),"{MISSING}",'
    if m.cumulative and op == ">=":
        base = b if m.base else "0"
        expected = f"{base}+({g}-{base})*{share_expr}"
        tail = f'"{LAGGING}"'
        if m.steps and not year_end:
            step = f"{base}+INT(({g}-{base})*{share_expr}+{EPS:g})"
            tail = f'IF({v}>={step}-{EPS:g},"{IN_PROGRESS}","{LAGGING}")'
        return (
            f'{head}IF({v}>={g}-{EPS:g},"{DONE}",IF({v}>={expected}-{EPS:g},"{ON_TRACK}",{tail})))'
        )
    ok = DONE if year_end else ON_TRACK
    cmp = f"{v}>={g}-{EPS:g}" if op == ">=" else f"{v}<={g}+{EPS:g}"
    return f'{head}IF({cmp},"{ok}","{LAGGING}"))'


def completion_formula(kind: str, v: str, g: str, b: str | None) -> str | None:
    """The template's 完成率 formula: ``completion`` written for a spreadsheet."""
    if kind == "qualitative":
        return None
    if kind == "time_limit":
        return f'=IF(AND(ISNUMBER({v}),{v}<>0),{g}/{v},"")'
    if measure(kind).base:
        return f'=IF(AND(ISNUMBER({v}),ISNUMBER({b}),{g}<>{b}),({v}-{b})/({g}-{b}),"")'
    return f'=IF(AND(ISNUMBER({v}),{g}<>0),{v}/{g},"")'
