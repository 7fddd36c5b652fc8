"""The ledger file's schema: its tables, its version, and the migrations from older ones."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from workbook.core.errors import FileIOError

# 1: the first release. 2: files keyed by content and name, values with their cells.
# 3: the base of a stock (submission_values.base); a schema-2 ledger written before that
# column existed is brought up by adding it.
# 4: decisions taken back: a file withdrawn (作废) by the office, runs of every kind with the
# changes each made (so that one can be undone).
# 5: the 明细台账 items and 信息报送 entries of a file (submissions.extras_json), so they are
# kept, superseded and undone with the file they came in.
# 6: the city's 核验: samples drawn (verify_samples) and results imported (verify_results);
# an older ledger gets the two tables, empty.
# 7: what a county sent up (sent_up: each revision report-up built, with its figures).
# 8: a file the office confirmed (submissions.confirmed_at) as the return of its template's
# unit although its name names another unit (shishi ledger accept).
SCHEMA_VERSION = 8
APP = "shishi"

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
    extras_json TEXT NOT NULL DEFAULT '{}',  -- 明细台账 items and 信息报送 entries
    file_path TEXT NOT NULL DEFAULT '',
    withdrawn_at TEXT,               -- the office took the file back (作废): it does not count
    withdrawn_reason TEXT NOT NULL DEFAULT '',
    confirmed_at TEXT,               -- the office confirmed it despite its name (ledger accept)
    confirmed_reason TEXT NOT NULL DEFAULT '',
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
    outputs_json TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'consolidate',  -- or withdraw, restore, undo
    note TEXT NOT NULL DEFAULT '',   -- the office's reason (withdraw, restore, undo)
    undone_by INTEGER                -- the run that undid this one
);
CREATE TABLE IF NOT EXISTS changes (  -- what each run changed, so that it can be undone
    n INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL,
    tbl TEXT NOT NULL,
    op TEXT NOT NULL,                -- insert, update, delete
    row_id INTEGER NOT NULL,         -- submissions.id (for submission_values: its submission)
    old_json TEXT,                   -- the row before (update, delete)
    new_json TEXT                    -- the row after (insert, update)
);
CREATE INDEX IF NOT EXISTS changes_run ON changes (run_id);
CREATE TABLE IF NOT EXISTS verify_samples (  -- a 核验 sample as drawn and issued
    id TEXT PRIMARY KEY,
    catalogue_id TEXT NOT NULL,
    period TEXT NOT NULL,
    seed TEXT NOT NULL,
    per_unit INTEGER NOT NULL,
    drawn_at TEXT NOT NULL,
    population_json TEXT NOT NULL,   -- unit -> items it could be drawn from
    lines_json TEXT NOT NULL         -- the lines, as written into the list
);
CREATE TABLE IF NOT EXISTS sent_up (  -- a county's returns built by report-up
    id INTEGER PRIMARY KEY,
    catalogue_id TEXT NOT NULL,
    period TEXT NOT NULL,
    revision INTEGER NOT NULL,
    built_at TEXT NOT NULL,
    file_path TEXT NOT NULL,
    values_json TEXT NOT NULL,       -- 序号 (the parent's) -> figure prefilled
    sources_json TEXT NOT NULL,      -- 所 -> the file its figures came from
    missing_json TEXT NOT NULL,      -- 所 that had not reported
    UNIQUE (catalogue_id, period, revision)
);
CREATE TABLE IF NOT EXISTS verify_results (  -- added by each import, never changed
    id INTEGER PRIMARY KEY,
    sample_id TEXT NOT NULL REFERENCES verify_samples(id),
    line_no INTEGER NOT NULL,
    result TEXT NOT NULL,            -- 通过, 不通过, 待核 or '' (not filled)
    note TEXT NOT NULL,
    checker TEXT NOT NULL,
    checked_on TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_sha256 TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS submissions_unit ON submissions (catalogue_id, unit, period);
CREATE INDEX IF NOT EXISTS submissions_sha ON submissions (catalogue_id, period, sha256);
"""


def not_a_ledger(path: Path, why: str) -> FileIOError:
    return FileIOError(
        f"报送台账 {path} 无法使用：{why}。请检查设置中的 ledger_path 或 --ledger 是否指向了"
        "别的文件；如台账已损坏，请从备份恢复，或改用新的台账文件名（旧文件请保留）。"
    )


def found_version(db: sqlite3.Connection, path: Path) -> int:
    """The schema version of the opened file (0 for a new one); refuses a database that is
    not a shishi ledger, or one written by a newer shishi."""
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
    if tables and "meta" not in tables:
        raise not_a_ledger(path, "这是别的程序的数据库，不是 shishi 报送台账")
    if "meta" not in tables:
        return 0
    row = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    if row is None:
        raise not_a_ledger(path, "缺少格式版本信息")
    version = int(row[0])
    if version > SCHEMA_VERSION:
        raise FileIOError(
            f"报送台账 {path} 由较新版本的 shishi 创建（格式 {version}），请升级 shishi 后再用。"
        )
    return version


def upgrade(db: sqlite3.Connection, version: int) -> None:
    """Create the tables, migrating from ``version``; run inside the caller's transaction."""
    if version == 1:
        _migrate_v1(db)
    if 1 <= version <= 3:
        _migrate_v3(db)  # before the tables: the new ones need none of these columns
    if 1 <= version <= 4:
        _migrate_v4(db)
    _create_tables(db)
    if version == 2:
        _migrate_v2(db)
    if 1 <= version <= 7:
        _migrate_v7(db)
    db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
    db.execute("INSERT OR IGNORE INTO meta VALUES ('app', ?)", (APP,))


def _create_tables(db: sqlite3.Connection) -> None:
    # statement by statement: executescript() would commit the open transaction
    for statement in _TABLES.split(";"):
        if statement.strip():
            db.execute(statement)


def _migrate_v1(db: sqlite3.Connection) -> None:
    """Schema 1 keyed files by content only and kept accepted values without details."""
    db.execute("ALTER TABLE submissions RENAME TO submissions_v1")
    db.execute("ALTER TABLE submission_values RENAME TO submission_values_v1")
    _create_tables(db)
    db.execute(
        "INSERT INTO submissions (id, catalogue_id, catalogue_version, period, sha256, unit, "
        "template_period, file_name, file_time, size, status, decision, problems, errors, "
        "recorded_at, eligible, evaluated_with) SELECT id, catalogue_id, catalogue_version, "
        "period, sha256, unit, template_period, file_name, file_time, size, status, decision, "
        "problems, errors, recorded_at, status IN ('accepted', 'superseded'), 'schema1' "
        "FROM submissions_v1"
    )
    db.execute(
        "INSERT INTO submission_values (submission_id, seq, value_num, value_text) "
        "SELECT submission_id, seq, value_num, value_text FROM submission_values_v1"
    )
    db.execute("DROP TABLE submission_values_v1")
    db.execute("DROP TABLE submissions_v1")


def _migrate_v3(db: sqlite3.Connection) -> None:
    """Schema 3 had no way to take a decision back: add the withdrawal columns and the run's
    kind, note and undoer (the changes table is created with the others)."""
    added = {
        "submissions": ("withdrawn_at TEXT", "withdrawn_reason TEXT NOT NULL DEFAULT ''"),
        "runs": (
            "kind TEXT NOT NULL DEFAULT 'consolidate'",
            "note TEXT NOT NULL DEFAULT ''",
            "undone_by INTEGER",
        ),
    }
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    for table, columns in added.items():
        if table not in tables:
            continue
        have = {r[1] for r in db.execute(f"PRAGMA table_info({table})")}
        for column in columns:
            if column.split()[0] not in have:
                db.execute(f"ALTER TABLE {table} ADD COLUMN {column}")


def _migrate_v4(db: sqlite3.Connection) -> None:
    """Schema 4 kept no items or 信息报送 entries: add the column (empty for older files)."""
    have = {r[1] for r in db.execute("PRAGMA table_info(submissions)")}
    if "extras_json" not in have:
        db.execute("ALTER TABLE submissions ADD COLUMN extras_json TEXT NOT NULL DEFAULT '{}'")


def _migrate_v2(db: sqlite3.Connection) -> None:
    """Schema 2 came without the base of a stock: add the column (empty) where missing."""
    columns = {r[1] for r in db.execute("PRAGMA table_info(submission_values)")}
    if "base" not in columns:
        db.execute("ALTER TABLE submission_values ADD COLUMN base REAL")


def _migrate_v7(db: sqlite3.Connection) -> None:
    """Schema 7 could not record a confirmation: add the columns (none confirmed)."""
    have = {r[1] for r in db.execute("PRAGMA table_info(submissions)")}
    for column in ("confirmed_at TEXT", "confirmed_reason TEXT NOT NULL DEFAULT ''"):
        if column.split()[0] not in have:
            db.execute(f"ALTER TABLE submissions ADD COLUMN {column}")
