"""Consolidation of real returned files: one test per failure of FIELD_NOTES.md that applies."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import json
import math
import os
import shutil
import time
from pathlib import Path

import failures
import openpyxl
import pytest
from conftest import needs_soffice, shishi
from lo_helpers import lo_run
from xlsxwriter.utility import xl_col_to_name

from shishi_demo.samples import fill_return, sample_values
from workbook.catalogue import model as catalogue
from workbook.catalogue.model import reporting_rows
from workbook.consolidation.consolidate import consolidate
from workbook.core.errors import FileIOError, InputError
from workbook.core.measures import measure
from workbook.core.period import parse_period
from workbook.core.settings import load_settings
from workbook.core.submission import ACCEPTED, REJECTED, SKIPPED, SUPERSEDED
from workbook.outputs import data as dataout
from workbook.outputs import feedback, summary, tallies
from workbook.returns.pool import scan
from workbook.template.build import generate

PERIOD = parse_period("2024Q2")


@pytest.fixture(scope="module")
def cat():
    return catalogue.load()


@pytest.fixture(scope="module")
def templates(cat, tmp_path_factory):
    out = tmp_path_factory.mktemp("q2")
    return dict(zip(cat.unit_ids, generate(cat, PERIOD, out), strict=True))


def run(folder: Path, cat, **settings):
    return consolidate(folder, cat, PERIOD, dataclasses.replace(load_settings(), **settings))


def problems(result, code=None, unit=None):
    return [
        p
        for p in result.problems
        if (code is None or p.code == code) and (unit is None or p.unit == unit)
    ]


def sub_by_name(result, name):
    return next(s for s in result.submissions if s.name == name)


def filled(templates, cat, unit, folder: Path, name=None, **kw) -> Path:
    values = kw.pop("values", None) or sample_values(cat, unit, PERIOD)
    return fill_return(templates[unit], folder / (name or f"{unit}.xlsx"), values, **kw)


# --- a clean folder --------------------------------------------------------------------------


def test_clean_returns_give_the_expected_city_figures(cat, templates, tmp_path):
    values = {}
    for unit in cat.unit_ids:
        values[unit] = sample_values(cat, unit, PERIOD, seed=7)
        filled(templates, cat, unit, tmp_path, values=values[unit])
    res = run(tmp_path, cat)
    assert all(s.status == ACCEPTED for s in res.submissions)
    assert res.missing_units == []
    assert not [p for p in res.problems if p.severity == "error"]
    # independent expectation: additive rows are the sum of the units' values
    for ind in cat.indicators:
        if ind.additive and not ind.city_only:
            expect = sum(v[ind.seq] for v in values.values() if ind.seq in v)
            assert res.city[ind.seq].value == pytest.approx(expect), ind.seq
    # statuses recomputed here from first principles for one unit
    for row in reporting_rows(cat, "定海"):
        if row.indicator.measure == "count":
            v, t = values["定海"][row.indicator.seq], row.target.value
            want = (
                "已完成"
                if v >= t
                else "符合序时进度"
                if v >= t * 0.5
                else "推进中"  # short of 序时进度 by less than one whole item
                if v >= math.floor(t * 0.5)
                else "滞后"
            )
            assert res.unit_values[("定海", row.indicator.seq)].status == want


# --- files as they come back -----------------------------------------------------------------


def test_renamed_and_misleadingly_named_returns_are_identified(cat, templates, tmp_path):
    filled(templates, cat, "新城", tmp_path, name="六横-十件实事(修改版)(1).xlsx")
    res = run(tmp_path, cat)
    s = sub_by_name(res, "六横-十件实事(修改版)(1).xlsx")
    assert (s.unit, s.status) == ("新城", ACCEPTED)
    assert "六横" in res.missing_units and "新城" not in res.missing_units


def test_same_unit_twice_newest_wins_both_kept(cat, templates, tmp_path):
    old = filled(templates, cat, "定海", tmp_path, name="a_first.xlsx", values={5: 100})
    new = filled(templates, cat, "定海", tmp_path, name="b_correction.xlsx", values={5: 2600})
    now = time.time()
    os.utime(old, (now - 600, now - 600))
    os.utime(new, (now, now))
    res = run(tmp_path, cat)
    assert sub_by_name(res, "a_first.xlsx").status == SUPERSEDED
    assert sub_by_name(res, "b_correction.xlsx").status == ACCEPTED
    assert res.unit_values[("定海", 5)].value == 2600
    # the order of names does not matter: the newer file wins the other way round too
    os.utime(old, (now + 600, now + 600))
    res = run(tmp_path, cat)
    assert sub_by_name(res, "a_first.xlsx").status == ACCEPTED
    assert res.unit_values[("定海", 5)].value == 100


def test_byte_identical_copy_is_skipped(cat, templates, tmp_path):
    a = filled(templates, cat, "定海", tmp_path)
    shutil.copy(a, tmp_path / "定海 - 副本.xlsx")
    res = run(tmp_path, cat)
    statuses = sorted(s.status for s in res.submissions)
    assert statuses == [ACCEPTED, SKIPPED]


def test_earlier_period_template_is_recognised(cat, templates, tmp_path):
    q1 = generate(cat, parse_period("2024Q1"), tmp_path / "q1", units=["普陀"])[0]
    folder = tmp_path / "returns"
    fill_return(q1, folder / "普陀.xlsx", {2: 90})
    # alone, it makes the folder look like another period's: refused before the ledger
    with pytest.raises(InputError, match="是2024年第一季度的填报表：是否应使用 --period 2024Q1"):
        run(folder, cat)
    filled(templates, cat, "岱山", folder)  # beside a return of this period, it is named
    res = run(folder, cat)
    s = next(s for s in res.submissions if s.name == "普陀.xlsx")
    assert s.status == SKIPPED and s.unit == "普陀" and "第一季度" in s.decision
    assert problems(res, "return.earlier_period")
    assert "普陀" in res.missing_units and "岱山" in res.accepted


def test_damaged_empty_and_foreign_files_do_not_stop_the_others(cat, templates, tmp_path):
    filled(templates, cat, "岱山", tmp_path)
    failures.truncated_xlsx(templates["定海"], tmp_path / "truncated.xlsx")
    (tmp_path / "empty.xlsx").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    (tmp_path / "fake.xlsx").write_text("not a zip at all", encoding="utf-8")
    (tmp_path / "wps.et").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 600)
    failures.not_a_template(tmp_path / "其他表.xlsx")
    failures.zip_bomb(tmp_path / "bomb.xlsx")
    failures.entity_expansion(templates["嵊泗"], tmp_path / "entities.xlsx")
    (tmp_path / "~$岱山.xlsx").write_bytes(b"lock file")  # Excel's lock file: ignored
    res = run(tmp_path, cat)
    st = {s.name: s for s in res.submissions}
    assert "~$岱山.xlsx" not in st
    assert st["岱山.xlsx"].status == ACCEPTED
    for bad in ("truncated.xlsx", "empty.xlsx", "fake.xlsx", "wps.et", "其他表.xlsx", "bomb.xlsx"):
        assert st[bad].status == REJECTED, bad
        assert st[bad].decision, bad
    assert st["notes.txt"].status == SKIPPED
    assert "另存为" in st["wps.et"].decision
    assert "解压后过大" in st["bomb.xlsx"].decision
    assert "没有模板身份信息" in st["其他表.xlsx"].decision
    # the entity is never expanded: the reader refuses the file
    assert st["entities.xlsx"].status == REJECTED and "已损坏" in st["entities.xlsx"].decision
    assert all(len(p.message) < 2000 for p in res.problems)


def test_a_file_that_hangs_is_timed_out_and_the_rest_go_on(cat, templates, tmp_path):
    good = filled(templates, cat, "定海", tmp_path)
    fifo = tmp_path / "hang.xlsx"
    os.mkfifo(fifo)  # reading it blocks forever
    raws = scan([fifo, good], max_bytes=10**8, seconds=2)
    assert raws[0].error_code == "file.timeout" and "秒" in raws[0].error
    assert raws[1].identity["unit"] == "定海" and not raws[1].error


def test_oversized_file_is_not_opened(cat, templates, tmp_path):
    filled(templates, cat, "定海", tmp_path)
    res = run(tmp_path, cat, max_file_bytes=1000)
    assert res.submissions[0].status == REJECTED and "文件过大" in res.submissions[0].decision


def test_identity_from_properties_when_the_hidden_sheet_is_deleted(cat, templates, tmp_path):
    filled_copy = filled(templates, cat, "金塘", tmp_path / "src")
    failures.identity_sheet_deleted(filled_copy, tmp_path / "x.xlsx")
    shutil.rmtree(tmp_path / "src")
    res = run(tmp_path, cat)
    assert (res.submissions[0].unit, res.submissions[0].status) == ("金塘", ACCEPTED)


# --- a returned workbook proves nothing about itself ----------------------------------------


def test_protection_removed_and_target_changed(cat, templates, tmp_path):
    cell = failures.unprotected_target_changed(templates["普陀"], tmp_path / "p.xlsx", seq=10)
    res = run(tmp_path, cat)
    found = problems(res, "locked.changed")
    assert len(found) == 1 and found[0].cell == cell and found[0].sheet == "填报表"
    assert "应为“20”" in found[0].message and "实际为“999”" in found[0].message
    assert problems(res, "return.unprotected")
    # the catalogue's target is used, not the file's
    assert res.unit_values[("普陀", 10)].target.value == 20


def test_validation_bypassed_values_are_rechecked(cat, templates, tmp_path):
    addr = failures.validation_bypassed(templates["定海"], tmp_path / "d.xlsx", 10, -5)
    res = run(tmp_path, cat)
    p = problems(res, "value.negative")[0]
    assert (p.cell, p.unit, p.found, p.severity) == (addr, "定海", "-5", "error")
    assert res.unit_values[("定海", 10)].value is None


def test_formula_in_an_input_cell_is_not_trusted(cat, templates, tmp_path):
    addr = failures.formula_in_input(templates["定海"], tmp_path / "d.xlsx", 10)
    res = run(tmp_path, cat)
    p = problems(res, "value.formula")[0]
    assert p.cell == addr and res.unit_values[("定海", 10)].value is None


def test_a_formula_is_found_whatever_the_order_of_the_cell_attributes(cat, templates, tmp_path):
    """The reader finds formulas and formats with a fast pattern that expects r first (as
    Excel, WPS, LibreOffice and openpyxl write); a file with s before r is still read."""
    import re
    import zipfile

    src = tmp_path / "src.xlsx"
    addr = failures.formula_in_input(templates["定海"], src, 10)
    with zipfile.ZipFile(src) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    sheet = next(n for n, b in parts.items() if n.startswith("xl/worksheets/") and b"<f>" in b)
    swapped = re.sub(rb'<c r="([A-Z]+\d+)" s="(\d+)"', rb'<c s="\2" r="\1"', parts[sheet])
    assert swapped != parts[sheet] and b'<c r="' not in swapped.split(b"<sheetData>")[1][:200]
    parts[sheet] = swapped
    folder = tmp_path / "returns"
    folder.mkdir()
    with zipfile.ZipFile(folder / "d.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        for n, b in parts.items():
            z.writestr(n, b)
    res = run(folder, cat)
    p = problems(res, "value.formula")[0]
    assert p.cell == addr and res.unit_values[("定海", 10)].value is None


def test_a_changed_header_or_a_lost_report_sheet_rejects_the_file(cat, templates, tmp_path):
    """The two checks that end a file's check early: the table's header cannot be found, or
    no sheet holds it. The file is rejected with the reason; the other files go on."""
    failures.header_changed(templates["定海"], tmp_path / "d.xlsx")
    failures.report_sheet_lost(templates["普陀"], tmp_path / "p.xlsx")
    filled(templates, cat, "岱山", tmp_path)
    res = run(tmp_path, cat)
    head = problems(res, "return.header_changed", "定海")
    lost = problems(res, "return.no_report_sheet", "普陀")
    assert len(head) == 1 and "累计完成" in head[0].message and head[0].severity == "error"
    assert len(lost) == 1 and "填报表" in lost[0].message
    assert sub_by_name(res, "d.xlsx").status == REJECTED
    assert sub_by_name(res, "p.xlsx").status == REJECTED
    assert sub_by_name(res, "岱山.xlsx").status == ACCEPTED
    assert {"定海", "普陀"} <= set(res.missing_units)


def test_inserted_row_is_matched_by_seq_and_the_stray_row_reported(cat, templates, tmp_path):
    r = failures.inserted_row(
        templates["定海"], tmp_path / "d.xlsx", before_seq=11, values={10: 15, 11: 9, 12: 1}
    )
    res = run(tmp_path, cat)
    assert [res.unit_values[("定海", s)].value for s in (10, 11, 12)] == [15, 9, 1]
    p = problems(res, "row.no_seq")[0]
    assert p.cell == f"A{r}" and f"第 {r} 行" in p.message


def test_deleted_row_is_reported(cat, templates, tmp_path):
    failures.deleted_row(templates["定海"], tmp_path / "d.xlsx", 13)
    res = run(tmp_path, cat)
    assert [p.seq for p in problems(res, "row.missing")] == [13]


def test_merged_input_cells_keep_only_the_top_left(cat, templates, tmp_path):
    failures.merged_input_cells(templates["定海"], tmp_path / "d.xlsx", 10, 11)
    res = run(tmp_path, cat)
    assert res.unit_values[("定海", 10)].value == 5
    assert res.unit_values[("定海", 11)].value is None
    assert any(p.seq == 11 for p in problems(res, "value.missing"))


def test_values_people_type_are_normalised_or_refused(cat, templates, tmp_path):
    values = {5: "２,６００", 6: "6家", 10: "/", 11: 12.5, 4: "0.8亿元", 9: " 1 "}
    # 序号 2 is a rate in a percentage cell: 0.85 stored shows 85.0%, read as 85 without fuss
    filled(templates, cat, "定海", tmp_path, values=values, cells={"J4": 0.85})
    values[2] = 0.85
    failures.date_in_number(templates["普陀"], tmp_path / "p.xlsx", 10)
    res = run(tmp_path, cat)
    uv = {s: res.unit_values[("定海", s)].value for s in values}
    assert uv == {5: 2600, 6: 6, 10: None, 11: None, 2: 85, 4: 0.8, 9: 1}
    codes = {(p.seq, p.code, p.severity) for p in problems(res, unit="定海")}
    assert (5, "value.normalised", "warning") in codes
    assert not [c for c in codes if c[0] == 2]
    assert (10, "value.not_applicable_mark", "error") in codes
    assert (11, "value.not_integer", "error") in codes
    assert problems(res, "value.date", "普陀")


def test_district_text_stays_text_in_summary_and_csv(cat, templates, tmp_path):
    evil = '=HYPERLINK("http://example.invalid","点击")'
    folder = tmp_path / "r"
    folder.mkdir()
    failures.text_like_formula(templates["定海"], folder / "d.xlsx", 10, evil, "+1 problem")
    res = run(folder, cat)
    assert res.unit_values[("定海", 10)].progress == evil
    out = summary.write_summary(res, tmp_path / "s.xlsx")
    dataout.write_csv(res, tmp_path / "v.csv")
    wb = openpyxl.load_workbook(out)
    ws = wb["滞后事项"]  # 序号10 at 3 of 20 is lagging: its text is listed
    cells = [c for row in ws.iter_rows() for c in row if c.value == evil]
    assert cells and all(c.data_type == "s" for c in cells)
    raw = (tmp_path / "v.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert any(c == "'" + evil for r in rows for c in r)
    assert any(c == "'+1 problem" for r in rows for c in r)


def test_locked_summary_target_gives_a_chinese_message(cat, templates, tmp_path, monkeypatch):
    # Windows refuses to replace a file open in Excel; Linux does not, so the refusal is
    # simulated at os.replace, the one call that meets it.
    folder = tmp_path / "r"
    filled(templates, cat, "定海", folder)
    res = run(folder, cat)

    def refuse(*_a, **_k):
        raise PermissionError("locked")

    monkeypatch.setattr("workbook.core.files.os.replace", refuse)
    with pytest.raises(FileIOError, match="正在 Excel/WPS 中打开"):
        summary.write_summary(res, tmp_path / "s.xlsx")
    assert not list(tmp_path.glob(".~*"))


def test_summary_json_csv_and_feedback(cat, templates, tmp_path):
    folder = tmp_path / "r"
    for unit in ("市局", "定海", "普陀"):
        filled(templates, cat, unit, folder)
    failures.validation_bypassed(templates["岱山"], folder / "岱山.xlsx", 10, "abc")
    res = run(folder, cat)
    rep = tallies.report_dict(res)
    assert {s["status"] for s in rep["submissions"]} == {"accepted"}
    for s in rep["submissions"]:
        assert {"path", "unit", "period", "status", "problem_count"} <= set(s)
    for p in rep["problems"]:
        assert {"code", "severity", "unit", "file", "sheet", "cell", "message"} <= set(p)
        assert p["severity"] in ("error", "warning", "info")
    fb = feedback.write_feedback(res, tmp_path / "fb")
    names = sorted(p.name for p in fb)
    assert "2024Q2_岱山_退回修改.xlsx" in names
    ws = openpyxl.load_workbook(tmp_path / "fb" / "2024Q2_岱山_退回修改.xlsx").active
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value]
    assert any("不是数值" in t for t in texts)
    dataout.write_csv(res, tmp_path / "v.csv")
    rows = list(csv.DictReader((tmp_path / "v.csv").read_text("utf-8-sig").splitlines()))
    assert set(
        ["期次", "单位", "序号", "目标名称", "本单位目标任务", "累计完成", "完成率", "进度状态"]
    ) <= set(rows[0])
    missing = [r for r in rows if r["单位"] == "洋山"]
    assert missing and all(r["累计完成"] == "" and r["进度状态"] == "未报送" for r in missing)
    wb = openpyxl.load_workbook(summary.write_summary(res, tmp_path / "s.xlsx"))
    assert wb.sheetnames == [
        "总览",
        "全市汇总",
        "滞后事项",
        "报送情况",
        "问题清单",
        "明细台账",
        "核验情况",
        "晾晒排名",
        "催报",
    ]
    assert wb["总览"]._charts


def test_consolidate_cli(cat, templates, tmp_path):
    folder = tmp_path / "r"
    filled(templates, cat, "定海", folder)
    out = tmp_path / "out" / "汇总.xlsx"
    r = shishi(
        "consolidate",
        str(folder),
        "--period",
        "2024-Q2",
        "-o",
        str(out),
        "--json",
        str(tmp_path / "r.json"),
        "--csv",
        str(tmp_path / "v.csv"),
        "--ledger",
        str(tmp_path / "ledger.sqlite3"),
    )
    assert r.returncode == 0, r.stderr
    assert "汇总表" in r.stdout and out.exists()
    assert json.loads((tmp_path / "r.json").read_text("utf-8"))["period"] == "2024Q2"
    r = shishi("consolidate", str(tmp_path / "none"), "--period", "2024Q2", "-o", str(out))
    assert r.returncode == 2 and "找不到回收文件夹" in r.stderr
    r = shishi("consolidate", str(folder), "-o", str(out))
    assert r.returncode == 2
    assert shishi("consolidate", "--help").returncode == 0


# --- through a real spreadsheet client ----------------------------------------------------


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@needs_soffice
@pytest.mark.libreoffice
def test_end_to_end_through_libreoffice(cat, templates, tmp_path):
    """Fill returns in LibreOffice as a person would (one wrong), re-save two as .ods and .xls,
    consolidate, and check the figures against sums computed here."""
    from workbook.template.build import COL, FIRST_DATA_ROW

    folder = tmp_path / "returns"
    value_col = xl_col_to_name(COL["value"])
    jobs, typed = [], {}
    for unit in cat.unit_ids:
        if unit == "洋山":
            continue  # sends nothing
        rows = reporting_rows(cat, unit)
        vals = sample_values(cat, unit, PERIOD, seed=3)
        typed[unit] = {}
        cells = {}
        for i, row in enumerate(rows):
            v = vals[row.indicator.seq]
            pct = "%" if measure(row.indicator.measure).percent else ""
            text = v if isinstance(v, str) else (f"{v:g}{pct}")  # a rate is typed "85%"
            cells[f"{value_col}{FIRST_DATA_ROW + 1 + i}"] = text
            if measure(row.indicator.measure).base:  # a stock: its start-of-year figure too
                base_cell = f"{xl_col_to_name(COL['base'])}{FIRST_DATA_ROW + 1 + i}"
                cells[base_cell] = f"{round(row.target.value * 0.85):g}"
            typed[unit][row.indicator.seq] = v
        if unit == "定海":
            i10 = next(i for i, r in enumerate(rows) if r.indicator.seq == 10)
            wrong_cell = f"{value_col}{FIRST_DATA_ROW + 1 + i10}"
            cells[wrong_cell] = "二十家"  # typed words: refused, reported with its address
            typed[unit].pop(10)
        suffix, filt = {
            "普陀": (".ods", "calc8"),
            "岱山": (".xls", "MS Excel 97"),
            "嵊泗": (".xlsm", "Calc MS Excel 2007 VBA XML"),
        }.get(unit, (".xlsx", "Calc MS Excel 2007 XML"))
        jobs.append(
            {
                "src": templates[unit],
                "dst": folder / f"{unit}回传{suffix}",
                "sheet": "填报表",
                "type": cells,
                "filter": filt,
                "text": {f"{xl_col_to_name(COL['progress'])}{FIRST_DATA_ROW + 1}": "按计划推进"},
            }
        )
    out = lo_run(jobs, tmp_path)
    assert all(o["protected"] for o in out)
    before = {p.name: _sha(p) for p in folder.iterdir()}
    res = run(folder, cat)
    after = {p.name: _sha(p) for p in folder.iterdir()}
    assert before == after  # returns are only read

    st = {s.unit: s.status for s in res.submissions}
    assert st == {u: ACCEPTED for u in cat.unit_ids if u != "洋山"}
    assert res.missing_units == ["洋山"]
    wrong = problems(res, "value.not_number", "定海")
    assert len(wrong) == 1 and wrong[0].cell == wrong_cell and wrong[0].found == "二十家"
    # independent sums of what was typed, against the summary workbook
    path = summary.write_summary(res, tmp_path / "summary.xlsx")
    ws = openpyxl.load_workbook(path)["全市汇总"]
    shown = {int(r[0].value): r[5].value for r in ws.iter_rows(min_row=2) if r[0].value}
    for ind in cat.indicators:
        if ind.additive and not ind.city_only:
            expect = sum(float(v[ind.seq]) for v in typed.values() if ind.seq in v)
            assert shown[ind.seq] == pytest.approx(expect), ind.seq
    # the .xls does not say how its cells show: its percent figures are refused, not guessed
    xls = [p for p in problems(res, unit="岱山") if p.severity == "error"]
    assert xls and {p.code for p in xls} == {"value.format_unknown"}
    assert all(cat.indicator(p.seq).measure in ("rate", "coverage", "change") for p in xls)


def test_scan_works_with_spawned_workers_as_on_windows(cat, templates, tmp_path, monkeypatch):
    """Windows has no fork: workers are spawned and receive the catalogue pickled. The start
    method is forced here; everything else runs for real."""
    good = filled(templates, cat, "定海", tmp_path)
    monkeypatch.setattr("workbook.returns.pool.mp.get_all_start_methods", lambda: ["spawn"])
    raws = scan([good], max_bytes=10**8, seconds=60, cat=cat, period_code="2024Q2")
    assert raws[0].identity["unit"] == "定海" and not raws[0].error
    assert raws[0].checked is not None and raws[0].checked.values


def test_the_quiet_pool_still_replaces_a_dead_worker():
    """_QuietPool stops its handler thread from waking on every result; it must still see a
    worker die mid-task (its sentinel) and start another, or the next file would never run."""
    import multiprocessing as mp

    from workbook.returns.pool import _QuietPool

    pool = _QuietPool(processes=1, context=mp.get_context("fork"))
    try:
        first = pool.apply_async(os.getpid).get(timeout=30)
        pool.apply_async(os._exit, (1,))  # the only worker dies while on a task
        fresh = pool.apply_async(os.getpid).get(timeout=30)  # times out if never replaced
        assert fresh != first
    finally:
        pool.terminate()
        pool.join()
