"""What a run says about its ledger and its folder: a ledger it creates (a forgotten
--ledger starts an empty one), a ledger without the year's earlier periods, and the folder's
files apart from what the ledger holds from earlier runs."""

from __future__ import annotations

from conftest import shishi
from yearkit import Office, full_values

from workbook.catalogue import model as catalogue

CAT = catalogue.load()
NEW = "新建报送台账："
NO_EARLIER = "报送台账中没有2024年本期以前各期的记录"


def test_a_new_ledger_and_a_year_without_its_earlier_periods_are_said(tmp_path):
    office = Office(tmp_path)
    office.submit("2024Q2", "定海", full_values(CAT, "定海", 5))
    first = office.consolidate("2024Q2").text()
    assert f"{NEW}{office.ledger}" in first and NO_EARLIER in first
    assert "从2024年第二季度算起" in first and "--ledger" in first
    again = office.consolidate("2024Q2").text()
    assert NEW not in again and NO_EARLIER in again  # still no Q1 in this ledger


def test_a_year_consolidated_from_q1_says_nothing(tmp_path):
    office = Office(tmp_path)
    office.submit("2024Q1", "定海", full_values(CAT, "定海", 2))
    q1 = office.consolidate("2024Q1").text()
    assert NEW in q1 and NO_EARLIER not in q1  # the first period has nothing before it
    office.submit("2024Q2", "定海", full_values(CAT, "定海", 5))
    q2 = office.consolidate("2024Q2").text()
    assert NEW not in q2 and NO_EARLIER not in q2


def test_a_forgotten_ledger_option_is_said_on_the_command_line(tmp_path):
    office = Office(tmp_path)
    office.submit("2024Q2", "定海", full_values(CAT, "定海", 5))
    out = tmp_path / "汇总.xlsx"
    r = shishi("consolidate", office.returns_dir("2024Q2"), "--period", "2024Q2", "-o", out)
    assert r.returncode in (0, 1), r.stderr
    assert NEW in r.stdout and NO_EARLIER in r.stdout


def test_the_count_line_separates_the_folder_from_the_ledger(tmp_path):
    office = Office(tmp_path)
    office.submit("2024Q2", "定海", full_values(CAT, "定海", 5))
    moved = office.submit("2024Q2", "普陀", full_values(CAT, "普陀", 5))
    assert "文件夹中 2 个文件，" in office.consolidate("2024Q2").text()
    moved.unlink()  # the office moved it away
    text = office.consolidate("2024Q2").text()
    assert "文件夹中 1 个文件（台账中另有此前收到的报送 1 份）" in text
