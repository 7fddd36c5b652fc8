"""The undo journal keeps what undo needs, not whole rows three times: an insert's image
leaves out the row's items and problems (undo deletes the row), an update's images hold only
the columns it changed; and undo is still exact, items and problems included."""

from __future__ import annotations

import json
import sqlite3

from yearkit import Office, full_values

from workbook.app import ledgerops
from workbook.ledger.journal import HEAVY_COLUMNS


def _rows(ledger):
    with sqlite3.connect(ledger) as db:
        db.row_factory = sqlite3.Row
        subs = [dict(r) for r in db.execute("SELECT * FROM submissions ORDER BY id")]
        vals = [tuple(r) for r in db.execute("SELECT * FROM submission_values ORDER BY 1, 2")]
    return subs, vals


def test_the_journal_holds_what_changed_and_undo_stays_exact(tmp_path):
    office = Office(tmp_path)
    cat = office.cat
    office.submit("2024Q1", "定海", full_values(cat, "定海", 10))
    office.consolidate("2024Q1")
    before = _rows(office.ledger)
    office.submit("2024Q1", "定海", full_values(cat, "定海", 20), name="定海_更正.xlsx")
    office.consolidate("2024Q1")  # the correction is inserted; the first file is superseded
    with sqlite3.connect(office.ledger) as db:
        run = db.execute("SELECT MAX(id) FROM runs").fetchone()[0]
        changes = db.execute(
            "SELECT op, old_json, new_json FROM changes WHERE run_id=? AND tbl='submissions'",
            (run,),
        ).fetchall()
    inserts = [json.loads(new) for op, _old, new in changes if op == "insert"]
    updates = [(json.loads(old), json.loads(new)) for op, old, new in changes if op == "update"]
    assert len(inserts) == 1 and not set(HEAVY_COLUMNS) & set(inserts[0])
    assert inserts[0]["file_name"] == "定海_更正.xlsx" and len(inserts[0]["sha256"]) == 64
    flipped = [(o, n) for o, n in updates if "status" in o]
    # the first file superseded; the new one, stored as superseded, then accepted by the rule
    assert sorted((o["status"], n["status"]) for o, n in flipped) == [
        ("accepted", "superseded"),
        ("superseded", "accepted"),
    ]
    for old, new in updates:
        assert set(old) == set(new)
        assert all(old[c] != new[c] for c in old if c != "id")  # only what changed
    ledgerops.undo_run(office.ledger, office.settings, run, "误收")
    assert _rows(office.ledger) == before
