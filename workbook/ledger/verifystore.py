"""The ledger's record of the city's 核验: every sample drawn (``shishi verify sample``) with
its lines as issued, and every result imported from a filled list (``shishi verify import``).
A mixin of ``ledger.Ledger``, which owns the connection (``self.db``).

Results are only ever added: importing a corrected list adds its rows, and the newest import
of a line is the one that counts, so a mistaken import is put right by importing again and
nothing recorded is lost.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from workbook.core.period import Period, parse_period
from workbook.core.verify import FAILED, PASSED


class VerifyRecords:
    """Samples and results; every query runs on ``self.db``."""

    db: sqlite3.Connection

    def record_sample(self, sample: dict[str, Any]) -> bool:
        """Keep a drawn sample (its id, catalogue, period, seed, per-unit count, lines);
        False when the same sample was drawn before (the same id: nothing new)."""
        cur = self.db.execute(
            "INSERT OR IGNORE INTO verify_samples (id, catalogue_id, period, seed, per_unit, "
            "drawn_at, population_json, lines_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                sample["id"],
                sample["catalogue_id"],
                sample["period"],
                sample["seed"],
                sample["per_unit"],
                sample["drawn_at"],
                json.dumps(sample["population"], ensure_ascii=False),
                json.dumps(sample["lines"], ensure_ascii=False),
            ),
        )
        return cur.rowcount == 1

    def sample(self, sample_id: str) -> dict[str, Any] | None:
        """The sample as it was drawn, or None when no such sample was issued."""
        row = self.db.execute(
            "SELECT id, catalogue_id, period, seed, per_unit, drawn_at, population_json, "
            "lines_json FROM verify_samples WHERE id=?",
            (sample_id,),
        ).fetchone()
        if row is None:
            return None
        keys = ("id", "catalogue_id", "period", "seed", "per_unit", "drawn_at")
        out = dict(zip(keys, row[:6], strict=True))
        out["population"], out["lines"] = json.loads(row[6]), json.loads(row[7])
        return out

    def record_results(
        self, sample_id: str, results: list[dict[str, Any]], file_name: str, sha256: str
    ) -> int:
        """Add the results of one imported list (a row per line); the number added."""
        now = datetime.now().isoformat(timespec="seconds")
        self.db.executemany(
            "INSERT INTO verify_results (sample_id, line_no, result, note, checker, "
            "checked_on, imported_at, file_name, file_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    sample_id,
                    r["no"],
                    r["result"],
                    r["note"],
                    r["checker"],
                    r["checked_on"],
                    now,
                    file_name,
                    sha256,
                )
                for r in results
            ],
        )
        return len(results)

    def verify_lines(self, catalogue_id: str, period: Period) -> list[dict[str, Any]]:
        """Every line drawn this year up to ``period``, with its latest result ("" when none
        came back) and when and from which file; one per (unit, 序号, item key): a line with
        a result beats one without, then the newest."""
        latest: dict[tuple[str, int], tuple[str, ...]] = {}
        for sid, no, *rest in self.db.execute(
            "SELECT sample_id, line_no, result, note, checker, checked_on, imported_at, "
            "file_name FROM verify_results ORDER BY id"
        ):
            latest[(sid, no)] = tuple(rest)
        best: dict[tuple[str, int, str], dict[str, Any]] = {}
        for sid, code, drawn_at, lines_json in self.db.execute(
            "SELECT id, period, drawn_at, lines_json FROM verify_samples WHERE catalogue_id=? "
            "ORDER BY drawn_at, id",
            (catalogue_id,),
        ):
            p = parse_period(code)
            if p.year != period.year or p.months > period.months:
                continue
            for line in json.loads(lines_json):
                result, note, checker, checked_on, imported_at, file_name = latest.get(
                    (sid, line["no"]), ("", "", "", "", "", "")
                )
                now = dict(line, sample_id=sid, period=code, result=result, note=note)
                now.update(checker=checker, checked_on=checked_on, imported_at=imported_at)
                now.update(file_name=file_name, drawn_at=drawn_at)
                key = (line["unit"], int(line["seq"]), line["key"])
                old = best.get(key)
                if old is None or bool(result) >= bool(old["result"]):
                    best[key] = now
        return list(best.values())

    def verified_keys(self, catalogue_id: str, period: Period) -> set[tuple[str, int, str]]:
        """(unit, 序号, item key) of the lines already verified (通过 or 不通过) this year:
        a new draw leaves them out."""
        return {
            (line["unit"], int(line["seq"]), line["key"])
            for line in self.verify_lines(catalogue_id, period)
            if line["result"] in (PASSED, FAILED)
        }
