"""All-or-nothing outputs: write every file of a run under a temporary name, then put them all
in place together, after the ledger has committed the run.

``Staging.stage`` has the signature of ``xlsxio.atomic_write`` so every writer can take either.
A run that fails or is interrupted before ``publish`` leaves no temporary file and no output
changed; ``publish`` runs with Ctrl-C held back, so it is never cut in half by a keypress.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from workbook.core.errors import FileIOError

PREFIX = ".~shishi-"


def _locked_message(target: Path) -> str:
    return f"无法写入 {target}：文件可能正在 Excel/WPS 中打开。请关闭该文件后重试。"


class Staging:
    """Temporary files beside their targets, and moves, to be published together."""

    def __init__(self) -> None:
        self.token = secrets.token_hex(4)
        self.items: list[tuple[str, str]] = []  # (temporary, final)
        self.moves: list[tuple[str, str]] = []  # (existing file, where it goes)
        self.dirs: set[Path] = set()

    def temporary(self, final: Path | str) -> Path:
        """The temporary name of ``final``, registered for ``publish``."""
        target = Path(final)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise FileIOError(f"无法创建文件夹 {target.parent}：{exc}") from exc
        self.dirs.add(target.parent)
        tmp = target.parent / f"{PREFIX}{self.token}-{target.name}"
        self.items.append((str(tmp), str(target)))
        return tmp

    def stage(self, final: Path | str, write: Callable[[Path], object]) -> Path:
        """Write ``final``'s content to its temporary name now; returns ``final``."""
        tmp = self.temporary(final)
        try:
            write(tmp)
        except PermissionError as exc:
            raise FileIOError(f"无法写入文件夹 {tmp.parent}：没有写入权限。") from exc
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        return Path(final)

    def move(self, src: Path, dst: Path) -> None:
        """Move an existing output (e.g. stale feedback) when publishing."""
        self.moves.append((str(src), str(dst)))

    def plan(self) -> list[tuple[str, str]]:
        """Every rename ``publish`` makes, in order (what the ledger journals)."""
        return self.moves + self.items

    def preflight(self) -> None:
        """Fail now, while nothing is committed, when a target cannot be replaced (on Windows,
        a file open in Excel or WPS cannot be opened for writing)."""
        for _tmp, final in self.items:
            target = Path(final)
            if target.exists():
                try:
                    with target.open("r+b"):
                        pass
                except OSError as exc:
                    raise FileIOError(_locked_message(target)) from exc

    def publish(self) -> None:
        """Put every staged file in place (moves first)."""
        for src, dst in self.plan():
            if not os.path.exists(src):
                continue
            try:
                Path(dst).parent.mkdir(parents=True, exist_ok=True)
                os.replace(src, dst)
            except PermissionError as exc:
                raise FileIOError(_locked_message(Path(dst))) from exc

    def discard(self) -> None:
        """Remove every temporary file of this run, including ones a helper process wrote."""
        for folder in self.dirs:
            for tmp in folder.glob(f"{PREFIX}{self.token}-*"):
                tmp.unlink(missing_ok=True)


def remove_stale(folders: list[Path]) -> None:
    """Remove temporary files that an earlier run, killed outright, left behind. Call only
    while holding the run lock: no other run is writing then."""
    for folder in folders:
        if folder.is_dir():
            for tmp in folder.glob(f"{PREFIX}*"):
                if tmp.is_file():
                    tmp.unlink(missing_ok=True)
                elif tmp.is_dir():
                    shutil.rmtree(tmp, ignore_errors=True)


class Held:
    """Whether a Ctrl-C arrived while ``interrupts_held`` held it back."""

    arrived = False


@contextmanager
def interrupts_held() -> Iterator[Held]:
    """Hold Ctrl-C back until the block is done (the block is then finished, not undone);
    the yielded ``Held`` says whether one arrived, so the user is told it was not obeyed."""
    held = Held()
    if threading.current_thread() is not threading.main_thread():
        yield held
        return

    def note(*_: object) -> None:
        held.arrived = True

    previous = signal.signal(signal.SIGINT, note)
    try:
        yield held
    finally:
        signal.signal(signal.SIGINT, previous)
