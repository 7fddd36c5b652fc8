"""The ledger's journal of runs: every operation that changes the ledger is a run (a
consolidation, the office withdrawing or restoring a file, an undo), and what each changed is
kept, so that a mistaken run can be taken back exactly.

What a run changes is recorded by TEMP triggers of the connection (they never reach the file):
each submission inserted, updated or deleted, with its row before and after, and each stored
value deleted. The values a run inserts are not recorded: they belong to the submission they
were stored with, and go (or come back) with it. ``undo_run`` replays a run's changes backwards;
it refuses while a later run of the same period is in force, whose changes would be lost.
"""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from workbook.core.errors import InputError

CONSOLIDATE, WITHDRAW, RESTORE, UNDO = "consolidate", "withdraw", "restore", "undo"
ACCEPT = "accept"  # the office confirms a file whose name names another unit
KIND_ZH = {
    CONSOLIDATE: "汇总",
    WITHDRAW: "作废文件",
    RESTORE: "恢复文件",
    ACCEPT: "确认文件",
    UNDO: "撤销",
}


class RunRow(NamedTuple):
    """One run as ``shishi history --runs`` lists it."""

    id: int
    kind: str
    catalogue_id: str
    period: str
    folder: str
    started_at: str
    state: str
    note: str
    undone_by: int | None
    added: int  # files first recorded by the run
    changed: int  # files whose status or decision it changed

    def as_dict(self) -> dict[str, Any]:
        return self._asdict()


# what a submission's insert image leaves out (kept in the row itself, gone when undone)
HEAVY_COLUMNS = ("extras_json", "problems_json", "signature_json")


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


class RunJournal:
    """Mixin of ``Ledger``: needs ``self.db``."""

    db: sqlite3.Connection

    def _install_triggers(self) -> None:
        """The TEMP triggers that record what the open run changes (this connection only;
        ``temp.shishi_run`` holds the open run's id)."""
        subs = [r[1] for r in self.db.execute("PRAGMA main.table_info(submissions)")]
        vals = [r[1] for r in self.db.execute("PRAGMA main.table_info(submission_values)")]

        def image(prefix: str, columns: list[str]) -> str:
            return "json_object(" + ", ".join(f"'{c}', {prefix}.{c}" for c in columns) + ")"

        def changed(prefix: str) -> str:
            """The row's image with only the columns the update changed (and its id): what
            undo restores and what history compares, not the whole row twice."""
            paths = ", ".join(
                f"CASE WHEN OLD.{c} IS NEW.{c} THEN '$.{c}' ELSE '$.~' END"
                for c in subs
                if c != "id"
            )
            return f"json_remove({image(prefix, subs)}, {paths})"

        # an insert is taken back by deleting its row: its image needs the file, not the
        # items and problems it carries (the bulk of a row)
        light = [c for c in subs if c not in HEAVY_COLUMNS]
        run = "(SELECT id FROM temp.shishi_run)"
        when = "WHEN EXISTS (SELECT 1 FROM temp.shishi_run)"
        log = "INSERT INTO changes (run_id, tbl, op, row_id, old_json, new_json) VALUES"
        for name, body in {
            "shishi_sub_ins": f"AFTER INSERT ON main.submissions {when} BEGIN {log} "
            f"({run}, 'submissions', 'insert', NEW.id, NULL, {image('NEW', light)}); END",
            "shishi_sub_upd": f"AFTER UPDATE ON main.submissions {when} BEGIN {log} "
            f"({run}, 'submissions', 'update', OLD.id, {changed('OLD')}, "
            f"{changed('NEW')}); END",
            "shishi_sub_del": f"AFTER DELETE ON main.submissions {when} BEGIN {log} "
            f"({run}, 'submissions', 'delete', OLD.id, {image('OLD', subs)}, NULL); END",
            "shishi_val_del": f"AFTER DELETE ON main.submission_values {when} BEGIN {log} "
            f"({run}, 'submission_values', 'delete', OLD.submission_id, {image('OLD', vals)}, "
            "NULL); END",
        }.items():
            self.db.execute(f"CREATE TEMP TRIGGER IF NOT EXISTS {name} {body}")

    def begin_run(
        self, kind: str, catalogue_id: str, period: str, folder: str = "", note: str = ""
    ) -> int:
        """Open a run in the open transaction; what follows is recorded as its changes."""
        cur = self.db.execute(
            "INSERT INTO runs (catalogue_id, period, folder, started_at, state, outputs_json, "
            "kind, note) VALUES (?,?,?,?,?,?,?,?)",
            (catalogue_id, period, folder, _now(), "running", "[]", kind, note),
        )
        run_id = int(cur.lastrowid or 0)
        self.db.execute("DELETE FROM temp.shishi_run")
        self.db.execute("INSERT INTO temp.shishi_run VALUES (?)", (run_id,))
        return run_id

    def current_run(self) -> int | None:
        row = self.db.execute("SELECT id FROM temp.shishi_run").fetchone()
        return None if row is None else int(row[0])

    def journal(
        self, catalogue_id: str, period: str, folder: str, outputs: list[tuple[str, str]]
    ) -> int:
        """Note, in the open transaction, the (temporary, final) renames the run will make."""
        run_id = self.current_run() or self.begin_run(CONSOLIDATE, catalogue_id, period, folder)
        self.db.execute(
            "UPDATE runs SET state='publishing', folder=?, outputs_json=? WHERE id=?",
            (folder, json.dumps(outputs), run_id),
        )
        return run_id

    def finish_run(self, run_id: int) -> None:
        self.db.execute("UPDATE runs SET state='done' WHERE id=?", (run_id,))

    def recover(self) -> int:
        """Put in place the outputs of a committed run that was stopped while publishing them;
        returns how many runs were completed."""
        pending = self.db.execute(
            "SELECT id, outputs_json FROM runs WHERE state='publishing' ORDER BY id"
        ).fetchall()
        for run_id, outputs in pending:
            for src, dst in json.loads(outputs):
                if os.path.exists(src):
                    Path(dst).parent.mkdir(parents=True, exist_ok=True)
                    os.replace(src, dst)
            self.db.execute("UPDATE runs SET state='done (recovered)' WHERE id=?", (run_id,))
        return len(pending)

    def runs(self, catalogue_id: str | None = None) -> list[RunRow]:
        """Every run, oldest first, with how many files it added and changed."""
        sql = (
            "SELECT r.id, r.kind, r.catalogue_id, r.period, r.folder, r.started_at, r.state, "
            "r.note, r.undone_by, "
            "(SELECT COUNT(*) FROM changes c WHERE c.run_id=r.id AND c.tbl='submissions' "
            "AND c.op='insert'), "
            "(SELECT COUNT(DISTINCT c.row_id) FROM changes c WHERE c.run_id=r.id "
            "AND c.tbl='submissions' AND c.op='update' AND (json_extract(c.old_json, '$.status') "
            "IS NOT json_extract(c.new_json, '$.status') OR json_extract(c.old_json, "
            "'$.decision') IS NOT json_extract(c.new_json, '$.decision'))) "
            "FROM runs r"
        )
        args: tuple[Any, ...] = ()
        if catalogue_id:
            sql, args = sql + " WHERE r.catalogue_id=?", (catalogue_id,)
        return [RunRow(*r) for r in self.db.execute(sql + " ORDER BY r.id", args)]

    def undo_run(self, run_id: int, note: str = "") -> int:
        """Take run ``run_id`` back, exactly, in the open transaction (as a run of its own);
        returns the undo's run id. Refused for an unknown run, one already undone, an undo,
        or while a later run of the same period is in force."""
        row = self.db.execute(
            "SELECT catalogue_id, period, kind, undone_by, state FROM runs WHERE id=?", (run_id,)
        ).fetchone()
        if row is None:
            raise InputError(
                f"报送台账中没有第 {run_id} 次运行（shishi history --runs 列出全部）。"
            )
        catalogue_id, period, kind, undone_by, state = row
        if undone_by is not None:
            raise InputError(f"第 {run_id} 次运行已由第 {undone_by} 次撤销过了。")
        if kind == UNDO:
            raise InputError(f"第 {run_id} 次运行本身是撤销；如要恢复，请重新汇总。")
        later = [
            r[0]
            for r in self.db.execute(
                "SELECT id FROM runs WHERE catalogue_id=? AND period=? AND id>? "
                "AND undone_by IS NULL AND kind<>? ORDER BY id",
                (catalogue_id, period, run_id, UNDO),
            )
        ]
        if later:
            raise InputError(
                f"第 {run_id} 次运行之后，同一期次还有第 {'、'.join(map(str, later))} 次运行；"
                f"请从最后一次起依次撤销。"
            )
        undo = self.begin_run(UNDO, catalogue_id, period, note=note or f"撤销第 {run_id} 次运行")
        self._replay_backwards(run_id)
        self.db.execute("UPDATE runs SET undone_by=? WHERE id=?", (undo, run_id))
        self.db.execute("UPDATE runs SET state='done' WHERE id=?", (undo,))
        return undo

    def brought_in(self, run_id: int) -> list[str]:
        """The names of the files run ``run_id`` added to the ledger, in order."""
        rows = self.db.execute(
            "SELECT json_extract(new_json, '$.file_name') FROM changes WHERE run_id=? "
            "AND tbl='submissions' AND op='insert' ORDER BY n",
            (run_id,),
        )
        return [r[0] for r in rows]

    def _replay_backwards(self, run_id: int) -> None:
        changes = self.db.execute(
            "SELECT tbl, op, row_id, old_json FROM changes WHERE run_id=? ORDER BY n DESC",
            (run_id,),
        ).fetchall()
        values_back = [json.loads(old) for tbl, op, _i, old in changes if tbl != "submissions"]
        for sub_id in {r["submission_id"] for r in values_back} | {
            i for tbl, op, i, _o in changes if tbl == "submissions" and op == "insert"
        }:
            self.db.execute("DELETE FROM submission_values WHERE submission_id=?", (sub_id,))
        for tbl, op, sub_id, old in changes:  # newest first: the oldest image wins
            if tbl != "submissions":
                continue
            if op == "insert":
                self.db.execute("DELETE FROM submissions WHERE id=?", (sub_id,))
            elif op == "update":
                image = json.loads(old)
                columns = [c for c in image if c != "id"]
                if not columns:  # an update that changed nothing
                    continue
                self.db.execute(
                    f"UPDATE submissions SET {', '.join(f'{c}=?' for c in columns)} WHERE id=?",
                    [*(image[c] for c in columns), sub_id],
                )
            else:
                self._insert("submissions", json.loads(old))
        for image in reversed(values_back):
            self._insert("submission_values", image)

    def _insert(self, table: str, image: dict[str, Any]) -> None:
        columns = list(image)
        self.db.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            [image[c] for c in columns],
        )
