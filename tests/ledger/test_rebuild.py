"""The year rebuilt from the archive: every run of a year with a correction, a withdrawal and
its restoration, a misnamed file confirmed and a run undone is replayed from the archive
alone into a new ledger, whose decisions and figures equal the original's."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from yearkit import UNITS, Office, full_values

from workbook.app import ledgerops
from workbook.app.archive import DEFAULT_FOLDER, entries
from workbook.app.rebuild import rebuild
from workbook.core.errors import InputError


def _state(ledger):
    """What the office believes: each file's status, its withdrawal and confirmation, each
    accepted figure, and the runs (kind, period, undone or not)."""
    with sqlite3.connect(ledger) as db:
        files = sorted(
            db.execute(
                "SELECT period, sha256, file_name, file_time, unit, status, withdrawn_at IS NOT NULL, "
                "confirmed_at IS NOT NULL FROM submissions"
            ).fetchall()
        )
        values = sorted(
            db.execute(
                "SELECT s.period, s.unit, v.seq, v.value_num, v.value_text, v.base "
                "FROM submission_values v JOIN submissions s ON s.id = v.submission_id "
                "WHERE s.status = 'accepted'"
            ).fetchall()
        )
        runs = db.execute(
            "SELECT kind, period, undone_by IS NOT NULL FROM runs ORDER BY id"
        ).fetchall()
    return files, values, runs


@pytest.fixture
def year(tmp_path):
    office = Office(tmp_path / "office")
    cat, led, s = office.cat, office.ledger, office.settings
    for k, unit in enumerate(UNITS):
        office.submit("2024Q1", unit, full_values(cat, unit, 10 + k))
    office.consolidate("2024Q1")
    office.submit("2024Q1", "定海", full_values(cat, "定海", 30), name="定海(更正).xlsx")
    office.consolidate("2024Q1")
    ledgerops.withdraw(led, s, cat.catalogue_id, "2024Q1", "定海(更正).xlsx", "数字有误")
    for k, unit in enumerate(UNITS):
        office.submit("2024Q2", unit, full_values(cat, unit, 40 + k))
    office.consolidate("2024Q2")
    office.submit("2024Q2", "普陀", full_values(cat, "普陀", 60), name="普陀_第二版.xlsx")
    office.consolidate("2024Q2")
    with sqlite3.connect(led) as db:
        last = db.execute("SELECT MAX(id) FROM runs").fetchone()[0]
    ledgerops.undo_run(led, s, last, "误收")
    office.consolidate("2024Q2")  # the file is still in the folder: brought back
    ledgerops.restore(led, s, cat.catalogue_id, "2024Q1", "定海(更正).xlsx", "核实无误")
    office.submit("2024Q3", "岱山", full_values(cat, "岱山", 70), name="普陀-第三季度.xlsx")
    office.consolidate("2024Q3")
    ledgerops.accept(led, s, cat.catalogue_id, "2024Q3", "普陀-第三季度.xlsx", "岱山借用文件名")
    return office


def test_the_year_rebuilt_from_the_archive_equals_the_ledger(year, tmp_path):
    archive = year.ledger.parent / DEFAULT_FOLDER
    kinds = [e["kind"] for e in entries(archive)]
    assert kinds == [
        "consolidate",
        "consolidate",
        "withdraw",
        "consolidate",
        "consolidate",
        "undo",
        "consolidate",
        "restore",
        "consolidate",
        "accept",
    ]
    assert len(list((archive / "objects").rglob("*.xlsx"))) == 9  # each file kept once
    original = _state(year.ledger)
    shutil.rmtree(year.root / "returns")  # the returns folders cleaned up, the PC gone:
    year.ledger.unlink()  # only the archive is left
    out = tmp_path / "重建" / "ledger.sqlite3"
    out.parent.mkdir()
    done = rebuild(archive, out, year.settings)
    assert done.skipped == []
    assert _state(out) == original
    assert [p.name for p in out.parent.iterdir()] == ["ledger.sqlite3"]  # no leftovers


def test_the_rebuild_command_says_what_it_did(year, tmp_path):
    from conftest import shishi

    archive = year.ledger.parent / DEFAULT_FOLDER
    out = tmp_path / "新台账.sqlite3"
    r = shishi("ledger", "rebuild", "--archive", str(archive), "-o", str(out))
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"已重建报送台账：{out}（重放 10 次运行）" in r.stdout
    assert _state(out) == _state(year.ledger)
    again = shishi("ledger", "rebuild", "--archive", str(archive), "-o", str(out))
    assert again.returncode == 2 and "不覆盖" in again.stderr


def test_a_rebuild_never_overwrites_and_says_what_it_needs(year, tmp_path):
    archive = year.ledger.parent / DEFAULT_FOLDER
    with pytest.raises(InputError, match="不覆盖"):
        rebuild(archive, year.ledger, year.settings)
    with pytest.raises(InputError, match="没有存档的运行记录"):
        rebuild(tmp_path, tmp_path / "new.sqlite3", year.settings)


def test_an_archive_that_failed_is_caught_up_by_the_next_run(tmp_path):
    office = Office(tmp_path)
    archive = office.ledger.parent / DEFAULT_FOLDER
    archive.parent.mkdir(parents=True)
    archive.write_text("a file where the folder should be")
    office.submit("2024Q1", "定海", full_values(office.cat, "定海", 5))
    out = office.consolidate("2024Q1")
    assert "回收文件存档失败" in out.text() and "下次运行会补存" in out.text()
    archive.unlink()
    office.submit("2024Q1", "普陀", full_values(office.cat, "普陀", 5))
    out = office.consolidate("2024Q1")
    assert "本次存入 2 个文件" in out.text()  # the missed run's file and this run's
    assert [e["run"] for e in entries(archive)] == [1, 2]
