"""The 核验清单: the lines of one 核验 sample as a workbook the office fills (核验结果, 说明,
核验人员, 核验日期), and a sheet saying how they were drawn (seed, method, per-unit counts).

The drawn columns are locked; the four input columns are unlocked and validated. The file
names its sample (``shishi_verify_sample``, and in its title), and ``verify import`` compares
every locked cell with the ledger's copy of the sample, so what is protected here is checked
there, not trusted.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from workbook.catalogue.model import Catalogue
from workbook.core.files import Writer, atomic_write
from workbook.core.period import Period
from workbook.core.verify import LINE_COLUMNS, METHOD, RESULTS
from workbook.excel.writer import CellWriter, new_workbook, print_setup

LIST_SHEET = "核验清单"
ABOUT_SHEET = "抽样说明"
HEADER_ROW = 2  # 0-based: title, note, header
SAMPLE_PROPERTY = "shishi_verify_sample"
_WIDTHS: list[float] = [
    5,
    7,
    5,
    24,
    22,
    20,
    20,
    11,
    16,
    9,
    24,
    8,
    11,
]  # A3 landscape, one page wide


def list_title(cat: Catalogue, period: Period, sid: str) -> str:
    return f"{period.label}{cat.names['short']}明细核验清单（抽查编号 {sid}）"


def write_verify_list(
    cat: Catalogue,
    period: Period,
    sample: dict[str, Any],
    out: Path,
    password: str,
    write: Writer = atomic_write,
) -> Path:
    """Write the list of ``sample`` (as ``Ledger.sample`` gives it) to ``out``, atomically."""
    return write(out, lambda tmp: _build(cat, period, sample, tmp, password))


def _build(cat: Catalogue, period: Period, sample: dict[str, Any], tmp: Path, pw: str) -> None:
    wb = new_workbook(tmp)
    wb.set_custom_property(SAMPLE_PROPERTY, sample["id"])
    w = CellWriter(wb)
    _list_sheet(wb, w, cat, period, sample, pw)
    _about_sheet(wb, w, cat, period, sample)
    wb.close()


def _list_sheet(
    wb: Any, w: CellWriter, cat: Catalogue, period: Period, sample: dict[str, Any], pw: str
) -> None:
    ws = wb.add_worksheet(LIST_SHEET)
    ws.write_string(0, 0, list_title(cat, period, sample["id"]), w.title)
    ws.merge_range(
        1,
        0,
        1,
        len(LINE_COLUMNS) - 1,
        "请逐条现场或书面核验，在“核验结果”列选择 通过、不通过 或 待核；不通过的，在“说明”中写明原因。"
        "只填右侧四列（白色），其余各列由系统生成、不得修改，否则导入时会被拒绝。",
        w.note,
    )
    ws.set_row(1, 30)
    w.header(ws, HEADER_ROW, [h for _, h in LINE_COLUMNS])
    unlocked = wb.add_format(
        {"font_name": "宋体", "font_size": 10, "border": 1, "locked": False, "text_wrap": True}
    )
    day = wb.add_format(
        {"font_name": "宋体", "font_size": 10, "border": 1, "locked": False}
        | {"num_format": "yyyy-mm-dd"}
    )
    for i, line in enumerate(sample["lines"]):
        r = HEADER_ROW + 1 + i
        values = [line["no"], line["unit"], line["seq"], cat.indicator(line["seq"]).name]
        values += [line["name"], line["code"], line["address"], line["date"], line["evidence"]]
        w.row(ws, r, values)
        for c in range(9, 12):
            ws.write_blank(r, c, None, unlocked)
        ws.write_blank(r, 12, None, day)
    last = HEADER_ROW + max(len(sample["lines"]), 1)
    first = HEADER_ROW + 1
    ws.data_validation(
        first, 9, last, 9,
        {"validate": "list", "source": list(RESULTS), "input_title": "核验结果",
         "input_message": "选择 通过、不通过 或 待核（尚未核完）。", "error_title": "核验结果无效",
         "error_message": "只能选择 通过、不通过 或 待核。"},
    )  # fmt: skip
    ws.data_validation(
        first, 10, last, 10,
        {"validate": "length", "criteria": "<=", "value": 500, "input_title": "说明",
         "input_message": "不通过的，写明原因（如 名称与营业执照不符、现场未建成）。"},
    )  # fmt: skip
    ws.data_validation(
        first, 12, last, 12,
        {"validate": "date", "criteria": "between", "minimum": date(period.year, 1, 1),
         "maximum": date(period.year + 1, 12, 31), "input_title": "核验日期",
         "input_message": "如 2024-07-15。", "error_message": "请填日期，如 2024-07-15。"},
    )  # fmt: skip
    w.widths(ws, _WIDTHS)
    ws.freeze_panes(HEADER_ROW + 1, 0)
    ws.protect(pw, {"format_columns": True, "format_rows": True, "autofilter": True})
    ws.autofilter(HEADER_ROW, 0, last, len(LINE_COLUMNS) - 1)
    print_setup(ws, repeat=HEADER_ROW, paper=8)


def _about_sheet(
    wb: Any, w: CellWriter, cat: Catalogue, period: Period, sample: dict[str, Any]
) -> None:
    ws = wb.add_worksheet(ABOUT_SHEET)
    ws.write_string(0, 0, "抽样说明", w.title)
    facts = [
        ("抽查编号", sample["id"]),
        ("期次", period.label),
        ("目录", f"{cat.catalogue_id}（{cat.version}）"),
        ("随机数种子", sample["seed"]),
        ("每单位抽取条数", str(sample["per_unit"])),
        ("抽取时间", sample["drawn_at"]),
        ("抽取方法", METHOD),
    ]
    for r, (k, v) in enumerate(facts, start=2):
        ws.write_string(r, 0, k, w.head)
        ws.merge_range(r, 1, r, 5, v, w.cell)
    ws.set_row(8, 48)
    w.header(ws, 10, ["单位", "本期明细条数", "可抽取条数", "抽取条数"])
    drawn: dict[str, int] = {}
    for line in sample["lines"]:
        drawn[line["unit"]] = drawn.get(line["unit"], 0) + 1
    for r, unit in enumerate(cat.unit_ids, start=11):
        listed, eligible = sample["population"].get(unit, [0, 0])
        w.row(ws, r, [unit, listed, eligible, drawn.get(unit, 0)])
    w.widths(ws, [16, 14, 14, 14, 20, 20])
    ws.protect("", {"format_columns": True, "format_rows": True})
    print_setup(ws, paper=9)
