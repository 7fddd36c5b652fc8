"""One row of the catalogue: an ``Indicator`` with its city target and each unit's
``Target`` (the text as printed and its meaning), and how its progress is judged and how it
rolls up to the level above."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from workbook.core.targets import REPORTED_TYPES, TargetMeaning

ROLLUPS = ("sum", "worst", "self", "manual")
ROLLUP_ZH = {"sum": "求和", "worst": "最差单位", "self": "本级填报", "manual": "自行填报"}


@dataclass(frozen=True, slots=True)
class Target:
    """One target cell: the text as printed and its meaning."""

    text: str
    type: str
    op: str | None = None
    value: float | None = None
    followed_unit: str | None = None  # the reporting unit a ``follows`` target follows
    merged: bool = False

    @property
    def reported(self) -> bool:
        return self.type in REPORTED_TYPES

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Target:
        return cls(
            text=d["text"],
            type=d["type"],
            op=d.get("op"),
            value=d.get("value"),
            followed_unit=d.get("unit"),
            merged=bool(d.get("merged", False)),
        )

    @classmethod
    def from_parsed(cls, text: str, parsed: TargetMeaning, merged: bool = False) -> Target:
        return cls(text, parsed.type, parsed.op, parsed.value, parsed.followed_unit, merged)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text}
        if self.merged:
            out["merged"] = True
        out.update(TargetMeaning(self.type, self.op, self.value, self.followed_unit).as_dict())
        return out


# how the exported table's 时间表 column says ``Indicator.single_item``
SINGLE_ITEM = "单项交付"


@dataclass(frozen=True)
class Indicator:
    seq: int
    action: int
    name: str
    name_printed: str
    measure_unit: str  # the unit of measure (户, 家, %, 亿元); "unit" alone means a reporting unit
    measure: str
    direction: str
    city: Target
    targets: dict[str, Target]
    lead_department: str | None = None
    lead_source: str | None = None
    plan: dict[str, Any] | None = None
    notes: tuple[str, ...] = ()
    # why the measure differs from the default for its target, and quarterly milestones
    progress: dict[str, Any] | None = None
    # an itemised figure: the columns of its list beyond 名称 (code, address) and why
    items: dict[str, Any] | None = None
    # how the units' figures make this level's own figure (``ROLLUPS``); None: the default
    rollup: str | None = None

    @cached_property
    def city_only(self) -> bool:
        """True when no unit has a target of its own: 市局 reports the city figure."""
        return not any(t.reported for t in self.targets.values())

    @property
    def additive(self) -> bool:
        """Cumulative quantities whose unit targets add up to the city target."""
        return self.city.type == "quantity"

    @property
    def single_item(self) -> bool:
        """The target is one item delivered whole (one service area): short of it before the
        year ends is 推进中, as for a count of 1."""
        return bool((self.progress or {}).get("single_item"))

    @property
    def rollup_rule(self) -> str:
        """sum for additive rows, worst for levels, unless the catalogue says otherwise."""
        return self.rollup or ("sum" if self.additive else "worst")

    def expected_share(self, months: int) -> float:
        """序时进度 of this indicator after ``months`` months: the catalogue's milestone for the
        latest month reached (the plan's 时间表), else months / 12."""
        milestones = (self.progress or {}).get("milestones") or {}
        reached = [int(m) for m in milestones if int(m) <= months]
        if reached:
            return float(milestones[str(max(reached))])
        if milestones:
            return 0.0
        return months / 12

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "seq": self.seq,
            "action": self.action,
            "name": self.name,
            "name_printed": self.name_printed,
            "unit": self.measure_unit,
            "measure": self.measure,
            "direction": self.direction,
            "lead_department": self.lead_department,
            "lead_source": self.lead_source,
            "city": self.city.as_dict(),
            "targets": {u: t.as_dict() for u, t in self.targets.items()},
        }
        if self.plan is not None:
            out["plan"] = dict(self.plan)
        if self.notes:
            out["notes"] = list(self.notes)
        if self.progress is not None:
            out["progress"] = dict(self.progress)
        if self.items is not None:
            out["items"] = dict(self.items)
        if self.rollup is not None:
            out["rollup"] = self.rollup
        return out
