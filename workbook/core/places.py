"""Where a file lives: on the PC's own disk, or on a network location (a Windows share by UNC
path or mapped drive; a cifs, nfs or similar mount on Linux). SQLite's locking and crash
safety depend on the file system, so the run says when the ledger is on a share."""

from __future__ import annotations

import os
from pathlib import Path

# file-system types of network mounts, as /proc/mounts names them
NETWORK_TYPES = frozenset(
    [
        "cifs",
        "smb3",
        "smbfs",
        "nfs",
        "nfs4",
        "9p",
        "afs",
        "ncpfs",
        "davfs",
        "fuse.sshfs",
        "fuse.davfs2",
        "fuse.gvfsd-fuse",
    ]
)


def network_kind(path: Path, mounts: str | None = None) -> str:
    """What kind of network location ``path`` is on ('' for a local disk or when unknown).
    ``mounts``: the text of /proc/mounts (read from the system when None)."""
    if os.name == "nt":
        return _windows_kind(str(path))
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text("utf-8", "replace")
        except OSError:
            return ""
    target = str(path.resolve() if path.exists() else path.parent.resolve())
    best, kind = "", ""
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) > len(best):
            best, kind = point, fields[2]
    return kind if kind in NETWORK_TYPES else ""


def _windows_kind(text: str) -> str:
    """A UNC path, or a drive letter the system reports as remote (a mapped network drive)."""
    if text.startswith(("\\\\", "//")):
        return "网络共享（UNC 路径）"
    drive = os.path.splitdrive(os.path.abspath(text))[0]
    if not drive:
        return ""
    import ctypes  # Windows only: the drive's type from the system

    remote = 4  # DRIVE_REMOTE
    kernel = getattr(ctypes, "windll", None)
    if kernel is not None and kernel.kernel32.GetDriveTypeW(drive + "\\") == remote:
        return "映射的网络驱动器"
    return ""
