"""Writing a file so that no reader ever sees it half-written."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from workbook.core.errors import FileIOError

# atomic_write, or Staging.stage: (final path, function writing a temporary file) -> final path
Writer = Callable[[Path | str, Callable[[Path], object]], Path]


def atomic_write(path: Path | str, write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then replace ``path`` with it.

    A reader never sees a half-written file. When ``path`` is locked (open in Excel on Windows)
    the error says so in Chinese and the temporary file is removed.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(
        prefix=".~" + target.stem + ".", suffix=target.suffix, dir=target.parent
    )
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        # mkstemp makes the file private (0600); give it the mode a plain open() would
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        try:
            os.replace(tmp, target)
        except PermissionError as exc:
            raise FileIOError(
                f"无法写入 {target}：文件可能正在 Excel/WPS 中打开。请关闭该文件后重试。"
            ) from exc
    finally:
        if tmp.exists():
            tmp.unlink()
    return target
