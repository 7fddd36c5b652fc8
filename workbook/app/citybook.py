"""Building the city office's macro workbook and the no-macro scripts beside it.

``shishi_city.xlsm`` is written with XlsxWriter around the VBA project that xlwings itself
ships in ``quickstart_standalone.xlsm`` (its xlwings module and a ``SampleCall`` macro that runs
``import <workbook name>; <workbook name>.main()``), so no add-in has to be installed. The
workbook name is therefore also the Python module beside it: ``shishi_city.py``. This module
only reads the xlwings package's files; it does not import xlwings.
"""

from __future__ import annotations

import importlib.util
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import workbook
from workbook.core.errors import FileIOError, InputError
from workbook.core.files import atomic_write, check_folder
from workbook.core.layout import (
    CITY_RESULTS,
    CITY_SETTINGS,
    CONTROL_SHEET,
    LAGGING_ANCHOR,
    LAGGING_HEADERS,
)
from workbook.excel.cells import display_width
from workbook.excel.writer import new_workbook

BOOK_NAME = "shishi_city"
MACRO = "SampleCall"
BUTTON_CAPTION = "一键汇总"
CONF_SHEET = "xlwings.conf"
LAGGING_ROW = 25  # zero-based row of the lagging list's first data row


@dataclass
class CityFiles:
    workbook: Path
    module: Path
    bat: Path
    sh: Path
    readme: Path


def xlwings_vba_project() -> bytes:
    """The vbaProject.bin of the installed xlwings' standalone quickstart workbook."""
    spec = importlib.util.find_spec("xlwings")
    if spec is None or spec.origin is None:
        raise InputError(
            '生成宏工作簿需要 xlwings：请先运行 pip install "shishi[excel]"（或 pip install xlwings）。'
        )
    source = Path(spec.origin).parent / "quickstart_standalone.xlsm"
    try:
        with zipfile.ZipFile(source) as z:
            return z.read("xl/vbaProject.bin")
    except (OSError, KeyError, zipfile.BadZipFile) as exc:
        raise FileIOError(f"无法从 {source} 读取 xlwings 的 VBA 工程：{exc}") from exc


def interpreters() -> tuple[str, str]:
    """(console python, windowless python) of this machine: pythonw.exe where it exists."""
    exe = Path(sys.executable)
    windowless = exe.with_name("pythonw.exe")
    return str(exe), str(windowless if windowless.exists() else exe)


def _source_root() -> str:
    """The folder that holds the ``workbook`` and ``macros_py`` packages (found from the
    package itself, so it does not depend on where this module sits inside it)."""
    return str(Path(workbook.__file__).resolve().parent.parent)


def build_city_workbook(
    out_dir: Path | str,
    returns_dir: str = "回收文件",
    period: str = "2024Q2",
    output: str = "",
    ledger: str = "",
    catalogue: str = "",
    settings: str = "",
) -> CityFiles:
    """Write shishi_city.xlsm, shishi_city.py, 一键汇总.bat, 一键汇总.sh and 使用说明.txt.
    ``catalogue`` and ``settings``: the files the control sheet names (a county's own
    catalogue and settings; empty: the bundled ones)."""
    out = check_folder(out_dir, "市局汇总工作簿的文件夹")
    out.mkdir(parents=True, exist_ok=True)
    vba = xlwings_vba_project()
    console, windowless = interpreters()
    short = _short_name(out, catalogue)
    output = output or f"汇总/{period}_{short}汇总.xlsx"
    book = out / f"{BOOK_NAME}.xlsm"

    def write(tmp: Path) -> None:
        vba_path = tmp.with_suffix(".bin")
        vba_path.write_bytes(vba)
        try:
            given = {"shishi_returns_dir": returns_dir, "shishi_period": period,
                     "shishi_output": output, "shishi_ledger": ledger,
                     "shishi_catalogue": catalogue, "shishi_settings": settings}  # fmt: skip
            _write_book(tmp, vba_path, given, windowless, short)
        finally:
            vba_path.unlink(missing_ok=True)

    # XlsxWriter insists on an .xlsm name for a macro workbook, so the temporary file is one too
    atomic_write(book, write)
    module = out / f"{BOOK_NAME}.py"
    module.write_text(
        '"""Imported by the 一键汇总 button of shishi_city.xlsm (xlwings RunPython)."""\n\n'
        'from macros_py.city import main\n\n__all__ = ["main"]\n',
        encoding="utf-8",
    )
    bat = out / "一键汇总.bat"
    bat.write_bytes(bat_text(console).encode("gbk").replace(b"\n", b"\r\n"))
    sh = out / "一键汇总.sh"
    sh.write_text(sh_text(console), encoding="utf-8")
    sh.chmod(0o755)
    readme = out / "使用说明.txt"
    readme.write_text(README, encoding="utf-8-sig")
    return CityFiles(book, module, bat, sh, readme)


def _quote_bat(path: str) -> str:
    if '"' in path or "%" in path:
        raise InputError(f"路径中不能含有双引号或百分号：{path}")
    return f'"{path}"'


def bat_text(python: str, source_root: str | None = None) -> str:
    """The double-clickable Windows script (written GBK-encoded with CRLF line endings).

    Every path is quoted; the workbook is found through %~dp0 (the script's own folder), so the
    folder may be moved and may have Chinese characters or spaces in its name.
    """
    root = _quote_bat(source_root or _source_root())[1:-1]
    lines = [
        "@echo off",
        "rem 一键汇总（不用宏）：读取 shishi_city.xlsm 中的设置，运行同样的汇总。",
        'cd /d "%~dp0"',
        f'set "PYTHONPATH={root};%PYTHONPATH%"',
        f'{_quote_bat(python)} -m macros_py.city "%~dp0{BOOK_NAME}.xlsm"',
        'set "RC=%errorlevel%"',
        "echo.",
        "rem 设置了 SHISHI_NO_PAUSE 时不暂停（无人值守运行）；退出码即汇总的结果。",
        "if not defined SHISHI_NO_PAUSE pause",
        "exit /b %RC%",
        "",
    ]
    return "\n".join(lines)


def _quote_sh(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def sh_text(python: str, source_root: str | None = None) -> str:
    """The shell script for Linux desktops (统信, 麒麟) and for IT."""
    root = _quote_sh(source_root or _source_root())
    lines = [
        "#!/usr/bin/env bash",
        "# 一键汇总（不用宏）：读取 shishi_city.xlsm 中的设置，运行同样的汇总。",
        'cd "$(dirname "$0")"',
        f'export PYTHONPATH={root}"${{PYTHONPATH:+:$PYTHONPATH}}"',
        f'exec {_quote_sh(python)} -m macros_py.city "$(pwd)/{BOOK_NAME}.xlsm"',
        "",
    ]
    return "\n".join(lines)


def _formats(wb: Any) -> tuple[Any, Any, Any, Any, Any, Any]:
    """The control sheet's formats: title, label, setting (yellow, text), result, header, note."""
    title = wb.add_format({"font_name": "黑体", "font_size": 16, "bold": True})
    label = wb.add_format({"font_name": "宋体", "font_size": 11, "bold": True, "align": "right"})
    value = wb.add_format(
        {
            "font_name": "宋体",
            "font_size": 11,
            "locked": False,
            "bottom": 1,
            "bg_color": "#FFFFE0",
            "num_format": "@",  # a period typed as 2024-05 must stay text, not become a date
        }
    )
    shown = wb.add_format(
        {"font_name": "宋体", "font_size": 11, "text_wrap": True, "valign": "top"}
    )
    head = wb.add_format(
        {"font_name": "宋体", "font_size": 10, "bold": True, "border": 1, "bg_color": "#D9D9D9"}
    )
    note = wb.add_format({"font_name": "宋体", "font_size": 10, "font_color": "#595959"})
    return title, label, value, shown, head, note


def _short_name(out: Path, catalogue: str) -> str:
    """The plan's short name (十件实事) in the catalogue the control sheet names."""
    from workbook.catalogue import model  # the catalogue only to name the book and its output

    path = Path(catalogue) if catalogue else None
    try:
        return model.load(out / path if path and not path.is_absolute() else path).names["short"]
    except Exception:  # noqa: BLE001 - not readable yet: the button says so when it runs
        return "目标任务"


def _write_book(path: Path, vba: Path, defaults: dict[str, str], python: str, short: str) -> None:
    wb = new_workbook(path)
    wb.add_vba_project(str(vba))
    wb.set_vba_name("ThisWorkbook")
    title, label, value, shown, head, note = _formats(wb)
    ws = wb.add_worksheet(CONTROL_SHEET)
    ws.set_vba_name("Sheet1")
    # the labels right-aligned in A: wide enough for the longest (报送台账（空：…）：), not cut
    ws.set_column(0, 0, max(display_width(t + "：") for _n, t in CITY_SETTINGS + CITY_RESULTS) + 1)
    ws.set_column(1, 1, 60)
    ws.set_column(2, 5, 14)
    ws.write_string(0, 0, f"{short} 一键汇总", title)
    ws.write_string(1, 0, "黄色单元格可以修改；相对路径以本工作簿所在文件夹为准。", note)
    for i, (name, text) in enumerate(CITY_SETTINGS, start=3):
        ws.write_string(i, 0, text + "：", label)
        ws.write_string(i, 1, defaults.get(name, ""), value)
        wb.define_name(name, f"='{CONTROL_SHEET}'!$B${i + 1}")
    ws.insert_button(
        3,
        3,
        {
            "macro": MACRO,
            "caption": BUTTON_CAPTION,
            "width": 150,
            "height": 48,
            "font": {"name": "黑体", "size": 14},
        },
    )
    results = 4 + len(CITY_SETTINGS)  # one empty row below the settings
    ws.write_string(results, 0, "运行结果", title)
    for i, (name, text) in enumerate(CITY_RESULTS, start=results + 1):
        ws.write_string(i, 0, text + "：", label)
        ws.write_blank(i, 1, None, shown)
        wb.define_name(name, f"='{CONTROL_SHEET}'!$B${i + 1}")
    ws.write_string(LAGGING_ROW - 2, 0, "滞后事项（前 200 项，全部见汇总表“滞后事项”）", title)
    for c, h in enumerate(LAGGING_HEADERS):
        ws.write_string(LAGGING_ROW - 1, c, h, head)
    wb.define_name(LAGGING_ANCHOR, f"='{CONTROL_SHEET}'!$A${LAGGING_ROW + 1}")
    ws.activate()
    _conf_sheet(wb, python)
    wb.close()


def _conf_sheet(wb: Any, python: str) -> None:
    """xlwings.conf: which Python the button runs and where it finds shishi."""
    conf = wb.add_worksheet(CONF_SHEET)
    conf.set_vba_name("Sheet2")
    rows = [
        ("INTERPRETER_WIN", python),
        ("INTERPRETER_MAC", python),
        ("PYTHONPATH", _source_root()),
        ("ADD_WORKBOOK_TO_PYTHONPATH", "True"),
        ("SHOW_ERROR_POPUPS", "True"),
    ]
    for r, (k, v) in enumerate(rows):
        conf.write_string(r, 0, k)
        conf.write_string(r, 1, v)
    conf.set_column(0, 0, 28)
    conf.set_column(1, 1, 70)


README = """一键汇总 使用说明
================

本文件夹由信息科用 shishi city-workbook 生成，请整个文件夹一起保存，不要改文件名。

有宏（Microsoft Excel）：打开 shishi_city.xlsm，在黄色单元格填写回收文件夹、期次、汇总表保存位置，
点击“一键汇总”按钮。运行结果和滞后事项显示在同一工作表中。

没有宏（WPS、宏被禁用、文件来自邮件被标记为“来自互联网”）：先用 Excel/WPS 在 shishi_city.xlsm
中改好设置并保存，然后双击“一键汇总.bat”（Windows）或运行“一键汇总.sh”（Linux/统信/麒麟），
结果显示在窗口中。两种方式读取相同的设置，做完全相同的汇总。

WPS：xlwings 不支持 WPS，工作簿里的“一键汇总”按钮在 WPS 中点了没有反应，请用“一键汇总.bat”。
在 WPS 中填报模板时应看到：目标任务列受保护不能改；黄色单元格可输入，选中时有输入提示，
输入文字或负数会被拒绝；完成率、进度状态自动计算；身份工作表看不到。保存时选 .xlsx，不要存为 .et。

出问题时请看 docs/button.md（安装与常见问题），或把窗口中的提示发给信息科。
"""
