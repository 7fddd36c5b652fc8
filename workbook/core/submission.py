"""A returned file as the ledger keeps it, and the one rule that picks each unit's current return.

A ``Submission`` is one file seen for one period: who it says it is from, what was found in it
(problems, values, signature) and whether it may count (``eligible``). Which eligible file
counts for a unit is decided by ``pick_current`` over every file the ledger holds for that unit
and period, whichever run brought it in, so one folder and a year of runs follow the same rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from workbook.core import problems as codes
from workbook.core.findings import Problem

ACCEPTED, REJECTED, SUPERSEDED, SKIPPED = "accepted", "rejected", "superseded", "skipped"
WITHDRAWN = "withdrawn"  # taken back by the office (shishi ledger withdraw): does not count
STATUS_ZH = {
    ACCEPTED: "采用",
    REJECTED: "退回",
    SUPERSEDED: "已被替代",
    SKIPPED: "跳过",
    WITHDRAWN: "作废",
}
NAME_RULE = (
    "文件名（或所在文件夹名）写的是另一个单位、模板却是本单位的文件（常见于误用了别的单位的模板），"
    "不替代本单位文件名相符或不含单位名的报送，无论时间先后；本单位只有这类文件时才采用，"
    "并在两个单位下各报错误一处。市局核实确属本单位后，可用 shishi ledger accept 确认，"
    "此后按多份报送规则参与采用。"
)
REVISION_RULE = (
    "下级汇总生成的报送（第N版）以版本号最高的一份为准，旧版无论文件时间先后都不替代新版。"
)
DUPLICATE_RULE = (
    "只有可用的填报表参与比较（本目录本期次的模板、已填写；空白模板、其他期次或无法读取的文件不替代任何文件）。"
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
    items: list[dict[str, Any]] = field(default_factory=list)  # 明细台账 (core.items)
    info: list[dict[str, Any]] = field(default_factory=list)  # 信息报送
    # a return built by report-up: its origin and 所明细 (consolidation.levels)
    origin: dict[str, Any] = field(default_factory=dict)
    confirmed: bool = False  # its name names another unit, and the office confirmed it

    @property
    def problems(self) -> int:
        return len(self.found)

    @property
    def errors(self) -> int:
        return sum(1 for p in self.found if p.severity == "error")


BLANK_DECISION = "这是未填写的空白模板（填报栏和签名栏都是空的），不作为本单位的报送。"


def reject_blank(sub: Submission) -> None:
    """Mark ``sub`` as the blank template it is: rejected, nothing kept but that problem."""
    sub.found = [
        Problem(
            code=codes.RETURN_BLANK_TEMPLATE,
            message=BLANK_DECISION,
            action="请在模板中填写后再报送；如果发错了文件，请改发填好的那一份。",
            unit=sub.unit,
            file=sub.name,
        )
    ]
    sub.values, sub.eligible, sub.status, sub.decision = {}, False, REJECTED, BLANK_DECISION


def is_blank(sub: Submission) -> bool:
    """Whether a file carries no report at all: no figure, no text and no signature typed,
    and nothing refused. Such a file (the issued template, sent back or picked up by mistake)
    is never a return: it is rejected, so it supersedes nothing (``DUPLICATE_RULE``). A base
    alone does not make a report (a later period's template carries its bases locked)."""
    if any(p.severity == "error" for p in sub.found) or any(sub.signature.values()):
        return False
    return not any(
        rec.raw or rec.progress or rec.problems or rec.remark for rec in sub.values.values()
    )


def named_other(sub: Submission) -> str:
    """The unit the file's name names when its template is another unit's ('' otherwise):
    the evaluator's ``return.name_mismatch`` problem carries it."""
    return next((p.found for p in sub.found if p.code == codes.RETURN_NAME_MISMATCH), "")


def trusted(sub: Submission) -> bool:
    """Whether the file's name agrees with its template's unit, or the office confirmed it."""
    return sub.confirmed or not named_other(sub)


def revision(sub: Submission) -> int:
    """The revision of a return built by report-up (0 for any other file)."""
    origin = (sub.origin or {}).get("origin") or {}
    try:
        return int(origin.get("revision", 0))
    except (TypeError, ValueError):
        return 0


def rank_key(sub: Submission) -> tuple[bool, str, int, str]:
    """Higher is preferred: a name that agrees (``NAME_RULE``), then the newest file time,
    fewer errors, file name (``DUPLICATE_RULE``)."""
    return (trusted(sub), sub.mtime, -sub.errors, sub.name)


def pick_current(subs: Iterable[Submission]) -> dict[str, tuple[Submission, list[Submission]]]:
    """Unit → (its current return, the others it supersedes, best first), over eligible files.

    This is ``NAME_RULE``, ``REVISION_RULE`` and ``DUPLICATE_RULE``; it does not change the
    submissions.
    """
    by_unit: dict[str, list[Submission]] = {}
    for sub in subs:
        if sub.eligible:
            by_unit.setdefault(sub.unit, []).append(sub)
    out = {}
    for unit, mine in by_unit.items():
        newest = max(map(revision, mine))  # an older built revision never comes back
        ranked = sorted(
            mine, key=lambda s: (not 0 < revision(s) < newest, *rank_key(s)), reverse=True
        )
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
            if 0 < revision(loser) < revision(winner):
                loser.decision = (
                    f"这是汇总生成的第{revision(loser)}版，已采用第{revision(winner)}版"
                    f"“{winner.name}”：旧版不替代新版，无论文件时间先后。"
                )
            elif trusted(winner) and not trusted(loser):
                loser.decision = (
                    f"文件名写的是{named_other(loser)}，模板却是{loser.unit}的；{loser.unit}另有"
                    f"文件名相符的“{winner.name}”，本文件不替代它（如确属{loser.unit}的更正，"
                    "请用 shishi ledger accept 确认）。"
                )
