"""A ledger on a shared folder is said, and a ledger in use says who holds it: the PC, the
user, the process and since when (instead of only waiting)."""

from __future__ import annotations

import getpass
import platform
import subprocess
import sys
import time
from pathlib import Path

import pytest

from workbook.app.runlock import RunLock
from workbook.core.errors import FileIOError
from workbook.core.places import network_kind

MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
proc /proc proc rw 0 0
//nas/共享 /mnt/share cifs rw,vers=3.0 0 0
nas:/export /srv/nfs nfs4 rw 0 0
/dev/sdb1 /mnt/share/local ext4 rw 0 0
sshfs#u@h: /home/u/remote fuse.sshfs rw 0 0
/dev/sdc1 /media/u/U\\040盘 vfat rw 0 0
"""


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/mnt/share/2024/ledger.sqlite3", "cifs"),
        ("/srv/nfs/ledger.sqlite3", "nfs4"),
        ("/mnt/share/local/ledger.sqlite3", ""),  # a local disk mounted inside the share
        ("/home/u/remote/x/ledger.sqlite3", "fuse.sshfs"),
        ("/media/u/U 盘/ledger.sqlite3", ""),  # a USB disk is local
        ("/mnt/shared/ledger.sqlite3", ""),  # not inside /mnt/share
        ("/home/u/ledger.sqlite3", ""),
    ],
)
def test_where_a_ledger_lives(path, kind):
    assert network_kind(Path(path), MOUNTS) == kind


def test_this_machine_s_temporary_folder_is_local(tmp_path):
    assert network_kind(tmp_path / "ledger.sqlite3") == ""  # read from /proc/mounts


HOLD = """
import sys, time
from pathlib import Path
from workbook.app.runlock import RunLock
with RunLock(Path(sys.argv[1]), 1):
    print("held", flush=True)
    time.sleep(30)
"""


def test_a_ledger_in_use_says_who_holds_it_and_is_free_once_released(tmp_path):
    lock = tmp_path / "ledger.sqlite3.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(lock)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(FileIOError) as busy, RunLock(lock, 0.5):
            pass
        said = str(busy.value)
        assert f"电脑 {platform.node()}" in said and f"用户 {getpass.getuser()}" in said
        assert f"进程 {holder.pid}" in said and "起）" in said
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.2)
    with RunLock(lock, 5) as mine:  # the OS released it with the process
        assert mine.holder_path.exists()
    assert not mine.holder_path.exists()  # and this run's record went with the lock
