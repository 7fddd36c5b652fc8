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

import re
from dataclasses import dataclass
from typing import Any

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
class Parsed:
    """The meaning of one target cell."""

    type: str
    op: str | None = None
    value: float | None = None
    unit: str | None = None  # the unit followed, for ``follows``

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type}
        if self.op is not None:
            out["op"] = self.op
        if self.value is not None:
            out["value"] = _clean_number(self.value)
        if self.unit is not None:
            out["unit"] = self.unit
        return out


def _clean_number(x: float) -> int | float:
    """Whole numbers as int so the JSON reads "9000", not "9000.0"."""
    return int(x) if float(x).is_integer() else round(float(x), 6)


def parse_target(text: str) -> Parsed:
    """Parse a target as printed in the table into its meaning.

    Returns ``Parsed``; text that is none of the numeric forms is ``qualitative``.
    """
    t = (text or "").strip()
    if t == "":
        return Parsed("none")
    if t == "/":
        return Parsed("na")
    if "分别纳入对应县区的统计范围" in t:
        return Parsed("in_county")
    m = _FOLLOWS.match(t)
    if m:
        return Parsed("follows", unit=m.group(1))
    m = _CHANGE.search(t)
    if m:
        down = m.group(1) in ("下降", "减少")
        value = float(m.group(2))
        return Parsed("change", op="<=" if down else ">=", value=-value if down else value)
    m = _PERCENT.search(t)
    if m:
        lower_better = any(w in t for w in ("以内", "不超过", "不高于"))
        return Parsed("threshold", op="<=" if lower_better else ">=", value=float(m.group(1)))
    for pattern in (_MINUTES, _DAYS):
        m = pattern.search(t)
        if m:
            return Parsed("threshold", op="<=", value=float(m.group(1)))
    m = _QUANTITY.match(t)
    if m:
        value = float(m.group(1)) * (10000 if m.group(2) else 1)
        return Parsed("quantity", op=">=", value=value)
    return Parsed("qualitative")


def measure_for(city_type: str, unit: str) -> str:
    """The kind of value units report for an indicator, from its city target type and unit."""
    if city_type == "quantity":
        return "amount" if unit in AMOUNT_UNITS else "count"
    if city_type == "threshold":
        return "time_limit" if unit in TIME_UNITS else "rate"
    if city_type == "change":
        return "change"
    return "qualitative"


def direction_for(parsed: Parsed) -> str:
    """'higher' or 'lower' is better, following the target's comparator."""
    return "lower" if parsed.op == "<=" else "higher"


def meets(value: float, op: str, target: float) -> bool:
    """Whether ``value`` satisfies ``op target`` (with a small tolerance for decimals)."""
    eps = 1e-9
    return value >= target - eps if op == ">=" else value <= target + eps


# --- progress rules -------------------------------------------------------------------------

DONE, ON_TRACK, LAGGING, MISSING, NOT_APPLICABLE = (
    "已完成",
    "符合序时进度",
    "滞后",
    "未报送",
    "不适用",
)
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


def status(
    measure: str, op: str | None, target: float | None, value: float | str | None, share: float
) -> str:
    """The 进度状态 of one reported value against its target for a period.

    - cumulative counts and amounts: done at the annual target, on track at target × 序时进度;
    - thresholds, time limits and relative changes: a level to hold, so meeting it is on track
      (done at year end), missing it is lagging;
    - qualitative: see ``qualitative_status``.
    ``value`` None means not reported. The template's formulas follow the same rules.
    """
    if value is None or value == "":
        return MISSING
    if measure == "qualitative":
        return qualitative_status(str(value), share)
    if target is None or op is None:
        return NOT_APPLICABLE
    v = float(value)
    if measure in ("count", "amount"):
        if meets(v, ">=", target):
            return DONE
        return ON_TRACK if meets(v, ">=", target * share) else LAGGING
    if meets(v, op, target):
        return DONE if share >= 1 else ON_TRACK
    return LAGGING


def completion(measure: str, target: float | None, value: float | None) -> float | None:
    """完成率 as a fraction: value / target, or target / value for time limits (lower is better)."""
    if value is None or target is None or measure == "qualitative":
        return None
    if measure == "time_limit":
        return None if value == 0 else target / value
    return None if target == 0 else value / target
