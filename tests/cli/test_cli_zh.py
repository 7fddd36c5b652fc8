"""The command line speaks Chinese and never shows a traceback, with documented exit codes."""

from __future__ import annotations

import re
import sqlite3

import click
import pytest
from click.testing import CliRunner
from conftest import shishi

from workbook.cli.commands import main


def _commands(group: click.Group, prefix: list[str]) -> list[list[str]]:
    """Every command and group below ``group``, so a new command is checked too."""
    out = [prefix]
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            out += _commands(cmd, [*prefix, name])
        else:
            out.append([*prefix, name])
    return out


COMMANDS = _commands(main, [])
# words that are names, not English prose: commands, formats, programs, paths
ALLOWED = {
    "shishi",
    "catalogue",
    "check",
    "export",
    "import",
    "generate",
    "consolidate",
    "demo",
    "city",
    "workbook",
    "history",
    "ledger",
    "withdraw",
    "restore",
    "accept",
    "backup",
    "backups",
    "rebuild",
    "archive_dir",
    "undo",
    "verify",
    "derive",
    "even",
    "empty",
    "GBK",
    "report",
    "up",
    "link",
    "sample",
    "sha",
    "SHA",
    "xlsx",
    "csv",
    "json",
    "JSON",
    "CSV",
    "UTF",
    "BOM",
    "xlsm",
    "Word",
    "docx",
    "bat",
    "templates",
    "settings",
    "ledger_path",
    "dist",
    "Excel",
    "WPS",
    "shishi_city",
    "xlwings",
}


@pytest.mark.parametrize("cmd", COMMANDS, ids=lambda c: " ".join(c) or "shishi")
def test_help_has_no_english(cmd):
    r = CliRunner().invoke(main, [*cmd, "--help"], prog_name="shishi", terminal_width=100)
    assert r.exit_code == 0, r.output
    text = re.sub(r"--?[a-z][a-z-]*", " ", r.output)  # option names
    text = re.sub(r"\d{4}(-?Q\d|-\d\d)", " ", text)  # periods such as 2024Q2
    words = {w for w in re.findall(r"[A-Za-z_]{3,}", text) if w not in ALLOWED}
    assert not words, (cmd, words)


BAD = [
    (["generate"], "缺少选项"),  # --period missing
    (["generate", "--period"], "需要一个值"),
    (["generate", "--period", "2024Q9"], "无法识别的期次"),
    (["consolidate", "不存在的文件夹", "--period", "2024Q2", "-o", "x.xlsx"], "找不到回收文件夹"),
    (["catalogue", "export", "--format", "pdf"], "不是可选值之一"),
    (["catalogue", "import"], "缺少参数"),
    (["history", "--year", "abc"], "不是有效的"),
    (["nosuch"], "没有命令"),
    (["generate", "--period", "2024Q2", "--colour"], "没有选项"),
    # an output whose suffix is not what is written
    (["consolidate", ".", "--period", "2024Q2", "-o", "s.csv"], "汇总表应是 .xlsx 文件"),
    (["consolidate", ".", "--period", "2024Q2", "-o", "s.xlsx", "--json", "r.txt"], "应是 .json"),
    (["catalogue", "export", "--format", "xlsx", "-o", "t.csv"], "应是 .xlsx 文件"),
    # a Windows drive path on Linux would become a folder named 'D:'
    (["city-workbook", "-o", "D:/十件实事/汇总工具"], "是 Windows 的路径"),
    (["generate", "--period", "2024Q2", "--out", "D:\\模板"], "是 Windows 的路径"),
]


@pytest.mark.parametrize("args,words", BAD, ids=lambda a: str(a))
def test_bad_arguments_get_chinese_and_exit_2(args, words, tmp_path):
    r = shishi(*args, cwd=tmp_path)
    out = r.stdout + r.stderr
    assert r.returncode == 2, out
    assert words in out and "Traceback" not in out
    assert "Usage" not in out and "Error:" not in out and "Try '" not in out


def _copy(src, name):
    dst = src.with_name(name)
    dst.write_bytes(src.read_bytes())
    return dst


def test_file_system_failures_are_one_chinese_line(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    cases = [
        # an output folder inside a file: said before anything is written
        (
            ["generate", "--period", "2024Q1", "--unit", "定海", "--out", blocker / "out"],
            "是一个文件，不是文件夹",
        ),
        (
            ["consolidate", tmp_path, "--period", "2024Q1", "-o", blocker / "s.xlsx"],
            "是一个文件，不是文件夹",
        ),
        # an export target that is a folder
        (["catalogue", "export", "--format", "xlsx", "-o", tmp_path], "是文件夹"),
        # a settings file that is not JSON
        (["generate", "--period", "2024Q1", "--settings", blocker], "设置文件不是有效的 JSON"),
        # a catalogue that is not JSON
        (["generate", "--period", "2024Q1", "--catalogue", blocker], "目录文件不是有效的 JSON"),
        # a table to import that is not a spreadsheet
        (["catalogue", "import", blocker, "-o", tmp_path / "c.json"], "不是 .xlsx 或 .csv"),
        # an xlsx that is not a zip
        (["catalogue", "import", _copy(blocker, "t.xlsx"), "-o", tmp_path / "c.json"], "无法打开"),
    ]
    for args, words in cases:
        r = shishi(*args, cwd=tmp_path)
        out = r.stdout + r.stderr
        assert r.returncode == 2, (args, out)
        assert words in out and "Traceback" not in out, (args, out)


def test_a_corrupt_ledger_is_one_chinese_line(tmp_path):
    ledger = tmp_path / "台账.sqlite3"
    with sqlite3.connect(ledger) as db:
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    r = shishi("history", "--ledger", ledger)
    assert r.returncode == 2 and "缺少格式版本信息" in r.stderr and "Traceback" not in r.stderr


def test_output_to_a_closed_pipe_ends_quietly(tmp_path):
    """``shishi history | head`` : when the reader has gone, no traceback and no 无法读写."""
    import os
    import subprocess
    import sys

    from workbook.ledger.store import Ledger

    Ledger(tmp_path / "l.sqlite3").close()
    r, w = os.pipe()
    os.close(r)  # the reader is gone before the first line is written
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "workbook", "history", "--ledger", str(tmp_path / "l.sqlite3")],
            stdout=w,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(w)
    assert "Traceback" not in proc.stderr and "无法读写" not in proc.stderr, proc.stderr
    assert proc.returncode == 0


def test_long_unit_lists_are_cut_on_the_terminal():
    """A county's hundreds of units do not make one line of thousands of characters."""
    from workbook.app.run import _listed

    names = [f"单位{i:04d}" for i in range(1, 1001)]
    line = _listed(names)
    assert line.startswith("单位0001、单位0002") and "单位0031" not in line
    assert "共 1000 个" in line and len(line) < 300
    assert _listed(names[:3]) == "单位0001、单位0002、单位0003"
    assert _listed([]) == "无"


def test_catalogue_import_says_what_it_wrote_and_refuses_a_misnamed_year(tmp_path):
    table = tmp_path / "table.xlsx"
    assert shishi("catalogue", "export", "--format", "xlsx", "-o", table).returncode == 0
    r = shishi("catalogue", "import", table, "-o", tmp_path / "catalogue_2025.json")
    assert r.returncode == 2 and "写的是 2025 年，而导入的目录是 2024 年的" in r.stderr
    assert not (tmp_path / "catalogue_2025.json").exists()
    r = shishi("catalogue", "import", table, "-o", tmp_path / "catalogue_2024b.json")
    assert r.returncode == 0, r.stderr
    assert "（2024 年，版本 2024.2，81 项指标，11 个单位）" in r.stdout
