"""One slip cannot wipe a quarter: a folder of blank templates, the right returns with the wrong
period, a blank template among real returns, and a ledger an older version already let a
blank template into. Real files, the command line and the button's entry point.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import shishi
from yearkit import UNITS, Office, carried, count_seqs, full_values

from workbook.core.errors import InputError
from workbook.core.period import ACCEPTED_FORMS, parse_period
from workbook.ledger import store


def _dump(ledger: Path) -> list[tuple]:
    """Every row of every table: the ledger's content (opening a ledger re-writes its meta
    rows with the same content, so rows are compared as sets, not by rowid)."""
    con = sqlite3.connect(ledger)
    try:
        tables = [
            r[0]
            for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        ]
        rows = [(t, *row) for t in tables for row in con.execute(f"SELECT * FROM {t}")]
        return sorted(rows, key=repr)
    finally:
        con.close()


@pytest.fixture
def q1(tmp_path):
    """An office whose 2024Q1 returns are consolidated into its ledger."""
    office = Office(tmp_path)
    for k, unit in enumerate(UNITS):
        office.submit("2024Q1", unit, full_values(office.cat, unit, 10 + k))
    office.consolidate("2024Q1")
    return office


def _consolidate(office: Office, folder: Path, period: str) -> object:
    return shishi(
        "consolidate", folder, "--period", period, "-o", office.root / "误" / "s.xlsx",
        "--ledger", office.ledger,
    )  # fmt: skip


def test_a_folder_of_blank_templates_is_refused_and_the_ledger_kept(q1):
    templates = q1.root / "tpl" / "2024Q1"  # the folder beside the returns
    before = _dump(q1.ledger)
    r = _consolidate(q1, templates, "2024Q1")
    assert r.returncode == 2, r.stdout
    assert "3 个填报文件都是未填写的空白模板：是否选成了下发模板的文件夹？" in r.stderr
    assert "报送台账未改动" in r.stderr
    assert _dump(q1.ledger) == before
    assert not (q1.root / "误" / "s.xlsx").exists()
    # next quarter's templates still carry the real Q1 figures
    tpl = q1.generate("2024Q2")
    accepted = q1.accepted("2024Q1")
    for unit in UNITS:
        shown = carried(tpl[unit], q1.cat, unit)
        counts = count_seqs(q1.cat, unit)
        assert counts and all(float(shown[s]) == float(accepted[unit][s]) for s in counts)


def test_the_right_returns_with_the_wrong_period_are_refused_naming_their_period(q1):
    before = _dump(q1.ledger)
    r = _consolidate(q1, q1.returns_dir("2024Q1"), "2024Q3")
    assert r.returncode == 2
    assert "3 个填报文件都是2024年第一季度的填报表：是否应使用 --period 2024Q1" in r.stderr
    assert _dump(q1.ledger) == before


def test_a_blank_template_never_supersedes_a_real_return(q1):
    """The blank 定海 template lands in the returns folder after the real one (newer file)."""
    newer = q1.returns_dir("2024Q1") / "定海_空白.xlsx"
    shutil.copy2(q1.templates[("2024Q1", "定海")], newer)
    newer.touch()
    outcome = q1.consolidate("2024Q1")
    statuses = q1.statuses("2024Q1")
    assert statuses["定海.xlsx"] == "accepted" and statuses["定海_空白.xlsx"] == "rejected"
    blank = next(s for s in outcome.result.submissions if s.name == "定海_空白.xlsx")
    assert [p.code for p in blank.found] == ["return.blank_template"]
    assert not outcome.result.notices  # one blank file among real ones: no folder warning


def test_mostly_templates_is_said_first_and_the_real_returns_still_count(q1, tmp_path):
    mixed = tmp_path / "mixed"
    shutil.copytree(q1.root / "tpl" / "2024Q1", mixed)
    shutil.copy2(q1.returns_dir("2024Q1") / "定海.xlsx", mixed / "定海.xlsx")
    r = _consolidate(q1, mixed, "2024Q1")
    assert r.returncode == 0, r.stderr
    first = r.stdout.splitlines()[0]
    assert (
        first.startswith("注意：4 个填报文件中有 3 个是未填写的空白模板")
        and "其余 1 份照常汇总" in first
    )
    assert q1.statuses("2024Q1")["定海.xlsx"] == "accepted"


def test_the_button_refuses_the_same_slip_with_a_message(q1, tmp_path):
    from macros_py.city import OpenpyxlBook, run_button
    from workbook.app.citybook import build_city_workbook

    files = build_city_workbook(
        tmp_path / "市局", returns_dir=str(q1.root / "tpl" / "2024Q1"), period="2024Q1"
    )
    book = OpenpyxlBook(files.workbook)
    book.set("shishi_ledger", str(q1.ledger))
    before = _dump(q1.ledger)
    assert run_button(book) is None
    assert "空白模板" in book.alerts[-1][1] and "报送台账未改动" in book.alerts[-1][1]
    assert _dump(q1.ledger) == before


def test_a_ledger_an_older_version_let_blank_templates_into_is_healed(q1, monkeypatch):
    """Before blank templates were refused, a run over the templates folder stored them as
    returns (newer files: the real ones became 已被替代). The next run, on the real folder,
    re-judges what the older evaluator stored and the real returns count again."""
    real = q1.accepted("2024Q1")
    with monkeypatch.context() as old:  # what the previous version did
        old.setattr(store, "EVALUATOR_VERSION", "3")
        old.setattr("workbook.returns.identify.is_blank", lambda sub: False)
        old.setattr(
            "workbook.consolidation.consolidate.folder_verdict", lambda subs, period: ("", False)
        )
        shutil.copytree(q1.root / "tpl" / "2024Q1", q1.returns_dir("2024Q1"), dirs_exist_ok=True)
        q1.consolidate("2024Q1")
    assert not any(q1.accepted("2024Q1").values())  # every unit's figures: gone
    wiped = q1.statuses("2024Q1")
    assert all(wiped[f"{u}.xlsx"] == "superseded" for u in UNITS)  # the slip, as it was
    for p in (q1.root / "tpl" / "2024Q1").iterdir():
        (q1.returns_dir("2024Q1") / p.name).unlink()
    q1.consolidate("2024Q1")
    healed = q1.statuses("2024Q1")
    assert q1.accepted("2024Q1") == {u: v for u, v in real.items()}
    assert all(healed[f"{u}.xlsx"] == "accepted" for u in UNITS)
    assert all(s == "rejected" for name, s in healed.items() if name.startswith("2024Q1_"))


@pytest.mark.parametrize(
    "text",
    [
        "2024年第二季度",
        "2024年二季度",
        "2024年第2季度",
        "2024Q2",
        "2024-Q2",
        "2024 Q2",
        "２０２４Ｑ２",
    ],
)
def test_quarters_as_people_write_them(text):
    assert parse_period(text).code == "2024Q2"


def test_months_as_people_write_them_and_the_forms_listed_otherwise():
    assert parse_period("2024年6月").code == parse_period("2024-06").code == "2024M06"
    for bad in ("二季度", "2024Q5", "2024年13月", "2024"):
        with pytest.raises(InputError) as refused:
            parse_period(bad)
        assert ACCEPTED_FORMS in str(refused.value)


def test_the_cli_takes_the_period_as_printed(tmp_path):
    r = shishi("generate", "--period", "2024年第二季度", "--unit", "定海", "--out", tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "2024Q2_定海_十件实事填报.xlsx").exists()
