"""The submission ledger: an embedded SQLite database of every return and its accepted values.

Each consolidation records every file it saw (unit, period, file name, sha256, file time,
decision, problems) and the values of identified returns. A file is keyed by its sha256 with
the catalogue and the period consolidated, so consolidating the same folder again records
nothing new; a later correction supersedes an earlier return and both stay. History is rebuilt
from the ledger alone. Years are kept apart by the catalogue and the period code.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from workbook.errors import FileIOError

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY,
    catalogue_id TEXT NOT NULL,
    catalogue_version TEXT NOT NULL,
    period TEXT NOT NULL,            -- the period consolidated
    sha256 TEXT NOT NULL,
    unit TEXT NOT NULL,              -- '' when the file could not be identified
    template_period TEXT NOT NULL,   -- the period the file's template says
    file_name TEXT NOT NULL,
    file_time TEXT NOT NULL,
    size INTEGER NOT NULL,
    status TEXT NOT NULL,
    decision TEXT NOT NULL,
    problems INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    recorded_at TEXT NOT NULL,
    UNIQUE (catalogue_id, period, sha256)
);
CREATE TABLE IF NOT EXISTS submission_values (
    submission_id INTEGER NOT NULL REFERENCES submissions(id),
    seq INTEGER NOT NULL,
    value_num REAL,
    value_text TEXT,
    PRIMARY KEY (submission_id, seq)
);
CREATE INDEX IF NOT EXISTS submissions_unit ON submissions (catalogue_id, unit, period);
"""


@dataclass(frozen=True)
class LedgerRow:
    """One recorded submission, as ``shishi history`` shows it."""

    period: str
    unit: str
    file_name: str
    sha256: str
    file_time: str
    status: str
    decision: str
    problems: int
    errors: int
    recorded_at: str


class Ledger:
    """A connection to the ledger file; created with its schema on first use."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path)
        except (OSError, sqlite3.Error) as exc:
            raise FileIOError(f"无法打开报送台账 {self.path}：{exc}") from exc
        self.db.executescript(_SCHEMA)
        row = self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        if row is None:
            with self.db:
                self.db.execute(
                    "INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
                )
        elif int(row[0]) > SCHEMA_VERSION:
            raise FileIOError(
                f"报送台账 {self.path} 由较新版本的 shishi 创建（格式 {row[0]}），请升级 shishi。"
            )

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self.db:
            yield self.db

    def record(self, result: Any) -> int:
        """Record a Consolidation; returns how many rows were added or changed (0 on a re-run)."""
        cat = result.catalogue
        now = datetime.now().isoformat(timespec="seconds")
        changed = 0
        with self._tx() as db:
            for sub in result.submissions:
                key = (cat.catalogue_id, result.period.code, sub.sha256 or f"path:{sub.path}")
                row = db.execute(
                    "SELECT id, status, decision, problems, errors FROM submissions "
                    "WHERE catalogue_id=? AND period=? AND sha256=?",
                    key,
                ).fetchone()
                fields = (sub.status, sub.decision, sub.problems, sub.errors)
                if row is None:
                    cur = db.execute(
                        "INSERT INTO submissions (catalogue_id, catalogue_version, period, "
                        "sha256, unit, template_period, file_name, file_time, size, status, "
                        "decision, problems, errors, recorded_at) "
                        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        (
                            key[0],
                            cat.version,
                            key[1],
                            key[2],
                            sub.unit,
                            sub.period,
                            sub.name,
                            sub.mtime,
                            sub.size,
                            *fields,
                            now,
                        ),
                    )
                    sub_id = cur.lastrowid
                    changed += 1
                    ret = result.accepted.get(sub.unit)
                    if ret is not None and ret.raw.sha256 == sub.sha256:
                        self._values(db, sub_id, ret)
                    elif sub.status == "superseded":
                        self._values(db, sub_id, result.checked_by_sha.get(sub.sha256))
                elif tuple(row[1:]) != fields:
                    db.execute(
                        "UPDATE submissions SET status=?, decision=?, problems=?, "
                        "errors=?, recorded_at=? WHERE id=?",
                        (*fields, now, row[0]),
                    )
                    changed += 1
        return changed

    @staticmethod
    def _values(db: sqlite3.Connection, sub_id: int | None, ret: Any) -> None:
        if ret is None or sub_id is None:
            return
        for seq, rec in ret.values.items():
            if rec.value is None:
                continue
            num = float(rec.value) if isinstance(rec.value, int | float) else None
            text = None if num is not None else str(rec.value)
            db.execute(
                "INSERT OR REPLACE INTO submission_values VALUES (?,?,?,?)",
                (sub_id, seq, num, text),
            )

    def accepted_values(self, catalogue_id: str, period: str) -> dict[str, dict[int, float | str]]:
        """Unit → 序号 → accepted value for ``period`` (the 上期累计 of the next period)."""
        out: dict[str, dict[int, float | str]] = {}
        for unit, seq, num, text in self.db.execute(
            "SELECT s.unit, v.seq, v.value_num, v.value_text FROM submissions s "
            "JOIN submission_values v ON v.submission_id = s.id "
            "WHERE s.catalogue_id=? AND s.period=? AND s.status='accepted'",
            (catalogue_id, period),
        ):
            out.setdefault(unit, {})[seq] = num if num is not None else text
        return out

    def periods(self, catalogue_id: str, year: int) -> list[str]:
        """Periods of ``year`` with at least one accepted return, in order."""
        rows = self.db.execute(
            "SELECT DISTINCT period FROM submissions WHERE catalogue_id=? AND period LIKE ? "
            "AND status='accepted'",
            (catalogue_id, f"{year}%"),
        ).fetchall()
        return sorted(r[0] for r in rows)

    def history(self, catalogue_id: str, year: int) -> dict[str, dict[str, dict[int, float | str]]]:
        """Period → unit → 序号 → accepted value, for every recorded period of ``year``."""
        return {p: self.accepted_values(catalogue_id, p) for p in self.periods(catalogue_id, year)}

    def rows(self, unit: str | None = None, catalogue_id: str | None = None) -> list[LedgerRow]:
        """Recorded submissions, oldest period first."""
        sql = (
            "SELECT period, unit, file_name, sha256, file_time, status, decision, problems, "
            "errors, recorded_at FROM submissions WHERE 1=1"
        )
        args: list[Any] = []
        if unit:
            sql += " AND unit=?"
            args.append(unit)
        if catalogue_id:
            sql += " AND catalogue_id=?"
            args.append(catalogue_id)
        sql += " ORDER BY period, unit, file_time, file_name"
        return [LedgerRow(*r) for r in self.db.execute(sql, args)]

    def dump(self) -> list[tuple[Any, ...]]:
        """Every row of every table (for tests that compare two states)."""
        out: list[tuple[Any, ...]] = []
        for table in ("meta", "submissions", "submission_values"):
            out += [(table, *r) for r in self.db.execute(f"SELECT * FROM {table} ORDER BY 1, 2")]
        return out
