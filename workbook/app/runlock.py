"""One consolidation at a time per ledger: a lock file beside it, held for the whole run.

The operating system releases the lock when the process ends, however it ends, so a crashed
run never leaves a stale lock. A second run waits for the first (up to ``lock_wait_seconds``)
and then gives up with a Chinese message, so its outcome is the same as running one after the
other. A ledger on a network share depends on the share honouring locks (SMB does for
Windows clients); see docs/quarterly.md.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
import os
import platform
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from workbook.app.archive import after_commit
from workbook.core.errors import FileIOError, InputError
from workbook.core.files import atomic_write
from workbook.core.settings import Settings, user_data_dir
from workbook.ledger.store import Ledger


def _try_lock(f: IO[Any]) -> bool:
    if os.name == "nt":
        import msvcrt  # Windows only, as fcntl is Unix only

        try:
            f.seek(0)
            msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
            return True
        except OSError:
            return False
    import fcntl  # Unix only

    try:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def lock_path_for(ledger: Path | None, output: Path, data_dir: Path) -> Path:
    """Beside the ledger; without a ledger, in the data folder, keyed by the summary's path."""
    if ledger is not None:
        return ledger.with_name(ledger.name + ".lock")
    key = hashlib.sha1(str(output.resolve()).encode("utf-8")).hexdigest()[:16]
    return data_dir / "locks" / f"{key}.lock"


class RunLock:
    """``with RunLock(path, wait):`` holds the lock file ``path`` exclusively."""

    def __init__(self, path: Path, wait_seconds: float = 60) -> None:
        self.path = path
        self.wait = wait_seconds
        self.file: IO[Any] | None = None

    def __enter__(self) -> RunLock:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            f = self.path.open("a+")
        except OSError as exc:
            raise FileIOError(
                f"无法创建锁文件 {self.path}：{exc}。请检查该文件夹是否可写。"
            ) from exc
        deadline = time.monotonic() + self.wait
        while not _try_lock(f):
            if time.monotonic() >= deadline:
                f.close()
                raise FileIOError(
                    f"另一个汇总正在进行（报送台账已被占用：{self.path}），已等待 "
                    f"{self.wait:g} 秒。{holder_text(self.holder_path)}请等它完成后再试。"
                )
            time.sleep(0.2)
        self.file = f
        with contextlib.suppress(OSError):  # who holds it, for whoever waits (best effort)
            atomic_write(self.holder_path, lambda tmp: tmp.write_text(_holder(), "utf-8"))
        return self

    @property
    def holder_path(self) -> Path:
        return self.path.with_name(self.path.name + ".holder")

    def __exit__(self, *exc: object) -> None:
        if self.file is not None:
            with contextlib.suppress(OSError):
                self.holder_path.unlink(missing_ok=True)
            self.file.close()  # closing releases the lock on every platform
            self.file = None


def _holder() -> str:
    """This process as the holder of a lock: PC, user, process and since when."""
    return json.dumps(
        {
            "pc": platform.node() or "",
            "user": getpass.getuser() if _has_user() else "",
            "pid": os.getpid(),
            "since": datetime.now().isoformat(timespec="seconds"),
        },
        ensure_ascii=False,
    )


def _has_user() -> bool:
    try:
        getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password database
        return False
    return True


def holder_text(path: Path) -> str:
    """Who holds the lock, as the waiting office reads it ('' when unknown)."""
    try:
        h = json.loads(path.read_text("utf-8"))
        since = datetime.fromisoformat(h["since"])
    except (OSError, ValueError, KeyError, TypeError):
        return "可能是同事在另一个窗口或另一台电脑上点击了汇总；"
    parts = [f"电脑 {h['pc']}" if h.get("pc") else "", f"用户 {h['user']}" if h.get("user") else ""]
    who = "、".join(x for x in parts if x)
    return f"正在使用的是{who or '另一进程'}（进程 {h.get('pid')}，自 {since:%Y-%m-%d %H:%M} 起）；"


@contextmanager
def locked_ledger(ledger_path: Path, settings: Settings, missing: str = "") -> Iterator[Ledger]:
    """The ledger under the run lock, in one transaction (committed when the block ends
    normally, then backed up: ``ledger.backup_note`` says where); refuses a ledger that does
    not exist (``missing``: why it should)."""
    if not ledger_path.exists():
        raise InputError(f"报送台账不存在：{ledger_path}（{missing or '还没有做过汇总？'}）")
    lock = lock_path_for(ledger_path, ledger_path, user_data_dir())
    with RunLock(lock, settings.lock_wait_seconds):
        with Ledger(ledger_path) as ledger, ledger.transaction():
            yield ledger
        ledger.backup_note = after_commit(ledger_path, settings)  # committed: keep a copy
