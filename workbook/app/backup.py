"""Backups of the ledger, taken by themselves: after every committed run a consistent
snapshot through SQLite's online backup API, verified, into the backup folder (``backup_dir``
of the settings; by default 台账备份 beside the ledger, the place to point at a share or a USB
disk). Kept: the newest ``backup_keep`` and the newest of each quarter of the calendar; no
other file is ever deleted. ``check_ledger`` says what is wrong with a ledger and which backup
is the newest good one; ``ledgerops.restore_backup`` puts one back.
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from workbook.core.errors import FileIOError, InputError
from workbook.core.settings import Settings
from workbook.core.submission import ACCEPTED

DEFAULT_FOLDER = "台账备份"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<time>\d{8}-\d{6})-run(?P<run>\d+)\.sqlite3$")


@dataclass(frozen=True)
class Backup:
    """One backup file: when it was taken, after which run, its size and the periods held."""

    path: Path
    taken: datetime
    run: int
    size: int
    periods: tuple[str, ...] = ()


def read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection to ``path``, named as a file URI (any folder name: spaces, #, ?,
    Chinese, a Windows drive)."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def backup_folder(ledger_path: Path, settings: Settings) -> Path:
    """``backup_dir`` of the settings (relative to the settings file's folder), else
    台账备份 beside the ledger."""
    configured = settings.backup_dir.strip()
    if not configured:
        return ledger_path.parent / DEFAULT_FOLDER
    p = Path(configured).expanduser()
    return p if p.is_absolute() else Path(settings.path or ".").resolve().parent / p


def take_backup(ledger_path: Path, settings: Settings) -> str:
    """A verified snapshot of the committed ledger, then the rotation; the Chinese line that
    says where it went, or why it failed (a failed backup never undoes the run: the ledger
    is committed, and the next run tries again)."""
    if settings.backup_keep <= 0:
        return ""
    try:
        made = snapshot(ledger_path, backup_folder(ledger_path, settings))
        rotate(made.path.parent, ledger_path.stem, settings.backup_keep)
    except (OSError, sqlite3.Error, FileIOError) as exc:
        return f"注意：报送台账已保存，但备份失败（{exc}）；请检查备份文件夹，下次运行会再试。"
    return f"台账备份：{made.path}"


def snapshot(ledger_path: Path, folder: Path) -> Backup:
    """Copy the ledger into ``folder`` through the backup API (consistent even while another
    program reads it), check the copy, then give it its final name."""
    folder.mkdir(parents=True, exist_ok=True)
    src = read_only(ledger_path)
    try:
        (run,) = src.execute("SELECT COALESCE(MAX(id), 0) FROM runs").fetchone()
        now = datetime.now()
        name = f"{ledger_path.stem}-{now:%Y%m%d-%H%M%S}-run{run}.sqlite3"
        tmp = folder / f".~shishi-{os.getpid()}-{name}"
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    try:
        problem = integrity(tmp)
        if problem:
            raise FileIOError(f"备份副本校验未通过：{problem}")
        final = folder / name
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    return read_backup(final)


def integrity(path: Path) -> str:
    """'' when ``path`` is a sound shishi ledger; else what is wrong, in Chinese."""
    try:
        db = read_only(path)
        try:
            (ok,) = db.execute("PRAGMA integrity_check").fetchone()
            if ok != "ok":
                return f"数据库损坏（{ok}）"
            row = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            if row is None:
                return "缺少格式版本信息"
            twice = db.execute(
                "SELECT unit, period FROM submissions WHERE status=? AND unit<>'' "
                "GROUP BY catalogue_id, unit, period HAVING COUNT(*) > 1 LIMIT 1",
                (ACCEPTED,),
            ).fetchone()
            if twice:
                return f"{twice[0]} {twice[1]} 有不止一份采用的报送"
        finally:
            db.close()
    except sqlite3.Error as exc:
        return f"无法作为数据库读取（{exc}）"
    return ""


def read_backup(path: Path) -> Backup:
    m = _NAME.match(path.name)
    if m is None:
        raise InputError(f"“{path.name}”不是 shishi 的台账备份文件。")
    db = read_only(path)
    try:
        periods = tuple(r[0] for r in db.execute("SELECT DISTINCT period FROM submissions"))
    except sqlite3.Error:
        periods = ()
    finally:
        db.close()
    taken = datetime.strptime(m["time"], "%Y%m%d-%H%M%S")
    return Backup(path, taken, int(m["run"]), path.stat().st_size, tuple(sorted(periods)))


def list_backups(ledger_path: Path, settings: Settings) -> list[Backup]:
    """The ledger's backups, oldest first."""
    folder = backup_folder(ledger_path, settings)
    if not folder.is_dir():
        return []
    names = [p for p in folder.iterdir() if _is_backup_of(p.name, ledger_path.stem)]
    return sorted((read_backup(p) for p in names), key=lambda b: (b.taken, b.run))


def _is_backup_of(name: str, stem: str) -> bool:
    m = _NAME.match(name)
    return m is not None and m["stem"] == stem


def rotate(folder: Path, stem: str, keep: int) -> list[Path]:
    """Delete the backups beyond the newest ``keep`` that are not the newest of their
    quarter; returns what was deleted (only files named as this module names them)."""
    found = sorted(
        (m["time"], m["run"], p)
        for p in folder.iterdir()
        if (m := _NAME.match(p.name)) is not None and m["stem"] == stem
    )
    kept = {p for _, _, p in found[-keep:]}
    by_quarter: dict[str, Path] = {}
    for time, _run, p in found:  # oldest first: the last of a quarter stays
        by_quarter[f"{time[:4]}Q{(int(time[4:6]) - 1) // 3 + 1}"] = p
    kept |= set(by_quarter.values())
    gone = [p for _, _, p in found if p not in kept]
    for p in gone:
        p.unlink(missing_ok=True)
    return gone


def check_ledger(ledger_path: Path, settings: Settings) -> tuple[str, Backup | None]:
    """What is wrong with the ledger ('' when nothing) and the newest backup that passes the
    same check."""
    problem = integrity(ledger_path) if ledger_path.exists() else "文件不存在"
    good = next(
        (b for b in reversed(list_backups(ledger_path, settings)) if not integrity(b.path)), None
    )
    return problem, good
