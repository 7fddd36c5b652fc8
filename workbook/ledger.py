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
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from workbook.errors import FileIOError
from workbook.period import Period, parse_period
from workbook.report import Problem
from workbook.submission import ACCEPTED, SKIPPED, Submission, ValueRecord, decide

# 1: the first release. 2: files keyed by content and name, values with their cells.
# 3: the base of a stock (submission_values.base); a schema-2 ledger written before that
# column existed is brought up by adding it.
SCHEMA_VERSION = 3
APP = "shishi"
# Bump when the checks of a return change: stored files are then re-checked when seen again.
EVALUATOR_VERSION = "2"
MEMORY = ":memory:"

_TABLES = """
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
    template_version TEXT NOT NULL DEFAULT '',
    eligible INTEGER NOT NULL DEFAULT 0,
    evaluated_with TEXT NOT NULL DEFAULT '',
    problems_json TEXT NOT NULL DEFAULT '[]',
    signature_json TEXT NOT NULL DEFAULT '{}',
    file_path TEXT NOT NULL DEFAULT '',
    UNIQUE (catalogue_id, period, sha256, file_name)
);
CREATE TABLE IF NOT EXISTS submission_values (
    submission_id INTEGER NOT NULL REFERENCES submissions(id),
    seq INTEGER NOT NULL,
    value_num REAL,
    value_text TEXT,
    raw TEXT NOT NULL DEFAULT '',
    cell TEXT NOT NULL DEFAULT '',
    progress TEXT NOT NULL DEFAULT '',
    problems TEXT NOT NULL DEFAULT '',
    remark TEXT NOT NULL DEFAULT '',
    valid INTEGER NOT NULL DEFAULT 1,
    base REAL,                       -- the start-of-year base of a stock
    PRIMARY KEY (submission_id, seq)
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    catalogue_id TEXT NOT NULL,
    period TEXT NOT NULL,
    folder TEXT NOT NULL,
    started_at TEXT NOT NULL,
    state TEXT NOT NULL,             -- 'publishing' until its outputs are in place, then 'done'
    outputs_json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS submissions_unit ON submissions (catalogue_id, unit, period);
CREATE INDEX IF NOT EXISTS submissions_sha ON submissions (catalogue_id, period, sha256);
"""

_SUB_COLUMNS = (
    "catalogue_version, unit, template_period, file_time, size, status, decision, problems, "
    "errors, template_version, eligible, evaluated_with, problems_json, signature_json, file_path"
)


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


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def _not_a_ledger(path: Path, why: str) -> FileIOError:
    return FileIOError(
        f"报送台账 {path} 无法使用：{why}。请检查设置中的 ledger_path 或 --ledger 是否指向了"
        "别的文件；如台账已损坏，请从备份恢复，或改用新的台账文件名（旧文件请保留）。"
    )


class Ledger:
    """A connection to the ledger file (or an in-memory one); created on first use."""

    def __init__(self, path: Path | str) -> None:
        self.in_memory = str(path) == MEMORY
        self.path = Path(path)
        if not self.in_memory:
            self._check_file()
        try:
            if not self.in_memory:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(str(path), timeout=30, isolation_level=None)
            self._prepare()
        except sqlite3.OperationalError as exc:
            raise FileIOError(
                f"无法打开或写入报送台账 {self.path}：{exc}。请检查该文件夹是否可写、"
                "文件是否被其他程序占用。"
            ) from exc
        except sqlite3.DatabaseError as exc:
            raise _not_a_ledger(self.path, f"不是有效的数据库（{exc}）") from exc
        except OSError as exc:
            raise FileIOError(f"无法打开报送台账 {self.path}：{exc}") from exc

    def _check_file(self) -> None:
        if self.path.is_dir():
            raise _not_a_ledger(self.path, "这是一个文件夹")
        if self.path.exists() and self.path.stat().st_size > 0:
            with self.path.open("rb") as f:
                if f.read(16) != b"SQLite format 3\x00":
                    raise _not_a_ledger(self.path, "这不是报送台账文件（不是 SQLite 数据库）")

    def _prepare(self) -> None:
        tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master")}
        if tables and "meta" not in tables:
            raise _not_a_ledger(self.path, "这是别的程序的数据库，不是 shishi 报送台账")
        version = 0
        if "meta" in tables:
            row = self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            if row is None:
                raise _not_a_ledger(self.path, "缺少格式版本信息")
            version = int(row[0])
            if version > SCHEMA_VERSION:
                raise FileIOError(
                    f"报送台账 {self.path} 由较新版本的 shishi 创建（格式 {version}），"
                    "请升级 shishi 后再用。"
                )
        with self.transaction():
            if version == 1:
                self._migrate_v1()
            self._create_tables()
            if version == 2:
                self._migrate_v2()
            self.db.execute(
                "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )
            self.db.execute("INSERT OR IGNORE INTO meta VALUES ('app', ?)", (APP,))

    def _create_tables(self) -> None:
        # statement by statement: executescript() would commit the open transaction
        for statement in _TABLES.split(";"):
            if statement.strip():
                self.db.execute(statement)

    def _migrate_v1(self) -> None:
        """Schema 1 keyed files by content only and kept accepted values without details."""
        self.db.execute("ALTER TABLE submissions RENAME TO submissions_v1")
        self.db.execute("ALTER TABLE submission_values RENAME TO submission_values_v1")
        self._create_tables()
        self.db.execute(
            "INSERT INTO submissions (id, catalogue_id, catalogue_version, period, sha256, unit, "
            "template_period, file_name, file_time, size, status, decision, problems, errors, "
            "recorded_at, eligible, evaluated_with) SELECT id, catalogue_id, catalogue_version, "
            "period, sha256, unit, template_period, file_name, file_time, size, status, decision, "
            "problems, errors, recorded_at, status IN ('accepted', 'superseded'), 'schema1' "
            "FROM submissions_v1"
        )
        self.db.execute(
            "INSERT INTO submission_values (submission_id, seq, value_num, value_text) "
            "SELECT submission_id, seq, value_num, value_text FROM submission_values_v1"
        )
        self.db.execute("DROP TABLE submission_values_v1")
        self.db.execute("DROP TABLE submissions_v1")

    def _migrate_v2(self) -> None:
        """Schema 2 came without the base of a stock: add the column (empty) where missing."""
        columns = {r[1] for r in self.db.execute("PRAGMA table_info(submission_values)")}
        if "base" not in columns:
            self.db.execute("ALTER TABLE submission_values ADD COLUMN base REAL")

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
            self.db.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        if self.db.in_transaction:
            self.db.execute("COMMIT")

    def rollback(self) -> None:
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A transaction of its own, or part of the one already open."""
        if self.db.in_transaction:
            yield self.db
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

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
            if sub.sha256:
                twin = self.db.execute(
                    "SELECT file_name FROM submissions WHERE catalogue_id=? AND period=? "
                    "AND sha256=? AND file_name<>? ORDER BY id LIMIT 1",
                    key[:3] + (sub.name,),
                ).fetchone()
                if twin is not None and sub.eligible:
                    sub.eligible, sub.status, sub.found, sub.values = False, SKIPPED, [], {}
                    sub.decision = f"与“{twin[0]}”内容完全相同，按重复文件跳过。"
            fields = (
                catalogue_version,
                sub.unit,
                sub.period,
                sub.mtime,
                sub.size,
                sub.status,
                sub.decision,
                sub.problems,
                sub.errors,
                sub.template_version,
                int(sub.eligible),
                evaluated_with,
                json.dumps([asdict(p) for p in sub.found], ensure_ascii=False),
                json.dumps(sub.signature, ensure_ascii=False),
                sub.path,
            )
            if row is None:
                cur = self.db.execute(
                    "INSERT INTO submissions (catalogue_id, period, sha256, file_name, "
                    f"recorded_at, {_SUB_COLUMNS}) VALUES ({','.join('?' * 20)})",
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

    def _store_values(self, sub: Submission) -> None:
        rows = []
        for rec in sub.values.values():
            num = float(rec.value) if isinstance(rec.value, int | float) else None
            text = None if num is not None or rec.value is None else str(rec.value)
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

    def decide(self, catalogue_id: str, period: str) -> set[int]:
        """Apply the supersede rule over every stored file of the period; returns changed ids."""
        self.begin()
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
        return changed

    # --- reading ------------------------------------------------------------------------------

    def submissions(
        self, catalogue_id: str, period: str, with_values: bool = True
    ) -> list[Submission]:
        """Every stored file of the period, in the order first recorded, with its problems;
        with ``with_values``, the accepted ones also carry their values."""
        out = []
        for r in self.db.execute(
            "SELECT id, file_path, file_name, size, sha256, file_time, unit, template_period, "
            "template_version, status, decision, eligible, problems_json, signature_json "
            "FROM submissions WHERE catalogue_id=? AND period=? ORDER BY id",
            (catalogue_id, period),
        ):
            sub = Submission(
                path=r[1] or r[2],
                name=r[2],
                size=r[3],
                sha256="" if r[4].startswith("path:") else r[4],
                mtime=r[5],
                unit=r[6],
                period=r[7],
                template_version=r[8],
                status=r[9],
                decision=r[10],
                eligible=bool(r[11]),
                found=[Problem(**p) for p in json.loads(r[12])],
                signature=json.loads(r[13]),
                ledger_id=r[0],
            )
            out.append(sub)
        if with_values:
            accepted = {sub.ledger_id: sub for sub in out if sub.status == ACCEPTED}
            for sub_id, values in self._values_of_period(catalogue_id, period).items():
                if sub_id in accepted:
                    accepted[sub_id].values = values
        return out

    def _values_of_period(
        self, catalogue_id: str, period: str
    ) -> dict[int, dict[int, ValueRecord]]:
        """Submission id → its values, for the accepted files of ``period``, in one query
        (one query per file cost a tenth of a second for 1,000 units)."""
        return self._values_where(
            "s.catalogue_id=? AND s.period=? AND s.status='accepted'", (catalogue_id, period)
        )

    def values(self, sub_id: int) -> dict[int, ValueRecord]:
        """The values stored for one file (any status: a superseded file keeps its values)."""
        return self._values_where("s.id=?", (sub_id,)).get(sub_id, {})

    def _values_where(
        self, where: str, params: tuple[Any, ...]
    ) -> dict[int, dict[int, ValueRecord]]:
        out: dict[int, dict[int, ValueRecord]] = {}
        for sub_id, seq, num, text, raw, cell, progress, problems, remark, valid in self.db.execute(
            "SELECT v.submission_id, v.seq, v.value_num, v.value_text, v.raw, v.cell, "
            "v.progress, v.problems, v.remark, v.valid FROM submission_values v "
            f"JOIN submissions s ON s.id = v.submission_id WHERE {where} "
            "ORDER BY v.submission_id, v.seq",
            params,
        ):
            out.setdefault(sub_id, {})[seq] = ValueRecord(
                seq,
                num if num is not None else text,
                raw,
                cell,
                progress,
                problems,
                remark,
                bool(valid),
            )
        return out

    def accepted_values(self, catalogue_id: str, period: str) -> dict[str, dict[int, float | str]]:
        """Unit → 序号 → accepted value for ``period``."""
        out: dict[str, dict[int, float | str]] = {}
        for unit, seq, num, text in self.db.execute(
            "SELECT s.unit, v.seq, v.value_num, v.value_text FROM submissions s "
            "JOIN submission_values v ON v.submission_id = s.id "
            "WHERE s.catalogue_id=? AND s.period=? AND s.status='accepted' "
            "AND (v.value_num IS NOT NULL OR v.value_text IS NOT NULL)",
            (catalogue_id, period),
        ):
            out.setdefault(unit, {})[seq] = num if num is not None else text
        return out

    def latest_before(
        self, catalogue_id: str, period: Period
    ) -> dict[str, dict[int, tuple[str, float | str]]]:
        """Unit → 序号 → (period code, value): the latest accepted figure of an earlier period
        of the same year (上期累计, and what ``value.decreased`` compares with)."""
        out: dict[str, dict[int, tuple[str, float | str]]] = {}
        best: dict[tuple[str, int], Period] = {}
        earlier = [
            code
            for code in self.periods(catalogue_id, period.year)
            if parse_period(code).months < period.months
        ]
        if not earlier:  # the year's first period: nothing to carry (no rows to scan)
            return out
        marks = ",".join("?" * len(earlier))
        for code, unit, seq, num, text in self.db.execute(
            "SELECT s.period, s.unit, v.seq, v.value_num, v.value_text FROM submissions s "
            "JOIN submission_values v ON v.submission_id = s.id "
            f"WHERE s.catalogue_id=? AND s.period IN ({marks}) AND s.status='accepted' "
            "AND (v.value_num IS NOT NULL OR v.value_text IS NOT NULL)",
            (catalogue_id, *earlier),
        ):
            p = parse_period(code)
            if p.year != period.year or p.months >= period.months:
                continue
            if (unit, seq) in best and best[(unit, seq)] >= p:
                continue
            best[(unit, seq)] = p
            out.setdefault(unit, {})[seq] = (code, num if num is not None else text)
        return out

    def bases(
        self, catalogue_id: str, year: int, before: Period | None = None
    ) -> dict[str, dict[int, float]]:
        """Unit → 序号 → the start-of-year base of a stock, from the earliest period of
        ``year`` (before ``before``, if given) whose accepted return gave one: reported once,
        then locked in later templates."""
        out: dict[str, dict[int, float]] = {}
        first: dict[tuple[str, int], Period] = {}
        for code, unit, seq, base in self.db.execute(
            "SELECT s.period, s.unit, v.seq, v.base FROM submissions s "
            "JOIN submission_values v ON v.submission_id = s.id "
            "WHERE s.catalogue_id=? AND s.period LIKE ? AND s.status='accepted' "
            "AND v.base IS NOT NULL",
            (catalogue_id, f"{year}%"),
        ):
            p = parse_period(code)
            if p.year != year or (before is not None and p.months >= before.months):
                continue
            if (unit, seq) not in first or p < first[(unit, seq)]:
                first[(unit, seq)] = p
                out.setdefault(unit, {})[seq] = float(base)
        return out

    def periods(self, catalogue_id: str, year: int) -> list[str]:
        """Periods of ``year`` with at least one accepted return, in order."""
        rows = self.db.execute(
            "SELECT DISTINCT period FROM submissions WHERE catalogue_id=? AND period LIKE ? "
            "AND status='accepted'",
            (catalogue_id, f"{year}%"),
        ).fetchall()
        return sorted((r[0] for r in rows), key=parse_period)

    def history(self, catalogue_id: str, year: int) -> dict[str, dict[str, dict[int, float | str]]]:
        """Period → unit → 序号 → accepted value, for every recorded period of ``year``."""
        return {p: self.accepted_values(catalogue_id, p) for p in self.periods(catalogue_id, year)}

    def rows(
        self, unit: str | None = None, catalogue_id: str | None = None, year: int | None = None
    ) -> list[LedgerRow]:
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
        if year:
            sql += " AND period LIKE ?"
            args.append(f"{year}%")
        sql += " ORDER BY period, unit, file_time, file_name"
        return [LedgerRow(*r) for r in self.db.execute(sql, args)]

    def units(self) -> set[str]:
        """Every unit the ledger has a file from, whatever the catalogue."""
        return {r[0] for r in self.db.execute("SELECT DISTINCT unit FROM submissions") if r[0]}

    def dump(self) -> list[tuple[Any, ...]]:
        """Every row of the state (meta, submissions, values), for tests that compare states.
        The run journal is a log of outputs, not state, and is left out."""
        out: list[tuple[Any, ...]] = []
        for table in ("meta", "submissions", "submission_values"):
            out += [(table, *r) for r in self.db.execute(f"SELECT * FROM {table} ORDER BY 1, 2")]
        return out

    # --- the run journal ------------------------------------------------------------------

    def journal(
        self, catalogue_id: str, period: str, folder: str, outputs: list[tuple[str, str]]
    ) -> int:
        """Note, in the open transaction, the (temporary, final) renames the run will make."""
        self.begin()
        cur = self.db.execute(
            "INSERT INTO runs (catalogue_id, period, folder, started_at, state, outputs_json) "
            "VALUES (?,?,?,?,?,?)",
            (catalogue_id, period, folder, _now(), "publishing", json.dumps(outputs)),
        )
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int) -> None:
        self.db.execute("UPDATE runs SET state='done' WHERE id=?", (run_id,))

    def recover(self) -> int:
        """Put in place the outputs of a committed run that was stopped while publishing them;
        returns how many runs were completed."""
        pending = self.db.execute(
            "SELECT id, outputs_json FROM runs WHERE state='publishing' ORDER BY id"
        ).fetchall()
        for run_id, outputs in pending:
            for src, dst in json.loads(outputs):
                if os.path.exists(src):
                    Path(dst).parent.mkdir(parents=True, exist_ok=True)
                    os.replace(src, dst)
            self.db.execute("UPDATE runs SET state='done (recovered)' WHERE id=?", (run_id,))
        return len(pending)
