"""The city office's macro workbook: checked structurally, its entry point run without Excel.

Excel is not available here. The .xlsm is checked as a file (content type, VBA project, the
button's macro, xlwings.conf); the Python entry point ``run_button`` runs against the built
workbook through ``OpenpyxlBook``, a stand-in that resolves the same defined names Excel would
(its limit: it does not run the VBA or xlwings' RunPython, and openpyxl drops the form button
when it saves, so results are saved to a copy).
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import shishi
from oletools.olevba import VBA_Parser
from python_calamine import CalamineWorkbook

from macros_py.city import OpenpyxlBook, run_button
from shishi_demo.samples import fill_return, sample_values
from workbook.app.citybook import bat_text, build_city_workbook
from workbook.catalogue import model as catalogue
from workbook.core.period import parse_period
from workbook.template.build import generate


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """A city folder: the built workbook, and returns from three units in 回收文件/."""
    root = tmp_path_factory.mktemp("城市 办公室")  # a space and Chinese characters
    files = build_city_workbook(root, returns_dir="回收文件", period="2024Q2")
    cat = catalogue.load()
    period = parse_period("2024Q2")
    tpl = generate(cat, period, root / "模板", units=["市局", "定海", "普陀"])
    for path, unit in zip(tpl, ["市局", "定海", "普陀"], strict=True):
        fill_return(path, root / "回收文件" / f"{unit}.xlsx", sample_values(cat, unit, period))
    return root, files


def test_city_workbook_cli_help_and_build(tmp_path):
    r = shishi("city-workbook", "--help")
    assert r.returncode == 0 and "宏工作簿" in r.stdout
    r = shishi("city-workbook", "-o", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "shishi_city.xlsm").exists() and (tmp_path / "shishi_city.py").exists()


def test_xlsm_is_a_macro_workbook_whose_button_runs_the_xlwings_macro(city):
    _root, files = city
    with zipfile.ZipFile(files.workbook) as z:
        types = z.read("[Content_Types].xml").decode()
        assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types
        assert "xl/vbaProject.bin" in z.namelist()
        vml = z.read("xl/drawings/vmlDrawing1.vml").decode()
    assert "<x:FmlaMacro>[0]!SampleCall</x:FmlaMacro>" in vml
    assert "一键汇总" in vml
    parser = VBA_Parser(str(files.workbook))
    modules = {name: code for _f, _s, name, code in parser.extract_macros()}
    parser.close()
    sample = next(code for code in modules.values() if "Sub SampleCall()" in code)
    assert 'RunPython "import " & mymodule & ";" & mymodule & ".main()"' in sample
    assert any("Public Function RunPython(" in code for code in modules.values())
    # SampleCall imports the module named like the workbook: it must sit beside it
    assert files.workbook.stem == files.module.stem == "shishi_city"
    assert "from macros_py.city import main" in files.module.read_text("utf-8")


def test_xlwings_conf_sheet_holds_interpreter_and_path(city):
    _root, files = city
    wb = CalamineWorkbook.from_path(str(files.workbook))
    conf = {r[0]: r[1] for r in wb.get_sheet_by_name("xlwings.conf").to_python() if r[0]}
    assert Path(conf["INTERPRETER_WIN"]).name.startswith("python")
    assert Path(conf["INTERPRETER_WIN"]).parent == Path(sys.executable).parent
    assert (Path(conf["PYTHONPATH"]) / "workbook" / "__init__.py").exists()
    control = wb.get_sheet_by_name("一键汇总").to_python()
    assert any("回收文件夹" in str(c) for row in control for c in row)
    # settings, results and the lagging list each in their own block, an empty row between
    labels = [str(row[0]) for row in control]
    last_setting = max(i for i, x in enumerate(labels) if x.startswith("报送台账"))
    results = labels.index("运行结果")
    lagging = next(i for i, x in enumerate(labels) if x.startswith("滞后事项（"))
    assert labels[last_setting + 1] == "" and results == last_setting + 2
    assert labels[lagging - 1] == "" and labels[lagging - 2].startswith("催报文字")


def test_entry_point_reads_settings_consolidates_and_writes_results(city, tmp_path):
    root, files = city
    book = OpenpyxlBook(files.workbook)
    outcome = run_button(book)
    assert outcome is not None and not book.alerts
    copy = tmp_path / "after_click.xlsm"
    book.save(copy)
    grid = CalamineWorkbook.from_path(str(copy)).get_sheet_by_name("一键汇总").to_python()
    shown = {str(r[0]).rstrip("："): r[1] for r in grid if r and r[0]}
    assert shown["运行结果"].startswith("成功（报送台账：")
    assert shown["采用的单位"] == "市局、定海、普陀"
    assert "洋山" in shown["未报送单位"] and "定海" not in shown["未报送单位"]
    summary = Path(shown["汇总表"])
    assert summary.exists() and summary.is_relative_to(root)
    assert shown["上次运行"]
    assert Path(shown["通报（Word）"]).exists() and shown["通报（Word）"].endswith("_通报.docx")
    assert shown["催报文字"].startswith("【催报】")  # 洋山 sent nothing
    assert int(shown["滞后事项"]) == len(outcome.result.lagging())
    head = next(i for i, r in enumerate(grid) if r[:2] == ["单位", "序号"])
    listed = [r for r in grid[head + 1 :] if r[0]]
    assert len(listed) == min(200, len(outcome.result.lagging()))
    assert listed and listed[0][0] in ("市局", "定海", "普陀")
    # an empty 报送台账 cell means the ledger the command line uses too
    shared = Path(os.environ["SHISHI_HOME"]) / "ledger.sqlite3"
    assert shared.exists() and not (root / "报送台账.sqlite3").exists()
    assert str(shared) in shown["运行结果"]
    assert f"新建报送台账：{shared}" in shown["运行结果"]  # the first click made it: said


def test_entry_point_failure_is_a_chinese_message_not_a_traceback(city, tmp_path):
    _root, files = city
    book = OpenpyxlBook(files.workbook)
    book.set("shishi_period", "2024Q9")
    assert run_button(book) is None
    assert book.alerts and "无法识别的期次" in book.alerts[0][1]
    assert "Traceback" not in book.alerts[0][1]
    assert str(book.get("shishi_status")).startswith("失败：")
    book.set("shishi_period", "2024Q2")
    book.set("shishi_returns_dir", "不存在的文件夹")
    assert run_button(book) is None and "找不到回收文件夹" in book.alerts[-1][1]


def test_the_button_follows_the_ledger_rules(tmp_path):
    """Through the button's entry point: a correction in a later click supersedes, a period
    outside the catalogue's year and a busy ledger are Chinese messages."""
    from workbook.app.runlock import RunLock
    from workbook.core.settings import ledger_location, load_settings

    root = tmp_path / "市局"
    files = build_city_workbook(root, returns_dir="回收文件", period="2024Q2")
    cat = catalogue.load()
    period = parse_period("2024Q2")
    (tpl,) = generate(cat, period, root / "模板", units=["定海"])
    values = sample_values(cat, "定海", period)
    seq = next(s for s in values if cat.indicator(s).measure == "count")
    fill_return(tpl, root / "回收文件" / "定海.xlsx", values)
    book = OpenpyxlBook(files.workbook)
    assert run_button(book) is not None
    corrected = root / "回收文件" / "定海(更正).xlsx"
    fill_return(tpl, corrected, values | {seq: 777.0})
    os.utime(corrected, (time.time() + 60, time.time() + 60))
    outcome = run_button(book)
    assert outcome is not None and outcome.result.accepted["定海"].name == "定海(更正).xlsx"
    assert outcome.result.unit_values[("定海", seq)].value == 777.0
    book.set("shishi_period", "2025Q1")
    assert run_button(book) is None
    assert "属于 2025 年" in book.alerts[-1][1] and "是 2024 年的" in book.alerts[-1][1]
    book.set("shishi_period", "2024Q2")
    settings = load_settings()
    lock = ledger_location(settings).with_name("ledger.sqlite3.lock")
    with RunLock(lock), pytest.MonkeyPatch.context() as mp:
        settings = dataclasses.replace(settings, lock_wait_seconds=0.3)
        mp.setattr("workbook.core.settings.load_settings", lambda *a: settings)
        assert run_button(book) is None
    assert "另一个汇总正在进行" in book.alerts[-1][1]


def test_shell_script_runs_the_same_consolidation(city, tmp_path):
    root, files = city
    work = tmp_path / "copy of 城市"
    shutil.copytree(root, work)
    r = subprocess.run(
        ["bash", str(work / "一键汇总.sh")], capture_output=True, text=True, timeout=300
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "汇总表" in r.stdout and "采用 3 个单位" in r.stdout
    assert (work / "汇总" / "2024Q2_十件实事汇总.xlsx").exists()


def test_bat_file_crlf_gbk_and_quoted(city):
    _root, files = city
    raw = files.bat.read_bytes()
    assert b"\r\n" in raw and raw.count(b"\n") == raw.count(b"\r\n")
    text = raw.decode("gbk")
    assert 'cd /d "%~dp0"' in text
    assert '"%~dp0shishi_city.xlsm"' in text
    python_line = next(line for line in text.splitlines() if "-m macros_py.city" in line)
    from workbook.app.citybook import interpreters

    assert python_line == f'"{interpreters()[0]}" -m macros_py.city "%~dp0shishi_city.xlsm"'
    tricky = bat_text(r"C:\Users\张 三\AppData\Local\Programs\Python\python.exe", r"D:\十件 实事")
    assert '"C:\\Users\\张 三\\AppData\\Local\\Programs\\Python\\python.exe" -m' in tricky
    assert 'set "PYTHONPATH=D:\\十件 实事;%PYTHONPATH%"' in tricky
    tricky.encode("gbk")  # every character survives the code page cmd.exe reads it in
    with pytest.raises(Exception, match="双引号"):
        bat_text('C:\\a"b\\python.exe')


def test_a_county_s_button_uses_its_own_catalogue_and_settings(tmp_path):
    """city-workbook --catalogue --settings: the control sheet names the county's files, the
    button consolidates its 所 with them (its 通报 issued by the county), and a control sheet
    made before 设置文件 existed still runs, with the bundled settings."""
    from workbook.catalogue.derive import derive

    city = catalogue.load()
    county = derive(
        city, "定海", [("解放所", "解放市场监督管理所"), ("白泉所", "白泉市场监督管理所")]
    )
    (tmp_path / "目录_定海.json").write_text(county.to_json(), encoding="utf-8")
    issuer = "舟山市定海区市场监督管理局办公室"
    (tmp_path / "定海设置.json").write_text(
        json.dumps({"bulletin": {"issuer": issuer}}, ensure_ascii=False), encoding="utf-8"
    )
    r = shishi("city-workbook", "-o", str(tmp_path), "--catalogue", "目录_定海.json",
               "--settings", "定海设置.json", "--returns-dir", "所回收")  # fmt: skip
    assert r.returncode == 0, r.stderr
    period = parse_period("2024Q2")
    for unit in ("解放所", "白泉所"):
        (tpl,) = generate(county, period, tmp_path / "模板", units=[unit])
        fill_return(tpl, tmp_path / "所回收" / f"{unit}.xlsx", sample_values(county, unit, period))
    book = OpenpyxlBook(tmp_path / "shishi_city.xlsm")
    book.set("shishi_ledger", "定海台账.sqlite3")
    outcome = run_button(book)
    assert outcome is not None and not book.alerts
    assert outcome.result.catalogue.catalogue_id == county.catalogue_id
    assert sorted(outcome.accepted_units) == ["白泉所", "解放所"]
    assert issuer in "\n".join(p.text for p in docx.Document(str(outcome.bulletin)).paragraphs)
    # a workbook made before this setting: no shishi_settings name, the bundled settings
    del book.wb.defined_names["shishi_settings"]
    old = run_button(book)
    assert old is not None and not book.alerts
    assert issuer not in "\n".join(p.text for p in docx.Document(str(old.bulletin)).paragraphs)
