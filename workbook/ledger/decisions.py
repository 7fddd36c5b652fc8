"""The office's own decisions on stored files, each a run of its own in the journal (so
``undo-run`` takes it back): withdraw a return (作废), restore it, and confirm (确认) a return
whose file name names another unit. A mixin of ``ledger.Ledger``, which owns the connection
and the transaction, the journal and the supersede rule (the annotated methods below)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import Any

from workbook.core.errors import InputError
from workbook.core.submission import (
    REJECTED,
    STATUS_ZH,
    SUPERSEDED,
    WITHDRAWN,
    Submission,
    named_other,
)
from workbook.ledger.journal import ACCEPT, RESTORE, WITHDRAW


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


class OfficeDecisions:
    """Withdraw, restore, accept; every change runs on ``self.db`` in the open transaction."""

    db: sqlite3.Connection
    begin: Callable[[], None]
    submissions: Callable[..., list[Submission]]
    begin_run: Callable[..., int]
    decide: Callable[[str, str], Any]
    finish_run: Callable[[int], None]

    def find_stored(self, catalogue_id: str, period: str, which: str) -> Submission:
        """The stored file of ``period`` named ``which`` (its name, its path, or at least 8
        characters of its sha256); refused, listing them, when none or several match."""
        subs = self.submissions(catalogue_id, period, with_values=False)
        w = which.strip().replace("\\", "/")
        found = [
            s
            for s in subs
            if w in (s.name, s.path.replace("\\", "/"))
            or (s.path.replace("\\", "/").endswith("/" + w))
            or (len(w) >= 8 and s.sha256.startswith(w.lower()))
        ]
        if len(found) == 1:
            return found[0]
        listed = "；".join(
            f"{s.name}（{s.sha256[:12]}，{STATUS_ZH.get(s.status, s.status)}）"
            for s in found or subs
        )
        if not found:
            raise InputError(f"报送台账中{period}没有文件“{which}”。台账中的文件：{listed or '无'}")
        raise InputError(f"“{which}”对应多份文件，请改用 sha256 指明：{listed}")

    def withdraw(self, catalogue_id: str, period: str, which: str, reason: str = "") -> Submission:
        """Mark a stored return as withdrawn by the office (作废), as a run of its own in the
        open transaction: it no longer counts, and the unit's current return is chosen again
        by the usual rule. A refused file can be withdrawn too: its problems are no longer
        listed for the period (the ledger keeps its record)."""
        self.begin()
        sub = self.find_stored(catalogue_id, period, which)
        if sub.status == WITHDRAWN:
            raise InputError(f"“{sub.name}”已于此前作废。")
        note = reason or f"作废 {sub.name}"
        decision = f"已由市局作废：{reason or '未说明原因'}"
        self._set_withdrawn(
            WITHDRAW, catalogue_id, period, sub, (WITHDRAWN, decision, _now(), reason), note
        )
        return sub

    def restore(self, catalogue_id: str, period: str, which: str, reason: str = "") -> Submission:
        """Take a withdrawal back: the file counts again by the usual rule."""
        self.begin()
        sub = self.find_stored(catalogue_id, period, which)
        if sub.status != WITHDRAWN:
            raise InputError(
                f"“{sub.name}”没有作废（{STATUS_ZH.get(sub.status, sub.status)}），无需恢复。"
            )
        note = reason or f"恢复 {sub.name}"
        back = (SUPERSEDED, "", None, "")  # competes again by the usual rule
        (usable,) = self.db.execute(
            "SELECT eligible FROM submissions WHERE id=?", (sub.ledger_id,)
        ).fetchone()  # sub.eligible is False for any withdrawn file
        if not usable:  # a refused file: refused again, its problems listed
            back = (REJECTED, "已恢复：本文件不能采用（原因见问题清单）。", None, "")
        self._set_withdrawn(RESTORE, catalogue_id, period, sub, back, note)
        return sub

    def accept(self, catalogue_id: str, period: str, which: str, reason: str = "") -> Submission:
        """Confirm a return whose file name names another unit (``return.name_mismatch``) as
        the return of the unit its template is for: it then competes by the usual rule."""
        self.begin()
        sub = self.find_stored(catalogue_id, period, which)
        named = named_other(sub)
        if not named:
            raise InputError(f"“{sub.name}”的文件名与模板单位相符（或不含单位名），无需确认。")
        if sub.confirmed:
            raise InputError(f"“{sub.name}”已于此前确认为{sub.unit}的报送。")
        note = reason or f"确认 {sub.name} 为{sub.unit}的报送"
        run = self.begin_run(ACCEPT, catalogue_id, period, note=note)
        self.db.execute(
            "UPDATE submissions SET confirmed_at=?, confirmed_reason=?, recorded_at=? WHERE id=?",
            (_now(), reason, _now(), sub.ledger_id),
        )
        self.decide(catalogue_id, period)
        self.finish_run(run)
        return sub

    def _set_withdrawn(
        self,
        kind: str,
        catalogue_id: str,
        period: str,
        sub: Submission,
        values: tuple[str, str, str | None, str],
        note: str,
    ) -> None:
        """One file's (status, decision, withdrawn_at, withdrawn_reason), as a run of its own,
        then the supersede rule again over the period."""
        run = self.begin_run(kind, catalogue_id, period, note=note)
        self.db.execute(
            "UPDATE submissions SET status=?, decision=?, withdrawn_at=?, withdrawn_reason=?, "
            "recorded_at=? WHERE id=?",
            (*values, _now(), sub.ledger_id),
        )
        self.decide(catalogue_id, period)
        self.finish_run(run)
