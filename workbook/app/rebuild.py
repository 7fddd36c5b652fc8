"""A ledger rebuilt from the archive (``archive``): the journal replayed in its order into a
new ledger, each consolidation from the files it brought in (their names and times as they
were), each withdrawal, restoration, confirmation and undo as the office made it. The new
ledger is written beside the output name and put in place only when every run replayed;
the original archive is only read.

Not replayed (they are not runs of the ledger's journal): 核验 samples and results, and the
returns a county built by report-up; a backup holds them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from workbook.app import ledgerops
from workbook.app.archive import entries, object_path
from workbook.app.backup import read_only
from workbook.app.run import run_consolidation
from workbook.app.runlock import lock_path_for
from workbook.catalogue import model as catmod
from workbook.core.errors import InputError
from workbook.core.period import parse_period
from workbook.core.settings import Settings


@dataclass
class Rebuilt:
    """What the rebuild replayed: runs (the archive's run → the new ledger's), and why any
    was left out."""

    path: Path
    runs: dict[int, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def rebuild(
    archive: Path, output: Path, settings: Settings, catalogue: catmod.Catalogue | None = None
) -> Rebuilt:
    """Replay ``archive`` into a new ledger at ``output`` (refused if it exists)."""
    if output.exists():
        raise InputError(f"{output} 已存在：重建的台账不覆盖任何文件，请换一个文件名。")
    journal = entries(archive)
    if not journal:
        raise InputError(f"{archive} 中没有存档的运行记录（journal.jsonl）。")
    building = output.with_name(f".~shishi-rebuild-{output.name}")
    building.unlink(missing_ok=True)
    done = Rebuilt(output)
    with tempfile.TemporaryDirectory(prefix=".~shishi-rebuild-", dir=output.parent) as tmp:
        quiet = replace(settings, archive=False, backup_keep=0)  # the rebuild keeps no copies
        replay = _Replay(archive, Path(tmp), building, quiet, catalogue, done)
        for e in journal:
            new = replay.entry(e)
            if new is not None:
                done.runs[e["run"]] = new
    os.replace(building, output)
    lock_path_for(building, building, Path()).unlink(missing_ok=True)  # the replay's lock file
    return done


@dataclass
class _Replay:
    """Where a rebuild reads (the archive) and writes (the new ledger, a scratch folder)."""

    archive: Path
    tmp: Path
    ledger: Path
    settings: Settings
    catalogue: catmod.Catalogue | None
    done: Rebuilt

    def entry(self, e: dict[str, Any]) -> int | None:
        """One entry replayed; the new ledger's run it made (None: nothing to replay)."""
        kind = e["kind"]
        if kind == "consolidate":
            return self.consolidate(e)
        if kind == "undo":
            target = self.done.runs.get(e.get("undid") or -1)
            if target is None:
                self.done.skipped.append(
                    f"第 {e['run']} 次运行（撤销）：所撤销的运行没有重建，跳过。"
                )
                return None
            return ledgerops.undo_run(self.ledger, self.settings, target, e["note"]).run_id
        method = {
            "withdraw": ledgerops.withdraw,
            "restore": ledgerops.restore,
            "accept": ledgerops.accept,
        }[kind]
        args = (e["catalogue_id"], e["period"], e["file"], e["note"])
        return method(self.ledger, self.settings, *args).run_id

    def consolidate(self, e: dict[str, Any]) -> int:
        """The run's files put back in a folder of their own, with their times, consolidated."""
        cat = _catalogue(e, self.archive, self.catalogue)
        folder = self.tmp / f"run{e['run']}"
        folder.mkdir()
        lost = [f["name"] for f in e["files"] if f.get("missing")]
        if lost:
            self.done.skipped.append(
                f"第 {e['run']} 次运行：{'、'.join(lost)} 当时未能存档，未重建。"
            )
        for f in e["files"]:
            if f.get("missing"):
                continue
            dest = folder / f["name"]
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(object_path(self.archive, f["sha256"], f["suffix"]), dest)
            when = datetime.fromisoformat(f["time"]).timestamp()
            os.utime(dest, (when, when))
        out = self.tmp / "汇总" / f"{e['run']}.xlsx"
        run_consolidation(
            folder, parse_period(e["period"]), out, cat, self.settings, ledger_path=self.ledger
        )
        with read_only(self.ledger) as db:
            return int(db.execute("SELECT MAX(id) FROM runs").fetchone()[0])


def _catalogue(
    e: dict[str, Any], archive: Path, given: catmod.Catalogue | None
) -> catmod.Catalogue:
    if e.get("catalogue"):
        return catmod.load(object_path(archive, e["catalogue"], ".json"))
    if given is not None and given.catalogue_id == e["catalogue_id"]:
        return given
    raise InputError(
        f"存档中第 {e['run']} 次运行没有所用的目录（{e['catalogue_id']}）：请用 --catalogue 指定。"
    )
