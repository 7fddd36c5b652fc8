"""The city office's button: the RunPython entry point and its settings, glue only.

The macro workbook ``shishi_city.xlsm`` calls ``import shishi_city; shishi_city.main()`` (the
xlwings ``SampleCall`` macro); ``shishi_city.py`` beside it imports ``main`` from here. Every
step is a call into the tested core (``workbook.app.run.run_consolidation``). The same settings
drive the no-macro route: ``python -m macros_py.city shishi_city.xlsm`` reads them from the
workbook and prints the outcome (for WPS, or where macros are blocked).

``run_button`` works on any object with ``get(name)``, ``set(name, value)`` and
``alert(message, title)``: ``XlwingsBook`` adapts the calling Excel workbook, ``OpenpyxlBook``
a workbook file (used by the command line and by the tests, since Excel is not available on
the build machine).
"""

from __future__ import annotations

import sys
import traceback
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from workbook.core.errors import ShishiError
from workbook.core.layout import (
    CITY_RESULTS,
    CITY_SETTINGS,
    CITY_SETTINGS_ADDED,
    CONTROL_SHEET,
    LAGGING_ANCHOR,
    LAGGING_HEADERS,
    LAGGING_ROWS,
)
from workbook.excel.cells import cell_text

SETTING_NAMES = tuple(name for name, _ in CITY_SETTINGS)
RESULT_NAMES = tuple(name for name, _ in CITY_RESULTS)
LAGGING_COLUMNS = len(LAGGING_HEADERS)


class Book(Protocol):
    def get(self, name: str) -> Any: ...

    def set(self, name: str, value: Any) -> None: ...

    def alert(self, message: str, title: str) -> None: ...

    @property
    def folder(self) -> Path: ...


def read_settings(book: Book) -> dict[str, str]:
    """The settings the office changes, from the control sheet (relative paths: the workbook's
    folder)."""
    out = {}
    for name in SETTING_NAMES:
        try:
            out[name] = cell_text(book.get(name))
        except Exception:  # a control sheet made before this setting existed
            if name not in CITY_SETTINGS_ADDED:
                raise
            out[name] = ""
    paths = ("shishi_returns_dir", "shishi_output", "shishi_catalogue", "shishi_settings")
    for key in (*paths, "shishi_ledger"):
        if out[key] and not Path(out[key]).is_absolute():
            out[key] = str(book.folder / out[key])
    return out


def run_button(book: Book) -> Any:
    """Run the consolidation with the book's settings and write the outcome back into it.

    Returns the ``Outcome``, or None when it failed; a failure becomes a Chinese message box and
    a status cell, never a stack trace.
    """
    # the library is loaded when the button is clicked, not when Excel imports the module
    from workbook.app.run import run_consolidation
    from workbook.catalogue import model as catalogue
    from workbook.core.period import parse_period
    from workbook.core.settings import ledger_location, load_settings

    book.set("shishi_last_run", datetime.now().strftime("%Y-%m-%d %H:%M:%S"))
    try:
        s = read_settings(book)
        if not s["shishi_returns_dir"]:
            raise ShishiError("请先在“回收文件夹”中填写存放各单位报送文件的文件夹。")
        if not s["shishi_output"]:
            raise ShishiError("请先在“汇总表保存位置”中填写汇总表的文件名。")
        period = parse_period(s["shishi_period"])
        output = Path(s["shishi_output"])
        settings = load_settings(s["shishi_settings"] or None)  # a county's own, or the bundled
        outcome = run_consolidation(
            s["shishi_returns_dir"],
            period,
            output,
            lambda: catalogue.load(s["shishi_catalogue"] or None),  # while the files are read
            settings,
            json_path=output.with_suffix(".json"),
            csv_path=output.with_suffix(".csv"),
            bulletin_path=output.with_name(f"{output.stem}_通报.docx"),
            digest_path=output.with_name(f"{output.stem}_信息汇编.docx"),
            ledger_path=ledger_location(settings, s["shishi_ledger"] or None),
        )
    except ShishiError as exc:
        _fail(book, str(exc))
        return None
    except Exception as exc:  # the last guard: a message the office can pass on to IT
        _fail(
            book,
            f"汇总时发生意外错误，请把本消息发给信息科：{type(exc).__name__}: {exc}",
            detail=traceback.format_exc(),
        )
        return None
    _show(book, outcome)
    return outcome


def _fail(book: Book, message: str, detail: str = "") -> None:
    book.set("shishi_status", "失败：" + message)
    if detail:
        print(detail, file=sys.stderr)
    book.alert(message, "汇总未完成")


def _show(book: Book, outcome: Any) -> None:
    r = outcome.result
    errors = sum(p.severity == "error" for p in r.problems)
    failed = [outcome.backup] if outcome.backup.startswith("注意") else []
    notes = "".join([*r.notices, *failed])  # a new ledger, no earlier periods, no backup …
    book.set(
        "shishi_status", f"成功（报送台账：{outcome.ledger}）" + (f"。{notes}" if notes else "")
    )
    book.set("shishi_accepted", "、".join(outcome.accepted_units) or "无")
    book.set("shishi_rejected", "、".join(outcome.rejected_files) or "无")
    book.set("shishi_missing", "、".join(r.missing_units) or "无")
    book.set("shishi_problems", f"{len(r.problems)} 个（错误 {errors} 个）")
    lagging = r.lagging()
    book.set("shishi_lagging_count", len(lagging))
    book.set("shishi_summary_path", str(outcome.summary))
    book.set("shishi_feedback_dir", str(outcome.feedback[0].parent) if outcome.feedback else "无")
    charts_note = "" if outcome.bulletin_charts else "（未插入图表：本机无法加载绘图组件）"
    book.set("shishi_bulletin", str(outcome.bulletin or "无") + charts_note)
    book.set(
        "shishi_chase",
        "\n".join(c.message for c in r.chase) if r.chase else "无（各单位均已报送）",
    )
    rows: list[list[Any]] = []
    cat = r.catalogue
    for uv in lagging[:LAGGING_ROWS]:
        ind = cat.indicator(uv.seq)
        rate = "" if uv.completion is None else f"{uv.completion * 100:.1f}%"
        value = "" if uv.value is None else uv.value
        rows.append([uv.unit, uv.seq, ind.name, uv.target.text, value, rate])
    rows += [[""] * LAGGING_COLUMNS] * (LAGGING_ROWS - len(rows))
    book.set(LAGGING_ANCHOR, rows)


class XlwingsBook:
    """The calling Excel workbook (xlwings). Not exercised on the build machine: no Excel."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self.sheet = book.sheets[CONTROL_SHEET]

    def get(self, name: str) -> Any:
        return self.sheet.range(name).value

    def set(self, name: str, value: Any) -> None:
        self.sheet.range(name).value = value

    def alert(self, message: str, title: str) -> None:
        self.book.app.alert(message, title=title)

    @property
    def folder(self) -> Path:
        return Path(self.book.fullname).parent


class OpenpyxlBook:
    """A workbook file read and written with openpyxl, resolving the same defined names.

    Used by the command line (read only) and by the tests. openpyxl keeps the VBA project
    (keep_vba) but not the form button, so ``save`` writes to another path.
    """

    def __init__(self, path: Path | str, read_only: bool = False) -> None:
        from workbook.core.imports import openpyxl_without_numpy

        self.path = Path(path)
        self.wb = openpyxl_without_numpy().load_workbook(self.path, keep_vba=True)
        self.read_only = read_only
        self.alerts: list[tuple[str, str]] = []

    def _cell(self, name: str) -> Any:
        dn = self.wb.defined_names[name]
        ((sheet, ref),) = dn.destinations
        return self.wb[sheet][ref.replace("$", "").split(":")[0]]

    def get(self, name: str) -> Any:
        return self._cell(name).value

    def set(self, name: str, value: Any) -> None:
        if self.read_only:
            return
        cell = self._cell(name)
        if isinstance(value, list):
            ws = cell.parent
            for i, row in enumerate(value):
                for j, v in enumerate(row):
                    c = ws.cell(cell.row + i, cell.column + j)
                    c.value = v
                    if isinstance(v, str):
                        c.data_type = "s"
        else:
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"

    def alert(self, message: str, title: str) -> None:
        self.alerts.append((title, message))
        print(f"{title}：{message}", file=sys.stderr)

    @property
    def folder(self) -> Path:
        return self.path.parent

    def save(self, path: Path | str) -> None:
        self.wb.save(path)


def main() -> None:
    """The RunPython entry point: ``import shishi_city; shishi_city.main()``."""
    import xlwings as xw  # only inside Excel: the entry point is tested without it

    run_button(XlwingsBook(xw.Book.caller()))


def cli_main(argv: list[str] | None = None) -> int:
    """``python -m macros_py.city BOOK.xlsm``: the button's job without Excel or macros."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("用法：python -m macros_py.city shishi_city.xlsm", file=sys.stderr)
        return 2
    book = OpenpyxlBook(args[0], read_only=True)
    outcome = run_button(book)
    if outcome is None:
        return 1
    print(outcome.text())
    return 0


if __name__ == "__main__":
    raise SystemExit(cli_main())
