"""Target kinds: parsing a target as printed (the progress rules are in ``status``).

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
