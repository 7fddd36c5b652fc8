"""A year of runs: each way the figures used to drift from the truth, replayed on real files."""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import os
import sqlite3
import threading
from pathlib import Path

import openpyxl
import pytest
from conftest import shishi
from yearkit import UNITS, Office, carried, count_seqs, full_values, subtitle

from workbook.app.runlock import RunLock
from workbook.catalogue import model as catalogue
from workbook.core.errors import FileIOError, InputError
from workbook.ledger.schema import SCHEMA_VERSION
from workbook.ledger.store import Ledger
from workbook.outputs import feedback


@pytest.fixture
def office(tmp_path):
    return Office(tmp_path)


def test_a_later_file_whose_table_is_broken_does_not_replace_a_good_return(office):
    """定海 reports, then sends a copy whose 累计完成 heading was overwritten (the table cannot
    be read). The broken file is rejected with its reason, shown as open, and the figures
    of the good return stay what the office believes, in this run and the next."""
    import failures
    from yearkit import BASE_TIME

    cat = office.cat
    seq = count_seqs(cat, "定海")[0]
    office.submit("2024Q1", "定海", full_values(cat, "定海", 10))
    office.consolidate("2024Q1")
    broken = office.returns_dir("2024Q1") / "定海_改.xlsx"
    failures.header_changed(office.templates[("2024Q1", "定海")], broken)
    later = BASE_TIME + 60 * (office.clock + 5)
    os.utime(broken, (later, later))
    for _ in range(2):  # the run that sees it, and a rerun
        out = office.consolidate("2024Q1")
        assert office.statuses("2024Q1") == {"定海.xlsx": "accepted", "定海_改.xlsx": "rejected"}
        assert office.accepted("2024Q1")["定海"][seq] == 10
        assert out.result.unit_values[("定海", seq)].value == 10
        assert "定海" not in out.result.missing_units
        open_codes = [p.code for p in out.result.open_problems["定海"]]
        assert "return.header_changed" in open_codes


def test_a_correction_under_the_same_name_replaces_the_figure_everywhere(office):
    cat = office.cat
    seq = count_seqs(cat, "定海")[0]
    first = full_values(cat, "定海", 10)
    office.submit("2024Q1", "定海", first)
    office.consolidate("2024Q1")
    corrected = first | {seq: 99.0}
    office.submit("2024Q1", "定海", corrected)  # same file name, one figure changed
    out = office.consolidate("2024Q1")
    statuses = sorted(s.status for s in out.result.submissions if s.unit == "定海")
    assert statuses == ["accepted", "superseded"]
    assert office.accepted("2024Q1")["定海"][seq] == 99.0
    assert out.result.unit_values[("定海", seq)].value == 99.0
    q2 = office.generate("2024Q2")
    assert carried(q2["定海"], cat, "定海")[seq] == 99.0
    # the superseded return keeps its values in the ledger
    with Ledger(office.ledger) as led:
        old = next(s for s in led.submissions(cat.catalogue_id, "2024Q1") if s.status != "accepted")
        assert old.status == "superseded" and "较新的文件" in old.decision
        assert led.values(old.ledger_id)[seq].value == first[seq]


def test_an_older_file_arriving_later_does_not_replace_the_newer_one(office):
    cat = office.cat
    seq = count_seqs(cat, "普陀")[0]
    old = office.submit("2024Q2", "普陀", full_values(cat, "普陀", 5), name="旧.xlsx")
    office.submit("2024Q2", "普陀", full_values(cat, "普陀", 50), name="新.xlsx")
    (office.returns_dir("2024Q2") / "旧.xlsx").rename(office.root / "旧.xlsx")
    office.consolidate("2024Q2")  # only the newer file in the folder
    (office.root / "旧.xlsx").rename(old)  # the older one turns up in a later run
    out = office.consolidate("2024Q2")
    assert office.accepted("2024Q2")["普陀"][seq] == 50.0
    assert {s.name: s.status for s in out.result.submissions} == {
        "旧.xlsx": "superseded",
        "新.xlsx": "accepted",
    }


def test_a_missed_quarter_carries_the_latest_figure_and_still_warns(office):
    cat = office.cat
    seq = count_seqs(cat, "岱山")[0]
    office.submit("2024Q1", "岱山", full_values(cat, "岱山", 40))
    office.consolidate("2024Q1")
    office.consolidate("2024Q2")  # 岱山 sends nothing for Q2
    q3 = office.generate("2024Q3")
    shown = carried(q3["岱山"], cat, "岱山")
    assert shown[seq] == 40.0 and len(shown) == len(full_values(cat, "岱山", 0))
    assert "上期累计：2024年第一季度已确认数" in subtitle(q3["岱山"])
    office.submit("2024Q3", "岱山", full_values(cat, "岱山", 40) | {seq: 3.0})
    out = office.consolidate("2024Q3")
    dec = [p for p in out.result.problems if p.code == "value.decreased"]
    assert [(p.unit, p.seq) for p in dec] == [("岱山", seq)]
    assert "小于2024年第一季度已确认的累计数 40" in dec[0].message


def test_a_figure_missing_in_the_latest_quarter_comes_from_the_one_before(office):
    cat = office.cat
    a, b = count_seqs(cat, "定海")[:2]
    office.submit("2024Q1", "定海", full_values(cat, "定海", 10))
    office.consolidate("2024Q1")
    office.submit("2024Q2", "定海", full_values(cat, "定海", 20) | {b: None})
    office.consolidate("2024Q2")
    q3 = office.generate("2024Q3")["定海"]
    shown = carried(q3, cat, "定海")
    assert (
        shown[a] == full_values(cat, "定海", 20)[a] and shown[b] == full_values(cat, "定海", 10)[b]
    )
    ws = openpyxl.load_workbook(q3)["填报表"]
    notes = {c.coordinate: c.comment.text for row in ws.iter_rows() for c in row if c.comment}
    assert list(notes.values()) == [
        "本项上期累计取自2024年第一季度已确认数（之后的期次没有本项的确认数）。"
    ]
    assert "上期累计：2024年第二季度已确认数" in subtitle(q3)


def test_returns_rejected_under_a_wrong_catalogue_count_once_the_right_one_is_used(office):
    cat = office.cat
    seq = count_seqs(cat, "普陀")[0]
    office.submit("2024Q2", "普陀", full_values(cat, "普陀", 30))
    data = cat.as_dict()
    data["version"] = "2024.9"
    data["indicators"][seq - 1]["targets"]["普陀"]["text"] = "99"
    data["indicators"][seq - 1]["targets"]["普陀"]["value"] = 99
    wrong = catalogue.from_dict(data)
    office.cat = wrong
    before = office.statuses("2024Q2")
    # its only file was made for other targets: the run says so and records nothing
    with pytest.raises(InputError, match="属于另一套目录"):
        office.consolidate("2024Q2")
    assert office.statuses("2024Q2") == before
    office.cat = cat
    second = office.consolidate("2024Q2")
    assert [s.status for s in second.result.submissions] == ["accepted"]
    assert office.accepted("2024Q2")["普陀"][seq] == 30.0
    assert carried(office.generate("2024Q3")["普陀"], cat, "普陀")[seq] == 30.0


def test_a_period_outside_the_catalogue_year_is_refused_before_anything_is_written(office):
    for args in (
        ["generate", "--period", "2025Q1", "--out", office.root / "t"],
        ["consolidate", office.root, "--period", "2025Q1", "-o", office.root / "s" / "x.xlsx"],
    ):
        r = shishi(*args)
        assert r.returncode == 2, r.stderr
        assert "期次 2025Q1（2025年第一季度）属于 2025 年" in r.stderr
        assert "是 2024 年的" in r.stderr and "Traceback" not in r.stderr
    assert not (office.root / "t").exists() and not (office.root / "s").exists()
    with pytest.raises(InputError):
        office.consolidate("2025Q1")


def test_cli_and_button_share_one_ledger_whatever_the_working_folder(office, tmp_path):
    cat = office.cat
    seq = count_seqs(cat, "定海")[0]
    office.submit("2024Q1", "定海", full_values(cat, "定海", 7))
    a, b = tmp_path / "from_a", tmp_path / "from_b"
    a.mkdir()
    b.mkdir()
    r = shishi(
        "consolidate",
        office.returns_dir("2024Q1"),
        "--period",
        "2024Q1",
        "-o",
        tmp_path / "q1.xlsx",
        cwd=a,
    )
    shared = Path(os.environ["SHISHI_HOME"]) / "ledger.sqlite3"
    assert r.returncode == 0, r.stderr
    assert f"报送台账：{shared}" in r.stdout
    r = shishi("generate", "--period", "2024Q2", "--unit", "定海", "--out", tmp_path / "t", cwd=b)
    assert r.returncode == 0, r.stderr
    assert f"报送台账：{shared}" in r.stdout
    assert carried(tmp_path / "t" / "2024Q2_定海_十件实事填报.xlsx", cat, "定海")[seq] == 7.0
    assert not list(a.iterdir()) and not list(b.iterdir())  # nothing left in the cwd


def test_a_ledger_that_is_not_a_ledger_gives_a_chinese_message(tmp_path):
    bad = tmp_path / "notes.sqlite3"
    bad.write_text("这不是数据库", encoding="utf-8")
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE t (x)")
    with pytest.raises(FileIOError, match="这是一个文件夹"):
        Ledger(tmp_path)
    for path, words in ((bad, "不是 SQLite 数据库"), (other, "别的程序的数据库")):
        with pytest.raises(FileIOError, match=words):
            Ledger(path)
        r = shishi("history", "--ledger", path)
        assert r.returncode == 2 and words in r.stderr and "Traceback" not in r.stderr, r.stderr


def test_feedback_is_per_period_and_goes_away_when_fixed(office):
    cat = office.cat
    seqs = count_seqs(cat, "岱山")
    good = full_values(cat, "岱山", 10)
    office.submit("2024Q1", "岱山", good | {seqs[0]: "二十"})
    office.consolidate("2024Q1")
    office.submit("2024Q2", "岱山", good | {seqs[0]: "三十"})
    office.consolidate("2024Q2")
    fb = office.root / "汇总" / "退回修改"
    assert sorted(p.name for p in fb.iterdir()) == [
        "2024Q1_岱山_退回修改.xlsx",
        "2024Q2_岱山_退回修改.xlsx",
    ]
    (fb / "岱山_退回修改.xlsx").write_bytes(b"old naming, from an earlier version")
    office.submit("2024Q2", "岱山", good, name="岱山_改.xlsx")
    out = office.consolidate("2024Q2")
    assert sorted(p.name for p in fb.iterdir() if p.is_file()) == ["2024Q1_岱山_退回修改.xlsx"]
    archived = sorted(p.name for p in (fb / "已归档").rglob("*.xlsx"))
    assert archived == ["2024Q2_岱山_退回修改.xlsx", "岱山_退回修改.xlsx"]
    assert out.feedback == [] and len(out.archived) == 2
    assert "移入归档" in out.text()
    assert not [p for p in out.result.problems if p.unit == "岱山"]  # only what is open


def test_a_bad_file_after_a_good_one_is_sent_back_without_losing_the_good_one(office):
    cat = office.cat
    seq = count_seqs(cat, "普陀")[0]
    office.submit("2024Q2", "普陀", full_values(cat, "普陀", 10))
    office.consolidate("2024Q2")
    office.submit(
        "2024Q2",
        "普陀",
        full_values(cat, "普陀", 10),
        name="第一季度的表.xlsx",
        template_code="2024Q1",
    )
    out = office.consolidate("2024Q2")
    assert office.accepted("2024Q2")["普陀"][seq] == 10.0
    assert [p.code for p in out.result.open_problems["普陀"]] == ["return.earlier_period"]
    fb = office.root / "汇总" / "退回修改" / "2024Q2_普陀_退回修改.xlsx"
    assert "第一季度" in str(openpyxl.load_workbook(fb).active["G5"].value)


def test_rerunning_the_same_folder_changes_nothing(office):
    for u in UNITS:
        office.submit("2024Q2", u, full_values(office.cat, u, 3))
    office.consolidate("2024Q2")
    with Ledger(office.ledger) as led:
        before = led.dump()
    again = office.consolidate("2024Q2")
    assert again.recorded == 0
    with Ledger(office.ledger) as led:
        assert led.dump() == before


def test_history_is_per_catalogue_year_and_knows_units_of_other_years(office):
    cat = office.cat
    office.submit("2024Q1", "定海", full_values(cat, "定海", 1))
    office.consolidate("2024Q1")
    data = cat.as_dict()
    data.update(version="2025.1", year=2025)
    data["units"].append({"id": "新区", "full_name": "新区分局", "kind": "zone"})
    for ind in data["indicators"]:
        if "定海" in ind["targets"]:
            ind["targets"]["新区"] = dict(ind["targets"]["定海"])
    cat25 = catalogue.from_dict(data)
    path25 = office.root / "catalogue_2025.json"
    path25.write_text(cat25.to_json(), encoding="utf-8")
    office25 = Office(office.root / "y2025", cat25)
    office25.ledger = office.ledger
    office25.submit("2025Q1", "新区", full_values(cat25, "新区", 2))
    office25.consolidate("2025Q1")
    led = ["--ledger", office.ledger, "--json"]
    y24 = json.loads(shishi("history", *led).stdout)
    assert {s["period"] for s in y24["submissions"]} == {"2024Q1"}
    y25 = json.loads(shishi("history", "--catalogue", path25, *led).stdout)
    assert {s["period"] for s in y25["submissions"]} == {"2025Q1"}
    r = shishi("history", "--unit", "新区", *led)  # 新区 is only in the 2025 catalogue
    assert r.returncode == 0, r.stderr
    r = shishi("history", "--unit", "新区", "--all-years", *led)
    assert [s["unit"] for s in json.loads(r.stdout)["submissions"]] == ["新区"]
    r = shishi("history", "--unit", "不存在", "--ledger", office.ledger)
    assert r.returncode == 2 and "都没有单位“不存在”" in r.stderr


def test_two_runs_at_once_are_serialised(office):
    for u in UNITS:
        office.submit("2024Q2", u, full_values(office.cat, u, 3))
    outcomes, errors = [], []

    def one() -> None:
        try:
            outcomes.append(office.consolidate("2024Q2"))
        except Exception as exc:  # pragma: no cover - the assertion below shows it
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(o.recorded for o in outcomes) == [0, 3]  # the second saw the first's work
    assert len(office.statuses("2024Q2")) == 3


def test_a_run_gives_up_with_a_chinese_message_when_another_holds_the_lock(office):
    office.settings = dataclasses.replace(office.settings, lock_wait_seconds=0.5)
    with (
        RunLock(office.ledger.with_name(office.ledger.name + ".lock")),
        pytest.raises(FileIOError, match="另一个汇总正在进行"),
    ):
        office.consolidate("2024Q2")
    assert not office.ledger.exists()


def _state(office, code):
    with Ledger(office.ledger) as led:
        dump = led.dump()
    files = {
        p.relative_to(office.root / "汇总").as_posix(): p.read_bytes()
        for p in (office.root / "汇总").rglob("*")
        if p.is_file()
    }
    return dump, files


@pytest.mark.parametrize(
    "where",
    ["scan", "summary", "feedback", "preflight", "journal"],
)
def test_ctrl_c_before_the_commit_leaves_everything_as_it_was(office, monkeypatch, where):
    cat = office.cat
    for u in UNITS:
        office.submit("2024Q2", u, full_values(cat, u, 3) | {count_seqs(cat, u)[0]: "x"})
    office.consolidate("2024Q2")
    before = _state(office, "2024Q2")
    office.submit("2024Q2", "定海", full_values(cat, "定海", 8), name="定海_改.xlsx")

    def stop(*a, **k):
        raise KeyboardInterrupt

    target = {
        "scan": ("workbook.consolidation.consolidate.evaluate", None),  # while the workers read
        "summary": ("workbook.outputs.summary._build_summary", None),
        "feedback": ("workbook.outputs.feedback._feedback", None),
        "preflight": ("workbook.app.staging.Staging.preflight", None),
        "journal": ("workbook.ledger.store.Ledger.journal", None),
    }[where][0]
    monkeypatch.setattr(target, stop)
    with pytest.raises(KeyboardInterrupt):
        office.consolidate("2024Q2")
    monkeypatch.undo()
    assert multiprocessing.active_children() == []  # no reader outlives the run
    assert _state(office, "2024Q2") == before
    leftovers = [p for p in office.root.rglob(".~*")]
    assert leftovers == []
    after = office.consolidate("2024Q2")  # and the next run does the whole job
    assert after.result.accepted["定海"].name == "定海_改.xlsx"


def test_a_crash_while_publishing_is_completed_by_the_next_run(office, monkeypatch):
    cat = office.cat
    office.submit("2024Q2", "定海", full_values(cat, "定海", 3))
    calls = []
    real = os.replace

    def crash_after_one(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise SystemExit("power cut")
        real(src, dst)

    monkeypatch.setattr("workbook.app.staging.os.replace", crash_after_one)
    with pytest.raises(SystemExit):
        office.consolidate("2024Q2")
    monkeypatch.undo()
    assert office.accepted("2024Q2")  # the ledger committed the run
    outputs = office.outputs("2024Q2")
    assert not all(Path(outputs[k]).exists() for k in ("output", "json_path", "csv_path"))
    with Ledger(office.ledger) as led:
        assert led.recover() == 1  # what the next run does first
    assert all(Path(outputs[k]).exists() for k in ("output", "json_path", "csv_path"))
    assert not list(office.root.rglob(".~shishi-*"))
    report = json.loads(Path(outputs["json_path"]).read_text(encoding="utf-8"))
    assert report["missing_units"] == [u for u in cat.unit_ids if u != "定海"]


def test_ledger_of_schema_1_is_migrated_with_its_history(office, tmp_path):
    """A ledger written by the first release keeps its rows and accepted values."""
    path = tmp_path / "v1.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(
            """
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            INSERT INTO meta VALUES ('schema_version', '1');
            CREATE TABLE submissions (id INTEGER PRIMARY KEY, catalogue_id TEXT NOT NULL,
              catalogue_version TEXT NOT NULL, period TEXT NOT NULL, sha256 TEXT NOT NULL,
              unit TEXT NOT NULL, template_period TEXT NOT NULL, file_name TEXT NOT NULL,
              file_time TEXT NOT NULL, size INTEGER NOT NULL, status TEXT NOT NULL,
              decision TEXT NOT NULL, problems INTEGER NOT NULL, errors INTEGER NOT NULL,
              recorded_at TEXT NOT NULL, UNIQUE (catalogue_id, period, sha256));
            CREATE TABLE submission_values (submission_id INTEGER NOT NULL
              REFERENCES submissions(id), seq INTEGER NOT NULL, value_num REAL,
              value_text TEXT, PRIMARY KEY (submission_id, seq));
            INSERT INTO submissions VALUES (1, 'zhoushan-shishi', '2024.1', '2024Q1', 'abc',
              '定海', '2024Q1', '定海.xlsx', '2024-04-01T10:00:00', 100, 'accepted', '采用',
              0, 0, '2024-04-02T10:00:00');
            INSERT INTO submission_values VALUES (1, 10, 12.0, NULL);
            """
        )
    with Ledger(path) as led:
        assert led.accepted_values("zhoushan-shishi", "2024Q1") == {"定海": {10: 12.0}}
        p2 = office.period("2024Q2")
        assert led.latest_before("zhoushan-shishi", p2) == {"定海": {10: ("2024Q1", 12.0)}}
        assert led.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == (
            str(SCHEMA_VERSION),
        )


def test_ledger_of_schema_2_without_bases_is_brought_up(office, tmp_path):
    """Schema 2 as first released had no ``base`` column; such a ledger (a year's history)
    made template generation and consolidation fail with "no such column: v.base". It is
    migrated: its rows kept, the column added, the year goes on."""
    from workbook.ledger import schema as ledger_schema

    office.submit("2024Q1", "定海", {10: 12})
    office.consolidate("2024Q1")
    old_tables = ledger_schema._TABLES.replace(
        "    base REAL,                       -- the start-of-year base of a stock\n", ""
    )
    assert old_tables != ledger_schema._TABLES
    path = tmp_path / "v2.sqlite3"
    with sqlite3.connect(office.ledger) as src, sqlite3.connect(path) as db:
        db.executescript(old_tables)
        for table in ("meta", "submissions", "runs"):
            rows = src.execute(f"SELECT * FROM {table}").fetchall()
            cols = len(rows[0]) if rows else 0
            db.executemany(f"INSERT OR REPLACE INTO {table} VALUES ({','.join('?' * cols)})", rows)
        rows = src.execute("SELECT * FROM submission_values").fetchall()
        db.executemany(
            f"INSERT INTO submission_values VALUES ({','.join('?' * 10)})", [r[:10] for r in rows]
        )
        db.execute("UPDATE meta SET value='2' WHERE key='schema_version'")
    before = sqlite3.connect(path).execute("SELECT COUNT(*) FROM submission_values").fetchone()
    assert "base" not in {
        r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(submission_values)")
    }
    with Ledger(path) as led:
        assert led.accepted_values("zhoushan-shishi", "2024Q1")["定海"][10] == 12
        assert led.bases("zhoushan-shishi", 2024) == {}
        assert led.latest_before("zhoushan-shishi", office.period("2024Q2"))["定海"][10] == (
            "2024Q1",
            12.0,
        )
    db = sqlite3.connect(path)
    assert db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == (
        str(SCHEMA_VERSION),
    )
    assert db.execute("SELECT COUNT(*) FROM submission_values").fetchone() == before
    assert "base" in {r[1] for r in db.execute("PRAGMA table_info(submission_values)")}


def test_summary_feedback_name_is_the_documented_one():
    assert feedback.feedback_name("2024Q3", "定海") == "2024Q3_定海_退回修改.xlsx"


def _cli_consolidate(office, code, **popen):
    import subprocess
    import sys

    o = office.outputs(code)
    popen.setdefault("stderr", subprocess.PIPE)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "workbook",
            "consolidate",
            str(office.returns_dir(code)),
            "--period",
            code,
            "-o",
            str(o["output"]),
            "--json",
            str(o["json_path"]),
            "--ledger",
            str(office.ledger),
        ],
        stdout=subprocess.PIPE,
        text=True,
        **popen,
    )


def test_two_command_line_runs_at_once_both_finish_as_if_one_after_the_other(office):
    for u in UNITS:
        office.submit("2024Q2", u, full_values(office.cat, u, 3))
    procs = [_cli_consolidate(office, "2024Q2") for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    recorded = sorted(
        int(line.split("本次新记录或更新 ")[1].split(" 条")[0])
        for out, _ in outs
        for line in out.splitlines()
        if "本次新记录或更新" in line
    )
    assert recorded == [0, 3]
    assert set(office.statuses("2024Q2").values()) == {"accepted"}


def _read_until(fd, wanted, timeout=120):
    """What a terminal (the pty's master ``fd``) showed until ``wanted`` matched, or EOF."""
    import os
    import re
    import select
    import time

    seen = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if wanted is not None and re.search(wanted, seen.decode("utf-8", "replace")):
            break
        if not select.select([fd], [], [], 0.5)[0]:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    return seen.decode("utf-8", "replace")


def test_a_real_ctrl_c_leaves_the_previous_state(office):
    """Ctrl-C while the files are being read (the terminal shows 读取回收文件 k/n with k < n,
    a condition, not a sleep): nothing of the run is kept."""
    import os
    import pty
    import shutil
    import signal

    cat = office.cat
    for u in UNITS:
        office.submit("2024Q2", u, full_values(cat, u, 3))
    office.consolidate("2024Q2")
    before = _state(office, "2024Q2")
    newer = office.submit("2024Q2", "定海", full_values(cat, "定海", 10), name="定海_改.xlsx")
    for k in range(300):  # enough files that reading takes a while
        shutil.copy(newer, office.returns_dir("2024Q2") / f"副本{k}.xlsx")
    master, slave = pty.openpty()  # a terminal, so the run shows its progress
    proc = _cli_consolidate(office, "2024Q2", stderr=slave)
    os.close(slave)
    shown = _read_until(master, r"读取回收文件 (\d+)/(\d+)")
    assert "读取回收文件" in shown, shown
    proc.send_signal(signal.SIGINT)
    shown += _read_until(master, None)
    proc.communicate(timeout=300)
    os.close(master)
    assert proc.returncode == 130, shown
    assert "已中断" in shown and "Traceback" not in shown
    assert _state(office, "2024Q2") == before
    assert not list(office.root.rglob(".~shishi-*"))


def test_found_by_the_model_a_newer_file_wins_even_with_more_errors(office):
    """The rule is the newest file; errors only break a tie of file times."""
    cat = office.cat
    seq = count_seqs(cat, "定海")[0]
    office.submit("2024Q1", "定海", full_values(cat, "定海", 10))
    office.consolidate("2024Q1")
    office.submit("2024Q1", "定海", full_values(cat, "定海", 20) | {seq: "二十"})
    out = office.consolidate("2024Q1")
    assert office.accepted("2024Q1")["定海"].get(seq) is None
    assert [p.code for p in out.result.open_problems["定海"]] == ["value.not_number"]


def test_found_by_the_model_raising_an_earlier_quarter_warns_the_later_one(office):
    """Q1 corrected upward above Q3's figure: Q3's next run warns of the decrease."""
    cat = office.cat
    seq = count_seqs(cat, "定海")[0]
    office.submit("2024Q1", "定海", full_values(cat, "定海", 10))
    office.consolidate("2024Q1")
    office.submit("2024Q3", "定海", full_values(cat, "定海", 30))
    assert "定海" not in office.consolidate("2024Q3").result.open_problems
    office.submit("2024Q1", "定海", full_values(cat, "定海", 50))
    office.consolidate("2024Q1")
    out = office.consolidate("2024Q3")
    dec = [p for p in out.result.open_problems["定海"] if p.seq == seq]
    assert [p.code for p in dec] == ["value.decreased"] and "2024年第一季度" in dec[0].message


def test_a_ctrl_c_while_the_run_is_written_is_finished_and_said(office, monkeypatch):
    """A real SIGINT arriving while the outputs are published (after the ledger's commit):
    the run is written whole, and the lines the user reads say that the Ctrl-C was not
    obeyed and how to take the run back."""
    import signal

    from workbook.app.run import LATE_INTERRUPT
    from workbook.app.staging import Staging

    cat = office.cat
    office.submit("2024Q2", "定海", full_values(cat, "定海", 3))
    publish = Staging.publish

    def publish_hit_by_ctrl_c(self):
        os.kill(os.getpid(), signal.SIGINT)
        publish(self)

    monkeypatch.setattr(Staging, "publish", publish_hit_by_ctrl_c)
    out = office.consolidate("2024Q2")
    assert out.late_interrupt and out.summary.exists()
    assert LATE_INTERRUPT in out.text()
    assert set(office.statuses("2024Q2").values()) == {"accepted"}
    monkeypatch.setattr(Staging, "publish", publish)
    assert LATE_INTERRUPT not in office.consolidate("2024Q2").text()
