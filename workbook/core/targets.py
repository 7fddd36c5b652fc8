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

from workbook.core.targetwords import bound_of

REPORTED_TYPES = ("quantity", "threshold", "change", "qualitative")

TIME_UNITS = ("分钟", "个工作日", "工作日", "天", "小时")
AMOUNT_UNITS = ("亿元", "万元", "元")

_NUM = r"(\d+(?:\.\d+)?)"
_FOLLOWS = re.compile(r"^按照(.+?)(?:县局|区局|局)要求落实$")
_PERCENT = re.compile(_NUM + r"\s*[%％]")
_TIME = re.compile(_NUM + r"\s*(?:分钟|个?工作日|小时|天)")
_FIGURE = re.compile(_PERCENT.pattern + "|" + _TIME.pattern)
_CLAUSES = re.compile(r"[，,；;、]")
_QUANTITY = re.compile(r"^(?:不少于|不低于|至少|达到)?" + _NUM + r"(万)?(及?以上)?$")


@dataclass(frozen=True)
class TargetMeaning:
    """The meaning of one target cell."""

    type: str
    op: str | None = None
    value: float | None = None
    followed_unit: str | None = None  # the reporting unit followed, for ``follows``
    unclear: str = ""  # for ``unclear``: why the words cannot be placed (Chinese)

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


def parse_target(text: str, plain_op: str = ">=") -> TargetMeaning:
    """Parse a target as printed in the table into its meaning.

    Bound and direction words are read with ``targetwords``; ``plain_op`` is what a bare
    percentage means on its row (the city target's comparator, for a unit's "4%" under
    "低于4.3%"). Returns ``TargetMeaning``: ``unclear`` when a figure's words cannot be
    placed; text that is none of the numeric forms is ``qualitative``.
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
    if _PERCENT.search(t) or _TIME.search(t):
        return _figures(t, plain_op)
    m = _QUANTITY.match(t)
    if m:
        value = float(m.group(1)) * (10000 if m.group(2) else 1)
        return TargetMeaning("quantity", op=">=", value=value)
    return TargetMeaning("qualitative")


def _figures(t: str, plain_op: str) -> TargetMeaning:
    """A percentage or time target. A clause after 其中 is a sub-requirement (the figure is
    the first clause's); clauses joined by 、，； must agree ("维保率均达99%以上、检验检测率均达
    99%以上" is 99% at least), or the target is unclear."""
    first = t.split("其中")[0]
    main = first if _PERCENT.search(first) else t
    readings = {_clause(c, plain_op) for c in _CLAUSES.split(main) if _FIGURE.search(c)}
    if len(readings) == 1:
        return readings.pop()
    unclear = [r for r in readings if r.type == "unclear"]
    if unclear:
        return unclear[0]
    return TargetMeaning(
        "unclear", unclear="几处分句写的目标不一致（数或方向不同），看不出按哪个考核"
    )


def _clause(t: str, plain_op: str) -> TargetMeaning:
    percents = _PERCENT.findall(t)
    timed = _TIME.findall(t)
    figures = len(percents) if percents else len(timed)
    bound = bound_of(t, figures, not percents, plain_op)
    if bound.op is None:
        return TargetMeaning("unclear", unclear=bound.unclear)
    value = float(percents[0] if percents else timed[0])
    if bound.sign:
        return TargetMeaning("change", op=bound.op, value=value * bound.sign)
    return TargetMeaning("threshold", op=bound.op, value=value)


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
