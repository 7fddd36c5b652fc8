"""The year survives the PC: every committed run leaves a verified backup beside the ledger
(or where the settings say), kept by a rotation the office can read; a damaged ledger is
found by `shishi ledger check` and put back from the newest good backup with nothing
accepted lost; a backup that cannot be written never undoes the run."""

from __future__ import annotations

import dataclasses
import json

from conftest import shishi
from yearkit import Office, full_values

from workbook.app.backup import DEFAULT_FOLDER, list_backups, rotate
from workbook.catalogue import model as catalogue
from workbook.ledger.store import Ledger

CAT = catalogue.load()


def _accepted(path) -> dict:
    with Ledger(path) as led:
        return led.accepted_values(CAT.catalogue_id, "2024Q2")


def test_each_committed_run_leaves_a_verified_backup_listed_with_its_periods(tmp_path):
    office = Office(tmp_path)
    office.submit("2024Q2", "定海", full_values(CAT, "定海", 5))
    text = office.consolidate("2024Q2").text()
    folder = office.ledger.parent / DEFAULT_FOLDER
    (first,) = list_backups(office.ledger, office.settings)
    assert f"台账备份：{first.path}" in text and first.path.parent == folder
    assert first.run == 1 and first.periods == ("2024Q2",)
    assert _accepted(first.path) == _accepted(office.ledger)  # the same year, read back
    r = shishi("ledger", "withdraw", "定海.xlsx", "--period", "2024Q2", "--ledger", office.ledger)
    assert r.returncode == 0 and "台账备份：" in r.stdout
    after = list_backups(office.ledger, office.settings)
    assert [b.run for b in after] == [1, 2]
    assert _accepted(after[-1].path) == {} and _accepted(first.path) != {}  # each run's state
    listed = shishi("ledger", "backups", "--ledger", office.ledger)
    assert listed.returncode == 0, listed.stderr
    assert after[0].path.name in listed.stdout and "期次：2024Q2" in listed.stdout


def test_the_rotation_keeps_the_newest_and_each_quarter_s_last_and_nothing_else_is_touched(
    tmp_path,
):
    times = ["20240110-090000", "20240220-090000", "20240501-090000"]
    times += ["20240502-090000", "20240803-090000"]
    for k, t in enumerate(times, start=1):
        (tmp_path / f"ledger-{t}-run{k}.sqlite3").write_bytes(b"x")
    (tmp_path / "说明.txt").write_text("office notes", encoding="utf-8")
    (tmp_path / "other-20240101-090000-run1.sqlite3").write_bytes(b"x")  # another ledger's
    gone = rotate(tmp_path, "ledger", keep=1)
    assert sorted(p.name for p in gone) == [
        "ledger-20240110-090000-run1.sqlite3",  # Q1: the February one is the quarter's last
        "ledger-20240501-090000-run3.sqlite3",  # Q2: the next day's stays
    ]
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == [
        "ledger-20240220-090000-run2.sqlite3",
        "ledger-20240502-090000-run4.sqlite3",
        "ledger-20240803-090000-run5.sqlite3",
        "other-20240101-090000-run1.sqlite3",
        "说明.txt",
    ]


def test_a_damaged_ledger_is_found_and_put_back_from_the_newest_good_backup(tmp_path):
    office = Office(tmp_path)
    office.submit("2024Q2", "定海", full_values(CAT, "定海", 5))
    office.submit("2024Q2", "普陀", full_values(CAT, "普陀", 5))
    office.consolidate("2024Q2")
    before = _accepted(office.ledger)
    ok = shishi("ledger", "check", "--ledger", office.ledger)
    assert ok.returncode == 0 and "台账完好" in ok.stdout, ok.stderr
    data = bytearray(office.ledger.read_bytes())
    data[4096:12288] = b"\xff" * 8192  # a disk error over two pages
    office.ledger.write_bytes(bytes(data))
    bad = shishi("ledger", "check", "--ledger", office.ledger)
    (good,) = list_backups(office.ledger, office.settings)
    assert bad.returncode != 0 and "有问题" in bad.stderr and good.path.name in bad.stderr
    r = shishi("ledger", "restore-backup", good.path.name, "--ledger", office.ledger)
    assert r.returncode == 0, r.stderr
    assert _accepted(office.ledger) == before and set(before) == {"定海", "普陀"}
    kept = [p for p in office.ledger.parent.iterdir() if ".恢复前-" in p.name]
    assert len(kept) == 1 and kept[0].read_bytes() == bytes(data)  # the damaged file, kept


def test_a_backup_that_cannot_be_written_is_said_and_the_run_stands(tmp_path):
    office = Office(tmp_path)
    blocked = tmp_path / "not_a_folder"
    blocked.write_text("a file where the backup folder should be", encoding="utf-8")
    office.settings = dataclasses.replace(office.settings, backup_dir=str(blocked))
    office.submit("2024Q2", "定海", full_values(CAT, "定海", 5))
    text = office.consolidate("2024Q2").text()
    assert "报送台账已保存，但备份失败" in text
    assert "定海" in _accepted(office.ledger)
    # from a settings file, relative to its folder
    settings = tmp_path / "settings.json"
    settings.write_text(json.dumps({"backup_dir": "备份盘"}), encoding="utf-8")
    r = shishi("ledger", "backups", "--ledger", office.ledger, "--settings", settings)
    assert r.returncode == 0 and str(tmp_path / "备份盘") in r.stdout
