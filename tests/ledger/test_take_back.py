"""The office can take a decision back: withdraw a stored return (作废), restore it, undo a run.
Real files, runs through the library as the office runs them, the commands through the CLI.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import shishi
from yearkit import UNITS, Office, carried, count_seqs, full_values

from workbook.ledger import store
from workbook.ledger.schema import SCHEMA_VERSION
from workbook.ledger.store import Ledger

RECORDS = ("meta", "submissions", "submission_values")  # what the office believes


def _records(ledger: Path) -> list[tuple]:
    """The ledger's records (not its journal of runs, which grows by design), as sets."""
    con = sqlite3.connect(ledger)
    try:
        rows = [(t, *r) for t in RECORDS for r in con.execute(f"SELECT * FROM {t}")]
        return sorted(rows, key=repr)
    finally:
        con.close()


def _runs(ledger: Path) -> list[dict]:
    r = shishi("history", "--runs", "--json", "--ledger", ledger)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


@pytest.fixture
def office(tmp_path):
    """Q1 consolidated, then Q2's returns consolidated: the ledger the office trusts."""
    office = Office(tmp_path)
    for k, unit in enumerate(UNITS):
        office.submit("2024Q1", unit, full_values(office.cat, unit, 10 + k))
    office.consolidate("2024Q1")
    for k, unit in enumerate(UNITS):
        office.submit("2024Q2", unit, full_values(office.cat, unit, 20 + k))
    office.consolidate("2024Q2")
    return office


def test_a_mistaken_run_is_undone_to_the_exact_ledger_before_it(office):
    trusted = _records(office.ledger)
    seq = count_seqs(office.cat, "定海")[0]
    # the mistake: 定海's colleague sends a draft later, and it is consolidated
    office.submit(
        "2024Q2", "定海", {**full_values(office.cat, "定海", 1), seq: 0}, "定海_草稿.xlsx"
    )
    office.consolidate("2024Q2")
    assert office.accepted("2024Q2")["定海"][seq] == 0
    mistaken = _runs(office.ledger)[-1]
    assert mistaken["kind"] == "consolidate" and mistaken["added"] == 1 and mistaken["changed"] == 2
    r = shishi(
        "ledger", "undo-run", str(mistaken["id"]), "--reason", "误收草稿", "--ledger", office.ledger
    )
    assert r.returncode == 0, r.stderr
    assert "定海：现采用 定海.xlsx" in r.stdout
    assert _records(office.ledger) == trusted
    runs = _runs(office.ledger)
    assert runs[-2]["undone_by"] == runs[-1]["id"] and runs[-1]["note"] == "误收草稿"
    # and next quarter's templates carry the trusted figures
    tpl = office.generate("2024Q3")
    assert (
        carried(tpl["定海"], office.cat, "定海")[seq]
        == office.accepted("2024Q2")["定海"][seq]
        == 20
    )


def test_a_run_that_re_checked_stored_files_is_undone_exactly(office, monkeypatch):
    """A run by a newer shishi (newer checks) re-checks every stored file of the period: rows
    updated, stored values deleted and written again. Undone, all come back as they were."""
    trusted = _records(office.ledger)
    monkeypatch.setattr(store, "EVALUATOR_VERSION", "99")
    office.consolidate("2024Q2")
    assert _records(office.ledger) != trusted
    run = _runs(office.ledger)[-1]["id"]
    assert shishi("ledger", "undo-run", str(run), "--ledger", office.ledger).returncode == 0
    assert _records(office.ledger) == trusted


def test_withdraw_and_restore_a_return(office):
    seq = count_seqs(office.cat, "普陀")[0]
    office.submit("2024Q2", "普陀", full_values(office.cat, "普陀", 99), "普陀_更正.xlsx")
    office.consolidate("2024Q2")
    assert office.accepted("2024Q2")["普陀"][seq] == 99
    led = ["--period", "2024年第二季度", "--ledger", office.ledger]
    r = shishi("ledger", "withdraw", "普陀_更正.xlsx", "--reason", "普陀来电：更正有误", *led)
    assert r.returncode == 0, r.stderr
    assert "普陀：现采用 普陀.xlsx" in r.stdout
    assert office.accepted("2024Q2")["普陀"][seq] == 21
    assert office.statuses("2024Q2")["普陀_更正.xlsx"] == "withdrawn"
    shown = shishi("history", "--unit", "普陀", "--ledger", office.ledger)
    assert "普陀_更正.xlsx" in shown.stdout and "作废" in shown.stdout
    # a later run over the same folder keeps the office's decision
    office.consolidate("2024Q2")
    assert office.accepted("2024Q2")["普陀"][seq] == 21
    r = shishi("ledger", "restore", "普陀_更正.xlsx", *led)
    assert r.returncode == 0, r.stderr
    assert office.accepted("2024Q2")["普陀"][seq] == 99
    kinds = [r["kind"] for r in _runs(office.ledger)]
    assert kinds[-4:] == ["consolidate", "withdraw", "consolidate", "restore"]


def test_what_cannot_be_taken_back_is_refused_in_chinese(office):
    led = ["--ledger", office.ledger]
    runs = _runs(office.ledger)
    r = shishi("ledger", "undo-run", str(runs[0]["id"]), *led)  # Q1: a later Q2 run is fine
    assert r.returncode == 0, r.stderr
    office.consolidate("2024Q2")
    second = [x["id"] for x in _runs(office.ledger) if x["period"] == "2024Q2"]
    r = shishi("ledger", "undo-run", str(second[0]), *led)
    assert r.returncode == 2 and "请从最后一次起依次撤销" in r.stderr
    r = shishi("ledger", "undo-run", "999", *led)
    assert r.returncode == 2 and "没有第 999 次运行" in r.stderr
    r = shishi("ledger", "withdraw", "不存在.xlsx", "--period", "2024Q2", *led)
    assert r.returncode == 2 and "没有文件“不存在.xlsx”" in r.stderr and "定海.xlsx" in r.stderr
    assert "Traceback" not in r.stderr


def test_a_schema_3_ledger_is_brought_up_with_its_records(office):
    before = _records(office.ledger)
    con = sqlite3.connect(office.ledger)
    for table, column in [
        ("submissions", "withdrawn_at"),
        ("submissions", "withdrawn_reason"),
        ("runs", "kind"),
        ("runs", "note"),
        ("runs", "undone_by"),
    ]:
        con.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    con.execute("DROP TABLE changes")
    con.execute("UPDATE meta SET value='3' WHERE key='schema_version'")
    con.commit()
    con.close()
    with Ledger(office.ledger) as led:
        assert led.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == (
            str(SCHEMA_VERSION),
        )
    assert _records(office.ledger) == before  # the withdrawal columns come back empty
    with Ledger(office.ledger) as led:
        assert {r.kind for r in led.runs()} == {"consolidate"}
        assert (
            led.withdraw("zhoushan-shishi", "2024Q2", "定海.xlsx", "迁移后可用").name == "定海.xlsx"
        )
