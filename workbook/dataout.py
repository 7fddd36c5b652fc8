"""The machine-readable outputs: the JSON report and the long-form CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from workbook.consolidate import Consolidation
from workbook.tallies import long_rows, report_dict
from workbook.xlsxio import Writer, atomic_write, safe_text

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


def write_csv(result: Consolidation, out: Path | str, write: Writer = atomic_write) -> Path:
    """Long-form CSV, UTF-8 with BOM, formula-like text neutralised."""
    buf = io.StringIO()
    wr = csv.writer(buf, lineterminator="\r\n")
    wr.writerow(CSV_COLUMNS)
    for row in long_rows(result):
        # numbers stay numbers (-10 is not a formula); only text is guarded
        wr.writerow([row[c] if c in _NUMERIC_CSV else safe_text(str(row[c])) for c in CSV_COLUMNS])
    text = buf.getvalue()
    return write(out, lambda p: p.write_text(text, encoding="utf-8-sig"))


def write_json(result: Consolidation, out: Path | str, write: Writer = atomic_write) -> Path:
    # no indent: json's C encoder only runs without one (ten times faster on 50,000 values)
    text = json.dumps(report_dict(result), ensure_ascii=False, separators=(",", ":"))
    return write(out, lambda p: p.write_text(text, encoding="utf-8"))
