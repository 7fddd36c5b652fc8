"""The county's record of what it sent up (``shishi report-up``): per period, each revision
built, when, to which file, the figures prefilled and the 所 files they came from. A mixin of
``ledger.Ledger``, which owns the connection (``self.db``)."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any


class SentUp:
    db: sqlite3.Connection

    def record_sent(self, catalogue_id: str, period: str, sent: dict[str, Any]) -> int:
        """Keep one revision sent up; returns its number (1 for the period's first)."""
        revision = self.next_revision(catalogue_id, period)
        self.db.execute(
            "INSERT INTO sent_up (catalogue_id, period, revision, built_at, file_path, "
            "values_json, sources_json, missing_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                catalogue_id,
                period,
                revision,
                datetime.now().isoformat(timespec="seconds"),
                sent["path"],
                json.dumps(sent["values"], ensure_ascii=False),
                json.dumps(sent["sources"], ensure_ascii=False),
                json.dumps(sent["missing"], ensure_ascii=False),
            ),
        )
        return revision

    def next_revision(self, catalogue_id: str, period: str) -> int:
        row = self.db.execute(
            "SELECT MAX(revision) FROM sent_up WHERE catalogue_id=? AND period=?",
            (catalogue_id, period),
        ).fetchone()
        return int(row[0] or 0) + 1

    def last_sent(self, catalogue_id: str, period: str) -> dict[str, Any] | None:
        """The latest revision sent up for ``period`` (revision, built_at, file, values …)."""
        row = self.db.execute(
            "SELECT revision, built_at, file_path, values_json, sources_json, missing_json "
            "FROM sent_up WHERE catalogue_id=? AND period=? ORDER BY revision DESC LIMIT 1",
            (catalogue_id, period),
        ).fetchone()
        if row is None:
            return None
        return {"revision": row[0], "built_at": row[1], "path": row[2],
                "values": json.loads(row[3]), "sources": json.loads(row[4]),
                "missing": json.loads(row[5])}  # fmt: skip
