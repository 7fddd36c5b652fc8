"""The returns kept, so that the year can be rebuilt when the ledger is lost.

After every committed run, each file the run brought into the ledger is copied once into the
archive (``archive_dir`` of the settings; by default 回收文件存档 beside the ledger), named by
its sha256 and verified after copying, and the run is appended to the archive's journal
(``journal.jsonl``: what it was, its period, its files with their names and times, the
office's reason, the run it undid). The catalogue a consolidation used is kept the same way.
``rebuild`` replays the journal into a new ledger. The archive is written from the committed
ledger, so a run missed (a full disk, a PC switched off after the commit) is caught up by the
next one; nothing in the archive is ever changed or deleted.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from workbook.app.backup import read_only, take_backup
from workbook.catalogue.model import Catalogue
from workbook.core.errors import FileIOError
from workbook.core.settings import Settings

DEFAULT_FOLDER = "回收文件存档"
JOURNAL = "journal.jsonl"
OBJECTS = "objects"


def archive_folder(ledger_path: Path, settings: Settings) -> Path | None:
    """``archive_dir`` (relative to the settings file's folder), else 回收文件存档 beside the
    ledger; None when the office turned the archive off (``archive: false``)."""
    if not settings.archive:
        return None
    configured = settings.archive_dir.strip()
    if not configured:
        return ledger_path.parent / DEFAULT_FOLDER
    p = Path(configured).expanduser()
    return p if p.is_absolute() else Path(settings.path or ".").resolve().parent / p


def object_path(folder: Path, sha: str, suffix: str = "") -> Path:
    return folder / OBJECTS / sha[:2] / f"{sha}{suffix}"


def keep(folder: Path, source: Path | bytes, sha: str, suffix: str = "") -> Path:
    """``source`` (a file, or its bytes) stored once under its sha256, verified after writing."""
    dest = object_path(folder, sha, suffix)
    if dest.exists():
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".tmp")
    if isinstance(source, bytes):
        tmp.write_bytes(source)
    else:
        shutil.copyfile(source, tmp)
    if hashlib.sha256(tmp.read_bytes()).hexdigest() != sha:
        tmp.unlink(missing_ok=True)
        raise FileIOError(f"存档的副本与原文件不一致：{dest.name}（文件在复制时被改动？）")
    os.replace(tmp, dest)
    return dest


def entries(folder: Path) -> list[dict[str, Any]]:
    """The journal's entries, oldest first (a line cut short by a crash is left out)."""
    path = folder / JOURNAL
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return out


def record(ledger_path: Path, settings: Settings, cat: Catalogue | None = None) -> str:
    """Archive every committed run not yet in the journal; the Chinese line saying what was
    kept, or why it failed (a failed archive never undoes the run)."""
    folder = archive_folder(ledger_path, settings)
    if folder is None:
        return ""
    try:
        done = {e["run"] for e in entries(folder)}
        with read_only(ledger_path) as db:
            new = [_entry(db, folder, run, cat) for run in _runs(db) if run["id"] not in done]
        if not new:
            return ""
        with open(folder / JOURNAL, "a", encoding="utf-8") as f:
            for e in new:
                f.write(json.dumps(e, ensure_ascii=False) + "\n")
            f.flush()
            os.fsync(f.fileno())
    except (OSError, sqlite3.Error, FileIOError) as exc:
        return f"注意：报送台账已保存，但回收文件存档失败（{exc}）；下次运行会补存。"
    files = [f for e in new for f in e.get("files", [])]
    lost = sum(1 for f in files if f.get("missing"))
    said = f"回收文件存档：{folder}（本次存入 {len(files) - lost} 个文件）"
    return said + (f"；{lost} 个文件已不在原处，未能存档" if lost else "")


def after_commit(ledger_path: Path, settings: Settings, cat: Catalogue | None = None) -> str:
    """What every committed run does last: the ledger backed up, the returns archived; the
    lines that say where (or why not)."""
    lines = [take_backup(ledger_path, settings), record(ledger_path, settings, cat)]
    return "\n".join(line for line in lines if line)


def _runs(db: sqlite3.Connection) -> list[dict[str, Any]]:
    cols = ("id", "kind", "catalogue_id", "period", "folder", "started_at", "note")
    rows = db.execute(f"SELECT {', '.join(cols)} FROM runs WHERE state='done' ORDER BY id")
    return [dict(zip(cols, r, strict=True)) for r in rows]


def _entry(
    db: sqlite3.Connection, folder: Path, run: dict[str, Any], cat: Catalogue | None
) -> dict[str, Any]:
    """One run as the journal keeps it; its new files (and catalogue) stored on the way."""
    entry = {"format": 1, "run": run["id"], **{k: run[k] for k in run if k != "id"}}
    changes = db.execute(
        "SELECT tbl, op, row_id, new_json, old_json FROM changes WHERE run_id=? ORDER BY n",
        (run["id"],),
    ).fetchall()
    if run["kind"] == "consolidate":
        entry["files"] = [
            _kept(folder, run["folder"], json.loads(new))
            for tbl, op, _r, new, _o in changes
            if tbl == "submissions" and op == "insert"
        ]
        if cat is not None and cat.catalogue_id == run["catalogue_id"]:
            text = cat.to_json().encode("utf-8")
            sha = hashlib.sha256(text).hexdigest()
            keep(folder, text, sha, ".json")
            entry["catalogue"] = sha
    else:  # withdraw, restore, accept: the file; undo: the run it took back
        touched = [r for t, _op, r, _n, _o in changes if t == "submissions"]
        found = (
            touched
            and db.execute("SELECT sha256 FROM submissions WHERE id=?", (touched[0],)).fetchone()
        )
        entry["file"] = found[0] if found else ""
        undone = db.execute("SELECT id FROM runs WHERE undone_by=?", (run["id"],)).fetchone()
        entry["undid"] = undone[0] if undone else None
    return entry


def _kept(folder: Path, run_folder: str, row: dict[str, Any]) -> dict[str, Any]:
    """A file as the journal names it (its place in the run's folder, its time); ``missing``
    when it was no longer there to copy (moved before a run caught the archive up)."""
    path = Path(row["file_path"])
    try:
        relative = str(path.relative_to(run_folder))
    except ValueError:
        relative = row["file_name"]
    kept = {"sha256": row["sha256"], "name": relative, "time": row["file_time"]}
    try:
        keep(folder, path, row["sha256"], path.suffix.lower())
    except (OSError, FileIOError):
        kept["missing"] = True
    return kept | {"suffix": path.suffix.lower()}
