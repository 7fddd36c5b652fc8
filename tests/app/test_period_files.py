"""A period shows the files it has: a misplaced file of an earlier period gets advice that
fits and stops haunting the later period once it is moved; a refused file can be withdrawn;
an undone run names the files it brought in and what keeps them out."""

from __future__ import annotations

import shutil

from conftest import shishi
from yearkit import Office, full_values

from workbook.catalogue import model as catalogue
from workbook.core.submission import REJECTED, WITHDRAWN

CAT = catalogue.load()
CORRECTION = "定海_一季度更正.xlsx"


def test_a_q1_correction_in_the_q2_folder_is_told_where_it_belongs_and_stops_once_moved(
    tmp_path,
):
    office = Office(tmp_path)
    office.submit("2024Q1", "定海", full_values(CAT, "定海", 2))
    office.consolidate("2024Q1")
    office.submit("2024Q2", "定海", full_values(CAT, "定海", 5))
    misplaced = office.submit(
        "2024Q2", "定海", full_values(CAT, "定海", 3), name=CORRECTION, template_code="2024Q1"
    )
    q2 = office.consolidate("2024Q2").result
    (p,) = [p for p in q2.problems if p.code == "return.earlier_period"]
    assert "请放入2024年第一季度的回收文件夹，汇总2024年第一季度" in p.action
    assert "请用2024年第二季度的模板重新填报" not in p.action
    # the office moves it to Q1's folder and consolidates Q1: accepted there
    shutil.move(misplaced, office.returns_dir("2024Q1") / CORRECTION)
    assert office.consolidate("2024Q1").result.accepted["定海"].name == CORRECTION
    again = office.consolidate("2024Q2").result
    assert not [p for p in again.problems if p.code == "return.earlier_period"]
    assert not [p for p in again.open_problems.get("定海", []) if p.file == CORRECTION]
    # the ledger keeps the record of what was seen
    assert CORRECTION in office.statuses("2024Q2")


def test_a_refused_file_can_be_withdrawn_and_restored(tmp_path):
    office = Office(tmp_path)
    office.submit("2024Q2", "定海", full_values(CAT, "定海", 5))
    blank = office.returns_dir("2024Q2") / "普陀.xlsx"
    shutil.copy(office.generate("2024Q2", ("普陀",))["普陀"], blank)  # sent back unfilled
    out = office.consolidate("2024Q2").result
    assert [p.file for p in out.problems if p.code == "return.blank_template"] == ["普陀.xlsx"]
    ledger = str(office.ledger)
    r = shishi("ledger", "withdraw", "普陀.xlsx", "--period", "2024Q2", "--ledger", ledger)
    assert r.returncode == 0, r.stderr
    assert office.statuses("2024Q2")["普陀.xlsx"] == WITHDRAWN
    out = office.consolidate("2024Q2").result  # still in the folder: stays withdrawn, silent
    assert office.statuses("2024Q2")["普陀.xlsx"] == WITHDRAWN
    assert not [p for p in out.problems if p.file == "普陀.xlsx"]
    r = shishi("ledger", "restore", "普陀.xlsx", "--period", "2024Q2", "--ledger", ledger)
    assert r.returncode == 0, r.stderr
    assert office.statuses("2024Q2")["普陀.xlsx"] == REJECTED
    out = office.consolidate("2024Q2").result
    assert [p.file for p in out.problems if p.code == "return.blank_template"] == ["普陀.xlsx"]


def test_undo_names_the_files_the_run_brought_in_and_they_stay_out_only_when_told(tmp_path):
    office = Office(tmp_path)
    office.submit("2024Q2", "定海", full_values(CAT, "定海", 5))
    office.consolidate("2024Q2")
    office.submit("2024Q2", "定海", full_values(CAT, "定海", 6), name="定海_更正.xlsx")
    office.consolidate("2024Q2")
    ledger = str(office.ledger)
    runs = shishi("history", "--runs", "--ledger", ledger)
    assert runs.returncode == 0, runs.stderr
    r = shishi("ledger", "undo-run", "2", "--ledger", ledger)
    assert r.returncode == 0, r.stderr
    assert "第 2 次运行带入的文件：定海_更正.xlsx" in r.stdout
    assert "移出回收文件夹" in r.stdout and "shishi ledger withdraw" in r.stdout
    # consolidating with the file still in the folder brings it back, as the office was told
    assert office.consolidate("2024Q2").result.accepted["定海"].name == "定海_更正.xlsx"
    r = shishi("ledger", "withdraw", "定海_更正.xlsx", "--period", "2024Q2", "--ledger", ledger)
    assert r.returncode == 0, r.stderr
    assert office.consolidate("2024Q2").result.accepted["定海"].name == "定海.xlsx"
    assert office.consolidate("2024Q2").result.accepted["定海"].name == "定海.xlsx"  # it stays
