"""The machine-readable outputs: the JSON report and the long-form CSV."""

from __future__ import annotations

import csv
import io
import json
from operator import itemgetter
from pathlib import Path
from typing import Any

from workbook.consolidation.result import Consolidation
from workbook.core.files import Writer, atomic_write
from workbook.core.text import printable
from workbook.excel.cells import FORMULA_START
from workbook.outputs.tallies import long_rows, report_dict

CSV_COLUMNS = [
    "期次",
    "单位",
    "序号",
    "实事名称",
    "目标名称",
    "计量单位",
    "本单位目标任务",
    "累计完成",
    "完成率",
    "进度状态",
    "工作进展情况",
    "存在问题及下步措施",
    "来源文件",
    "单元格",
]


_NUMERIC_CSV = {"序号", "累计完成", "完成率"}
_TEXT_INDEXES = [i for i, c in enumerate(CSV_COLUMNS) if c not in _NUMERIC_CSV]
_FORMULA_CHARS = frozenset(FORMULA_START)  # each one character


def write_csv(
    result: Consolidation,
    out: Path | str,
    write: Writer = atomic_write,
    rows: list[dict[str, Any]] | None = None,
) -> Path:
    """Long-form CSV, UTF-8 with BOM, text made printable and formula-like text neutralised
    (as ``safe_text``).
    ``rows``: ``long_rows(result)`` when the caller already has them."""
    buf = io.StringIO()
    wr = csv.writer(buf, lineterminator="\r\n")
    wr.writerow(CSV_COLUMNS)
    columns = itemgetter(*CSV_COLUMNS)
    for row in long_rows(result) if rows is None else rows:
        line = list(columns(row))
        # numbers stay numbers (-10 is not a formula); only text is guarded
        for i in _TEXT_INDEXES:
            v = line[i]
            if type(v) is not str:
                v = str(v)
            v = line[i] = printable(v)
            if v[:1] in _FORMULA_CHARS:
                line[i] = "'" + v
        wr.writerow(line)
    text = buf.getvalue()
    return write(out, lambda p: p.write_text(text, encoding="utf-8-sig"))


def write_json(
    result: Consolidation,
    out: Path | str,
    write: Writer = atomic_write,
    rows: list[dict[str, Any]] | None = None,
) -> Path:
    """The JSON report (``tallies.report_dict``); ``rows`` as for ``write_csv``."""
    # no indent: json's C encoder only runs without one (ten times faster on 50,000 values);
    # the report is a tree made here, without cycles to watch for
    text = json.dumps(
        report_dict(result, rows), ensure_ascii=False, separators=(",", ":"), check_circular=False
    )
    return write(out, lambda p: p.write_text(text, encoding="utf-8"))
