"""Writing a file so that no reader ever sees it half-written, and refusing (in Chinese,
before anything is read) a place to write that cannot work."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from workbook.core.errors import FileIOError, InputError

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


_DRIVE = re.compile(r"^[A-Za-z]:([\\/]|$)")


def check_folder(path: Path | str, what: str) -> Path:
    """``path`` as a folder to write into, or an InputError in Chinese: a Windows drive path
    on another system (it would become a folder named ``D:``), or a file where a folder must
    be (anywhere along the path)."""
    p = Path(path)
    if os.name != "nt" and _DRIVE.match(str(path)):
        raise InputError(
            f"{what}“{path}”是 Windows 的路径，本机不是 Windows：请写本机的路径，"
            "或在 Windows 电脑上运行这条命令。"
        )
    for folder in (p, *p.parents):
        if folder.exists():
            if not folder.is_dir():
                raise InputError(
                    f"无法写入{what}“{path}”：其中的“{folder}”是一个文件，不是文件夹。"
                )
            break
    return p


def check_output(path: Path | str, suffixes: tuple[str, ...], what: str) -> Path:
    """``path`` as a file to write (``what``, e.g. 汇总表), or an InputError in Chinese: its
    suffix is not one of ``suffixes`` (a .csv name would get an xlsx), it is a folder, or a
    folder along it cannot be made (``check_folder``)."""
    p = Path(path)
    if p.suffix.lower() not in suffixes:
        raise InputError(
            f"{what}应是 {'、'.join(suffixes)} 文件，“{path}”的扩展名是"
            f"“{p.suffix or '（无）'}”：请改用 {p.with_suffix(suffixes[0]).name} 这样的文件名。"
        )
    if p.is_dir():
        raise InputError(
            f"{what}的位置“{path}”是一个文件夹，请写上文件名，如 {p / ('汇总' + suffixes[0])}。"
        )
    check_folder(p.parent, what + "所在的文件夹")
    return p
