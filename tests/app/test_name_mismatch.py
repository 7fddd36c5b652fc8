"""A template picked up by the wrong unit: 新城 types its figures into 六横's template and
saves it as 新城分局2024Q2（更正）.xlsx. The template decides whose return it is, but it
never silently replaces 六横's own return: an error at both units, 新城 chased with the
reason, and the office's confirmation (``shishi ledger accept``) as the only way in."""

from __future__ import annotations

import sqlite3

import pytest
from conftest import shishi
from yearkit import Office, count_seqs, full_values

from workbook.catalogue import model as catalogue
from workbook.core.submission import SUPERSEDED, named_other
from workbook.returns.identify import unit_named

CAT = catalogue.load()
MISNAMED = "新城分局2024Q2（更正）.xlsx"


@pytest.mark.parametrize(
    ("name", "unit"),
    [
        ("新城分局2024Q2（更正）.xlsx", "新城"),
        ("普陀山分局.xlsx", "普陀山"),  # 普陀 inside 普陀山 counts for 普陀山
        ("普陀区市场监督管理局-二季度.xlsx", "普陀"),
        ("六横-2024年第二季度十件实事填报.xlsx", "六横"),
        ("新城/2024Q2.xlsx", "新城"),  # the folder, when the file name names nobody
        ("新城/六横.xlsx", "六横"),  # the file name first
        ("定海普陀合并.xlsx", ""),  # two units: nothing to go on
        ("2024Q2（更正）.xlsx", ""),
        ("舟山市市场监督管理局.xlsx", "市局"),
    ],
)
def test_the_unit_a_file_name_names(name, unit):
    assert unit_named(name, CAT) == unit


def _q2(tmp_path):
    office = Office(tmp_path)
    office.submit("2024Q2", "六横", full_values(CAT, "六横", 5), name="六横.xlsx")
    office.submit("2024Q2", "六横", full_values(CAT, "六横", 1), name=MISNAMED)  # newer
    return office


def test_a_misnamed_newer_file_does_not_replace_the_unit_s_return(tmp_path):
    office = _q2(tmp_path)
    out = office.consolidate("2024Q2").result
    assert out.accepted["六横"].name == "六横.xlsx"
    loser = next(s for s in out.submissions if s.name == MISNAMED)
    assert loser.status == SUPERSEDED and named_other(loser) == "新城"
    assert "文件名写的是新城，模板却是六横的" in loser.decision
    said = {(p.unit, p.severity) for p in out.problems if p.code == "return.name_mismatch"}
    assert said == {("六横", "error"), ("新城", "error")}
    (at_xincheng,) = [
        p for p in out.problems if p.code == "return.name_mismatch" and p.unit == "新城"
    ]
    assert "新城是否误用了六横的模板" in at_xincheng.message
    assert "新城" in out.missing_units
    chase = next(c for c in out.chase if c.unit == "新城")
    assert MISNAMED in chase.message and "用的是六横的模板" in chase.message
    # the figures that count are 六横's own (typed from 5), not those of the misnamed file
    own, misnamed = full_values(CAT, "六横", 5), full_values(CAT, "六横", 1)
    counts = [s for s in count_seqs(CAT, "六横") if own[s] != misnamed[s]]
    assert counts
    assert [office.accepted("2024Q2")["六横"][s] for s in counts] == [own[s] for s in counts]


def test_only_the_office_s_confirmation_lets_it_in_and_undo_takes_that_back(tmp_path):
    office = _q2(tmp_path)
    office.consolidate("2024Q2")
    ledger = str(office.ledger)
    reason = "六横来电：更正件命名有误"
    r = shishi(
        "ledger", "accept", MISNAMED, "--period", "2024Q2", "--ledger", ledger, "--reason", reason
    )
    assert r.returncode == 0, r.stderr
    assert "已确认" in r.stdout and f"六横：现采用{MISNAMED}" in r.stdout.replace(" ", "")
    out = office.consolidate("2024Q2").result
    assert out.accepted["六横"].name == MISNAMED
    assert not [p for p in out.problems if p.code == "return.name_mismatch"]
    again = shishi("ledger", "accept", MISNAMED, "--period", "2024Q2", "--ledger", ledger)
    assert again.returncode != 0 and "已于此前确认" in again.stderr
    plain = shishi("ledger", "accept", "六横.xlsx", "--period", "2024Q2", "--ledger", ledger)
    assert plain.returncode != 0 and "无需确认" in plain.stderr
    with sqlite3.connect(ledger) as db:
        (accept_run,) = db.execute("SELECT id FROM runs WHERE kind='accept'").fetchone()
        (last,) = db.execute("SELECT MAX(id) FROM runs WHERE kind='consolidate'").fetchone()
    assert last > accept_run  # the period was consolidated since: undone first, as the rule says
    assert shishi("ledger", "undo-run", str(accept_run), "--ledger", ledger).returncode != 0
    assert shishi("ledger", "undo-run", str(last), "--ledger", ledger).returncode == 0
    r = shishi("ledger", "undo-run", str(accept_run), "--ledger", ledger)
    assert r.returncode == 0, r.stderr
    out = office.consolidate("2024Q2").result
    assert out.accepted["六横"].name == "六横.xlsx"


def test_a_misnamed_file_alone_counts_for_its_template_s_unit_with_the_error(tmp_path):
    office = Office(tmp_path)
    office.submit("2024Q2", "六横", full_values(CAT, "六横", 5), name=MISNAMED)
    out = office.consolidate("2024Q2").result
    assert out.accepted["六横"].name == MISNAMED
    units = {p.unit for p in out.problems if p.code == "return.name_mismatch"}
    assert units == {"六横", "新城"}
    assert any(p.code == "return.name_mismatch" for p in out.open_problems["六横"])


def test_once_the_named_unit_sends_its_own_return_only_the_office_s_decision_is_left(tmp_path):
    """A sequence: the misnamed file, then 新城's own return (newer): 新城 is no longer told
    to refill; 六横 still hears of the file until the office withdraws it."""
    office = _q2(tmp_path)
    office.consolidate("2024Q2")
    office.submit("2024Q2", "新城", full_values(CAT, "新城", 5))  # 新城's own, a minute later
    out = office.consolidate("2024Q2").result
    said = {p.unit for p in out.problems if p.code == "return.name_mismatch"}
    assert said == {"六横"} and "新城" not in out.missing_units
    assert not [p for p in out.open_problems.get("新城", []) if p.code == "return.name_mismatch"]
    r = shishi("ledger", "withdraw", MISNAMED, "--period", "2024Q2", "--ledger", office.ledger)
    assert r.returncode == 0, r.stderr
    out = office.consolidate("2024Q2").result
    assert not [p for p in out.problems if p.code == "return.name_mismatch"]
    assert out.accepted["六横"].name == "六横.xlsx"
