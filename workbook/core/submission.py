"""A returned file as the ledger keeps it, and the one rule that picks each unit's current return.

A ``Submission`` is one file seen for one period: who it says it is from, what was found in it
(problems, values, signature) and whether it may count (``eligible``). Which eligible file
counts for a unit is decided by ``pick_current`` over every file the ledger holds for that unit
and period, whichever run brought it in, so one folder and a year of runs follow the same rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from workbook.core.findings import Problem

ACCEPTED, REJECTED, SUPERSEDED, SKIPPED = "accepted", "rejected", "superseded", "skipped"
STATUS_ZH = {ACCEPTED: "采用", REJECTED: "退回", SUPERSEDED: "已被替代", SKIPPED: "跳过"}
DUPLICATE_RULE = (
    "同一单位同一期报送多份时（无论是同一次还是不同次汇总收到的），采用文件修改时间最新的一份；"
    "时间相同时采用错误较少的一份，再相同时按文件名；其余标为“已被替代”，连同数值保留在报送台账中。"
)


@dataclass(slots=True)
class ValueRecord:
    """One unit's value for one indicator, as read from a return."""

    seq: int
    value: float | str | None
    raw: str = ""
    cell: str = ""
    progress: str = ""
    problems: str = ""
    remark: str = ""
    valid: bool = True
    base: float | None = None  # the start-of-year base of a stock


@dataclass
class Submission:
    """One file found for a period, what it holds and what was decided about it."""

    path: str
    name: str
    size: int = 0
    sha256: str = ""
    mtime: str = ""
    unit: str = ""
    period: str = ""  # the period its template says
    template_version: str = ""
    status: str = REJECTED
    decision: str = ""
    eligible: bool = False  # identified, for this period and catalogue: may be accepted
    found: list[Problem] = field(default_factory=list)
    values: dict[int, ValueRecord] = field(default_factory=dict)
    signature: dict[str, str] = field(default_factory=dict)
    ledger_id: int | None = None

    @property
    def problems(self) -> int:
        return len(self.found)

    @property
    def errors(self) -> int:
        return sum(1 for p in self.found if p.severity == "error")


def rank_key(sub: Submission) -> tuple[str, int, str]:
    """Higher is preferred: newest file time, then fewer errors, then file name."""
    return (sub.mtime, -sub.errors, sub.name)


def pick_current(subs: Iterable[Submission]) -> dict[str, tuple[Submission, list[Submission]]]:
    """Unit → (its current return, the others it supersedes, best first), over eligible files.

    This is ``DUPLICATE_RULE``; it does not change the submissions.
    """
    by_unit: dict[str, list[Submission]] = {}
    for sub in subs:
        if sub.eligible:
            by_unit.setdefault(sub.unit, []).append(sub)
    out = {}
    for unit, mine in by_unit.items():
        ranked = sorted(mine, key=rank_key, reverse=True)
        out[unit] = (ranked[0], ranked[1:])
    return out


def decide(subs: Iterable[Submission]) -> None:
    """Set status and decision of every eligible submission by ``pick_current``."""
    for winner, losers in pick_current(subs).values():
        winner.status = ACCEPTED
        winner.decision = (
            f"采用（同一单位本期共 {len(losers) + 1} 份，按规则取最新的一份）" if losers else "采用"
        )
        for loser in losers:
            loser.status = SUPERSEDED
            loser.decision = f"同一单位另有较新的文件“{winner.name}”，本文件不采用。"
