"""The submission ledger: the single record of what each unit reported for each period.

An embedded SQLite database. Every file a consolidation sees is stored once per catalogue,
period, content (sha256) and file name, with everything found in it: identity, problems,
signature and every value with its cell and the unit's own texts. Which file counts for a unit
and period is decided over all stored files by ``submission.pick_current``, so a correction
that arrives in a later run, under the same name or another, supersedes the earlier one, and
the superseded file keeps its values. Every output of a consolidation is derived from the
ledger after the run's files are merged in.

Writes happen inside one transaction per run (``begin``/``commit``); ``runs`` is a journal of
the outputs a committed run still has to put in place, replayed by ``recover`` after a crash.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from workbook.core.errors import FileIOError
from workbook.core.submission import (
    SKIPPED,
    WITHDRAWN,
    Submission,
    ValueRecord,
    decide,
    is_blank,
    reject_blank,
)
from workbook.ledger import schema
from workbook.ledger.decisions import OfficeDecisions
from workbook.ledger.journal import RunJournal
from workbook.ledger.queries import LedgerReads
from workbook.ledger.sentup import SentUp
from workbook.ledger.verifystore import VerifyRecords

# Bump when the checks of a return change: stored files are then re-checked when seen again.
# 3: a file whose table cannot be found is rejected; 4: a blank template is rejected, digits
# apart and error values are refused, a base is read as the figure is
# 5: 明细台账 and 信息报送 are read and checked; 6: report-up origin; 7: signature.missing has its cell
# 8: every input rule of the template re-checked (core.inputs), extra sheets found by header
EVALUATOR_VERSION = "8"
MEMORY = ":memory:"

_SUB_COLUMNS = (
    "catalogue_version, unit, template_period, file_time, size, status, decision, problems, "
    "errors, template_version, eligible, evaluated_with, problems_json, signature_json, file_path, "
    "extras_json"
)


def _fields(sub: Submission, catalogue_version: str, evaluated_with: str) -> tuple[Any, ...]:
    """The submission's columns in the order of ``_SUB_COLUMNS``."""
    # extras: what a file holds besides its figures (items, 信息报送, a report-up origin)
    extras = {"items": sub.items, "info": sub.info} | ({"origin": sub.origin} if sub.origin else {})
    return (
        catalogue_version, sub.unit, sub.period, sub.mtime, sub.size, sub.status, sub.decision,
        sub.problems, sub.errors, sub.template_version, int(sub.eligible), evaluated_with,
        json.dumps([p.as_dict() for p in sub.found], ensure_ascii=False),
        json.dumps(sub.signature, ensure_ascii=False), sub.path,
        json.dumps(extras, ensure_ascii=False),
    )  # fmt: skip


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


class Ledger(LedgerReads, RunJournal, VerifyRecords, SentUp, OfficeDecisions):
    """A connection to the ledger file (or an in-memory one); created on first use."""

    def __init__(self, path: Path | str) -> None:
        self.in_memory = str(path) == MEMORY
        self.path = Path(path)
        # the values the open transaction stored, as reading them back gives them (only
        # while that transaction is open: ``LedgerReads.submissions``)
        self._stored: dict[int, dict[int, ValueRecord]] = {}
        self.backup_note = ""  # set by the app once a committed run is backed up
        if not self.in_memory:
            self._check_file()
        try:
            if not self.in_memory:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(str(path), timeout=30, isolation_level=None)
            version = schema.found_version(self.db, self.path)
            self.created = not self.in_memory and version == 0  # a new file, said by the run
            self.db.execute("CREATE TEMP TABLE IF NOT EXISTS shishi_run (id INTEGER)")
            with self.transaction():
                schema.upgrade(self.db, version)
            self._install_triggers()
        except sqlite3.OperationalError as exc:
            raise FileIOError(
                f"无法打开或写入报送台账 {self.path}：{exc}。请检查该文件夹是否可写、"
                "文件是否被其他程序占用。"
            ) from exc
        except sqlite3.DatabaseError as exc:
            raise schema.not_a_ledger(self.path, f"不是有效的数据库（{exc}）") from exc
        except OSError as exc:
            raise FileIOError(f"无法打开报送台账 {self.path}：{exc}") from exc

    def _check_file(self) -> None:
        if self.path.is_dir():
            raise schema.not_a_ledger(self.path, "这是一个文件夹")
        if self.path.exists() and self.path.stat().st_size > 0:
            with self.path.open("rb") as f:
                if f.read(16) != b"SQLite format 3\x00":
                    raise schema.not_a_ledger(self.path, "这不是报送台账文件（不是 SQLite 数据库）")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- transactions ---------------------------------------------------------------------

    @property
    def in_transaction(self) -> bool:
        return self.db.in_transaction

    def begin(self) -> None:
        """Start the run's write transaction (once); concurrent writers wait up to 30 s."""
        if not self.db.in_transaction:
            self._stored.clear()
            self.db.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        self._stored.clear()
        if self.db.in_transaction:
            self.db.execute("DELETE FROM temp.shishi_run")  # the run is over: stop recording
            self.db.execute("COMMIT")

    def rollback(self) -> None:
        self._stored.clear()
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A transaction of its own, or part of the one already open."""
        if self.db.in_transaction:
            yield self.db
            return
        self.begin()
        try:
            yield self.db
        except BaseException:
            self.rollback()
            raise
        self.commit()

    # --- merging a run's files --------------------------------------------------------------

    def merge(
        self, catalogue_id: str, catalogue_version: str, period: str, subs: list[Submission]
    ) -> set[int]:
        """Store the run's files (in the open transaction); returns the ids added or changed.

        A file already stored with the same content and name is kept as it was, unless it was
        checked against another catalogue version or by older checks: then it is re-checked.
        The same content under a second name is a duplicate (skipped, nothing counted twice).
        """
        self.begin()
        evaluated_with = f"{catalogue_version}|{EVALUATOR_VERSION}"
        touched: set[int] = set()
        now = _now()
        for sub in subs:
            key = (catalogue_id, period, sub.sha256 or f"path:{sub.path}", sub.name)
            row = self.db.execute(
                "SELECT id, evaluated_with FROM submissions "
                "WHERE catalogue_id=? AND period=? AND sha256=? AND file_name=?",
                key,
            ).fetchone()
            if row is not None and row[1] == evaluated_with:
                sub.ledger_id = row[0]
                continue
            self._skip_if_twin(sub, key)
            fields = _fields(sub, catalogue_version, evaluated_with)
            if row is None:
                cur = self.db.execute(
                    "INSERT INTO submissions (catalogue_id, period, sha256, file_name, "
                    f"recorded_at, {_SUB_COLUMNS}) VALUES ({','.join('?' * 21)})",
                    (*key, now, *fields),
                )
                sub.ledger_id = int(cur.lastrowid or 0)
            else:
                sub.ledger_id = row[0]
                sets = ", ".join(f"{c.strip()}=?" for c in _SUB_COLUMNS.split(","))
                self.db.execute(
                    f"UPDATE submissions SET {sets}, recorded_at=? WHERE id=?",
                    (*fields, now, row[0]),
                )
                self.db.execute("DELETE FROM submission_values WHERE submission_id=?", (row[0],))
            self._store_values(sub)
            touched.add(sub.ledger_id)
        return touched

    def _skip_if_twin(self, sub: Submission, key: tuple[str, str, str, str]) -> None:
        """The same content already stored under another name: this file is a duplicate
        (skipped, nothing counted twice)."""
        if not sub.sha256:
            return
        twin = self.db.execute(
            "SELECT file_name FROM submissions WHERE catalogue_id=? AND period=? "
            "AND sha256=? AND file_name<>? ORDER BY id LIMIT 1",
            key[:3] + (sub.name,),
        ).fetchone()
        if twin is not None and sub.eligible:
            sub.eligible, sub.status, sub.found, sub.values = False, SKIPPED, [], {}
            sub.decision = f"与“{twin[0]}”内容完全相同，按重复文件跳过。"

    def _store_values(self, sub: Submission) -> None:
        rows = []
        stored = {}
        for rec in sub.values.values():
            num = float(rec.value) if isinstance(rec.value, int | float) else None
            text = None if num is not None or rec.value is None else str(rec.value)
            # what _values_where would read back from the row below
            stored[rec.seq] = ValueRecord(
                rec.seq,
                num if num is not None else text,
                rec.raw,
                rec.cell,
                rec.progress,
                rec.problems,
                rec.remark,
                bool(rec.valid),
                rec.base,
            )
            rows.append(
                (
                    sub.ledger_id,
                    rec.seq,
                    num,
                    text,
                    rec.raw,
                    rec.cell,
                    rec.progress,
                    rec.problems,
                    rec.remark,
                    int(rec.valid),
                    rec.base,
                )
            )
        self.db.executemany(
            "INSERT INTO submission_values (submission_id, seq, value_num, value_text, raw, cell, "
            "progress, problems, remark, valid, base) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
        if sub.ledger_id is not None:
            self._stored[sub.ledger_id] = dict(sorted(stored.items()))  # in 序号 order, as read

    def decide(self, catalogue_id: str, period: str) -> set[int]:
        """Apply the supersede rule over every stored file of the period; returns changed ids."""
        self.begin()
        healed = self._reject_stored_blanks(catalogue_id, period)
        self.db.execute(  # a withdrawn file keeps its status whatever re-checked it since
            "UPDATE submissions SET status=? WHERE catalogue_id=? AND period=? "
            "AND withdrawn_at IS NOT NULL AND status<>?",
            (WITHDRAWN, catalogue_id, period, WITHDRAWN),
        )
        subs = self.submissions(catalogue_id, period, with_values=False)
        before = {s.ledger_id: (s.status, s.decision) for s in subs}
        decide(subs)
        changed = set()
        for s in subs:
            if (s.status, s.decision) != before[s.ledger_id]:
                self.db.execute(
                    "UPDATE submissions SET status=?, decision=?, recorded_at=? WHERE id=?",
                    (s.status, s.decision, _now(), s.ledger_id),
                )
                changed.add(int(s.ledger_id or 0))
        return changed | healed

    def _reject_stored_blanks(self, catalogue_id: str, period: str) -> set[int]:
        """Files an older evaluator stored as usable that carry no report (a blank template
        taken for a return before it was refused, which superseded the real returns): now
        rejected, as the evaluator would decide today, so the real returns count again."""
        older = {
            r[0]
            for r in self.db.execute(
                "SELECT id FROM submissions WHERE catalogue_id=? AND period=? AND eligible=1 "
                "AND evaluated_with NOT LIKE ?",
                (catalogue_id, period, f"%|{EVALUATOR_VERSION}"),
            )
        }
        if not older:
            return set()
        values = self._values_where(f"s.id IN ({','.join('?' * len(older))})", tuple(older))
        healed = set()
        for sub in self.submissions(catalogue_id, period, with_values=False):
            if sub.ledger_id not in older:
                continue
            sub.values = values.get(int(sub.ledger_id or 0), {})
            if is_blank(sub):
                reject_blank(sub)
                self.db.execute(
                    "UPDATE submissions SET eligible=0, status=?, decision=?, problems=?, "
                    "errors=?, problems_json=?, recorded_at=? WHERE id=?",
                    (
                        sub.status,
                        sub.decision,
                        sub.problems,
                        sub.errors,
                        json.dumps([p.as_dict() for p in sub.found], ensure_ascii=False),
                        _now(),
                        sub.ledger_id,
                    ),
                )
                healed.add(int(sub.ledger_id or 0))
        return healed
