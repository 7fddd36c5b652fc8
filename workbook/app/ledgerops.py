"""The office's own changes to the ledger: withdraw a stored return, restore it, undo a run.

Each is one transaction under the same lock as a consolidation (``runlock``), and is itself a
run in the ledger's journal (``ledger.journal``), so ``shishi history --runs`` shows it and
``undo-run`` can take it back too.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from workbook.app.backup import integrity, list_backups, read_only
from workbook.app.runlock import RunLock, lock_path_for, locked_ledger
from workbook.core.errors import InputError
from workbook.core.settings import Settings, user_data_dir
from workbook.core.submission import ACCEPTED, STATUS_ZH, Submission
from workbook.ledger.store import Ledger


@dataclass
class Change:
    """What an office change did: the file, and each unit's current return after it."""

    file: Submission | None
    current: dict[str, str]  # unit -> the file that counts now ('' when none)
    run_id: int
    undone: int = 0  # the run an undo took back
    brought_in: list[str] = field(default_factory=list)  # the files that run had added
    backup: str = ""  # where the backup taken after it went, or why it failed


def _change(ledger_path: Path, settings: Settings, op: Callable[[Ledger], Change]) -> Change:
    """``op`` under the lock in one transaction; the backup taken after it commits."""
    with locked_ledger(ledger_path, settings) as ledger:
        change = op(ledger)
    change.backup = ledger.backup_note
    return change


def _current(ledger: Ledger, catalogue_id: str, period: str) -> dict[str, str]:
    subs = ledger.submissions(catalogue_id, period, with_values=False)
    units = sorted({s.unit for s in subs if s.unit})
    accepted = {s.unit: s.name for s in subs if s.status == ACCEPTED}
    return {u: accepted.get(u, "") for u in units}


def withdraw(
    ledger_path: Path, settings: Settings, catalogue_id: str, period: str, which: str, reason: str
) -> Change:
    """Withdraw (作废) the stored file ``which`` of ``period``."""
    return _file_change(
        ledger_path,
        settings,
        catalogue_id,
        period,
        lambda led: led.withdraw(catalogue_id, period, which, reason),
    )


def restore(
    ledger_path: Path, settings: Settings, catalogue_id: str, period: str, which: str, reason: str
) -> Change:
    """Restore a withdrawn file: it counts again by the usual rule."""
    return _file_change(
        ledger_path,
        settings,
        catalogue_id,
        period,
        lambda led: led.restore(catalogue_id, period, which, reason),
    )


def accept(
    ledger_path: Path, settings: Settings, catalogue_id: str, period: str, which: str, reason: str
) -> Change:
    """Confirm a file whose name names another unit as its template's unit's return."""
    return _file_change(
        ledger_path,
        settings,
        catalogue_id,
        period,
        lambda led: led.accept(catalogue_id, period, which, reason),
    )


def _file_change(
    ledger_path: Path,
    settings: Settings,
    catalogue_id: str,
    period: str,
    decide: Callable[[Ledger], Submission],
) -> Change:
    """One office decision on one file (``Ledger.withdraw``, ``restore`` or ``accept``, each
    called by name so that mypy checks it), with each unit's current return after it."""

    def op(ledger: Ledger) -> Change:
        sub = decide(ledger)
        run = ledger.current_run() or 0
        return Change(sub, _current(ledger, catalogue_id, period), run)

    return _change(ledger_path, settings, op)


def undo_run(ledger_path: Path, settings: Settings, run_id: int, reason: str) -> Change:
    """Undo run ``run_id`` exactly (refused while a later run of its period is in force)."""

    def op(ledger: Ledger) -> Change:
        files = ledger.brought_in(run_id)
        undo = ledger.undo_run(run_id, reason)
        row = next(r for r in ledger.runs() if r.id == run_id)
        return Change(None, _current(ledger, row.catalogue_id, row.period), undo, run_id, files)

    return _change(ledger_path, settings, op)


def describe(change: Change) -> list[str]:
    """The change in Chinese lines, for the command line."""
    lines = []
    if change.file is not None:
        was = STATUS_ZH.get(change.file.status, change.file.status)
        lines.append(f"文件：{change.file.name}（此前：{was}）")
    lines += [f"  {u}：现采用 {f or '（无，未报送）'}" for u, f in change.current.items()]
    lines.append(f"台账第 {change.run_id} 次运行。请重新汇总，汇总表和通报才会随之更新。")
    if change.backup:
        lines.append(change.backup)
    if change.brought_in:  # still in the folder, they come straight back with the next run
        lines.append(
            f"第 {change.undone} 次运行带入的文件：{'、'.join(change.brought_in)}。它们如仍在回收"
            "文件夹中，重新汇总时会再次带入：不要的文件请先移出回收文件夹，或在重新汇总后用 "
            "shishi ledger withdraw 作废。"
        )
    return lines


def restore_backup(ledger_path: Path, settings: Settings, name: str) -> Path:
    """Put backup ``name`` back as the ledger, under the run lock; the current ledger is
    kept aside first (returned: its new name). A backup that fails its check is refused."""
    backups = {b.path.name: b for b in list_backups(ledger_path, settings)}
    chosen = backups.get(name) or backups.get(Path(name).name)
    if chosen is None:
        listed = "、".join(backups) or "无"
        raise InputError(f"备份文件夹中没有“{name}”。现有备份：{listed}")
    problem = integrity(chosen.path)
    if problem:
        raise InputError(f"备份“{chosen.path.name}”不能使用：{problem}。请换一份较早的备份。")
    lock = lock_path_for(ledger_path, ledger_path, user_data_dir())
    with RunLock(lock, settings.lock_wait_seconds):
        aside = ledger_path.with_name(
            f"{ledger_path.stem}.恢复前-{datetime.now():%Y%m%d-%H%M%S}{ledger_path.suffix}"
        )
        if ledger_path.exists():
            os.replace(ledger_path, aside)
        tmp = ledger_path.with_name(f".~shishi-{os.getpid()}-{ledger_path.name}")
        src, dst = read_only(chosen.path), sqlite3.connect(tmp)
        try:
            src.backup(dst)
        finally:
            src.close()
            dst.close()
        os.replace(tmp, ledger_path)
    return aside
