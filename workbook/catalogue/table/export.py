"""The catalogue in the layout of Attachment 11: export to xlsx/csv (``tableimport`` reads it back).

Columns: 序号, 实事名称, 目标名称 (as printed), 单位, 全市目标任务, one column per unit, then
extra columns that carry what the printed table does not (规范名称, 牵头处室, 牵头依据, 方案原文,
方案目标值, 整理说明). In the xlsx a merged cell of the table is merged again; in the csv its
text is repeated in every unit column it spans. A second sheet 目录信息 holds the catalogue's
identity and unit list, so that export → import gives back an identical catalogue.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from workbook.catalogue import model as catmod
from workbook.catalogue.indicator import ROLLUP_ZH
from workbook.core.files import atomic_write
from workbook.core.items import ITEM_COLUMN_ZH
from workbook.core.measures import KIND_ZH
from workbook.excel.cells import safe_text

BASE_HEADER = ["序号", "实事名称", "目标名称", "单位", "全市目标任务"]
EXTRA_HEADER = [
    "规范名称",
    "牵头处室",
    "牵头依据",
    "方案原文",
    "方案目标值",
    "整理说明",
    "目标类型",
    "进度依据",
    "时间表",
    "明细台账",
    "汇总方式",
]
INFO_SHEET = "目录信息"
TABLE_SHEET = "任务分解表"
# Headers of earlier exports, read as today's.
HEADER_ALIASES = {"进度类型": "目标类型"}
UNIT_KIND_ZH = {"city": "市局", "county": "县区", "zone": "功能区", "station": "所"}
UNIT_KIND_EN = {v: k for k, v in UNIT_KIND_ZH.items()} | {"本级": "city"}
# 目录信息 rows of a level below the city (``Catalogue.level``) and of its parent
LEVEL_KEYS = {"层级名称": "bureau", "范围": "scope", "简称": "short", "上级简称": "parent_short"}
# 目录信息 rows of the office's own names (``Catalogue.naming``)
NAMING_KEYS = {
    "机关全称": "bureau",
    "标题前缀": "scope_title",
    "方案名称": "plan",
    "方案简称": "short",
}
PARENT_KEYS = {"上级目录": "catalogue_id", "上级版本": "version", "上级单位": "unit",
               "上级目标哈希": "targets_hash"}  # fmt: skip


def header(cat: catmod.Catalogue) -> list[str]:
    own = f"{cat.wording['scope']}目标任务" if cat.level else BASE_HEADER[4]
    return BASE_HEADER[:4] + [own] + cat.unit_ids + EXTRA_HEADER


def kind_zh(cat: catmod.Catalogue, kind: str) -> str:
    """A unit's 类别 as 目录信息 writes it: the level's own bureau is 本级 below the city."""
    return "本级" if kind == "city" and cat.level else UNIT_KIND_ZH[kind]


def _number(x: Any) -> str:
    if x is None or x == "":
        return ""
    f = float(x)
    return str(int(f)) if f.is_integer() else f"{f:g}"


def table_rows(cat: catmod.Catalogue) -> list[list[str]]:
    """One list of cell texts per 序号, in header order (merged texts repeated)."""
    rows = []
    for ind in cat.indicators:
        plan = ind.plan or {}
        rows.append(
            [
                str(ind.seq),
                cat.action(ind.action).label,
                ind.name_printed,
                ind.measure_unit,
                ind.city.text,
            ]
            + [ind.targets[u].text if u in ind.targets else "" for u in cat.unit_ids]
            + [
                ind.name,
                ind.lead_department or "",
                ind.lead_source or "",
                plan.get("text", ""),
                _number(plan.get("value")),
                "\n".join(ind.notes),
                KIND_ZH[ind.measure],
                (ind.progress or {}).get("reason", ""),
                _schedule_text(ind),
                items_text(ind.items),
                ROLLUP_ZH[ind.rollup] if ind.rollup else "",
            ]
        )
    return rows


def items_text(items: dict[str, Any] | None) -> str:
    """The 明细台账 cell: "名称、统一社会信用代码｜why" (empty: not itemised)."""
    if not items:
        return ""
    cols = "、".join(["名称", *(ITEM_COLUMN_ZH[c] for c in items["columns"])])
    return f"{cols}｜{items['reason']}"


def parse_items_text(text: str) -> dict[str, Any] | None:
    """The 明细台账 cell back into ``items`` (see ``export.items_text``)."""
    if not text.strip():
        return None
    cols, _, reason = text.partition("｜")
    names = {v: k for k, v in ITEM_COLUMN_ZH.items()}
    columns = [names[c.strip()] for c in cols.split("、") if c.strip() in names]
    return {"columns": columns, "reason": reason.strip() or cols.strip()}


def _schedule_text(ind: catmod.Indicator) -> str:
    """The 时间表 cell: "单项交付" when the target is one item delivered whole, then quarterly
    milestones as "3:20%;6:50%" (month: share of the annual target)."""
    milestones = (ind.progress or {}).get("milestones") or {}
    items = sorted(milestones.items(), key=lambda kv: int(kv[0]))
    parts = [catmod.SINGLE_ITEM] if ind.single_item else []
    return ";".join(parts + [f"{m}:{v * 100:g}%" for m, v in items])


def export_csv(cat: catmod.Catalogue) -> str:
    """The table as CSV text (the caller writes it UTF-8 with BOM)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header(cat))
    for row in table_rows(cat):
        w.writerow([safe_text(c) for c in row])
    return buf.getvalue()


def write_csv(cat: catmod.Catalogue, path: Path) -> None:
    atomic_write(path, lambda p: p.write_text(export_csv(cat), encoding="utf-8-sig"))


def write_xlsx(cat: catmod.Catalogue, path: Path) -> None:
    """The table as an xlsx with merged cells where the table merges them."""
    from workbook.excel.writer import new_workbook  # XlsxWriter only for an xlsx export

    def build(tmp: Path) -> None:
        wb = new_workbook(tmp)
        head = wb.add_format(
            {
                "bold": True,
                "text_wrap": True,
                "border": 1,
                "align": "center",
                "valign": "vcenter",
                "bg_color": "#DDEBF7",
            }
        )
        cell = wb.add_format({"text_wrap": True, "border": 1, "valign": "vcenter"})
        _table_sheet(wb, cat, head, cell)
        _info_sheet(wb, cat, head, cell)
        wb.close()

    atomic_write(path, build)


def _table_sheet(wb: Any, cat: catmod.Catalogue, head: Any, cell: Any) -> None:
    ws = wb.add_worksheet(TABLE_SHEET)
    cols = header(cat)
    for c, h in enumerate(cols):
        ws.write_string(0, c, h, head)
    ws.set_column(0, 0, 6)
    ws.set_column(1, 1, 18)
    ws.set_column(2, 2, 36)
    ws.set_column(3, 4, 12)
    ws.set_column(5, 4 + len(cat.unit_ids), 11)
    ws.set_column(5 + len(cat.unit_ids), len(cols) - 1, 24)
    ws.freeze_panes(1, 3)
    first_unit_col = len(BASE_HEADER)
    for r, (ind, row) in enumerate(zip(cat.indicators, table_rows(cat), strict=True), start=1):
        for c, text in enumerate(row):
            ws.write_string(r, c, text, cell)
        for i, j, text in _merged_spans(ind, cat.unit_ids):
            ws.merge_range(r, first_unit_col + i, r, first_unit_col + j, text, cell)


def _merged_spans(ind: catmod.Indicator, units: list[str]) -> list[tuple[int, int, str]]:
    """(first, last unit index, text) of each run of neighbouring units whose targets are
    one merged phrase in the table ("均达到80%")."""
    spans = []
    i = 0
    while i < len(units):
        t = ind.targets.get(units[i])
        j = i
        if t is not None and t.merged:
            while (
                j + 1 < len(units)
                and (n := ind.targets.get(units[j + 1])) is not None
                and n.merged
                and n.text == t.text
            ):
                j += 1
        if j > i and t is not None:
            spans.append((i, j, t.text))
        i = j + 1
    return spans


def _info_sheet(wb: Any, cat: catmod.Catalogue, head: Any, cell: Any) -> None:
    """目录信息: the catalogue's identity and its units (where an import finds them)."""
    info = wb.add_worksheet(INFO_SHEET)
    pairs = [
        ("目录编号", cat.catalogue_id),
        ("版本", cat.version),
        ("年度", str(cat.year)),
        ("标题", cat.title),
        ("来源", cat.source),
    ]
    pairs += [(k, (cat.level or {}).get(key, "")) for k, key in LEVEL_KEYS.items() if cat.level]
    pairs += [(k, str(cat.parent[key])) for k, key in PARENT_KEYS.items() if cat.parent]
    pairs += [(k, cat.naming.get(key, "")) for k, key in NAMING_KEYS.items() if cat.naming]
    for r, (k, v) in enumerate(pairs):
        info.write_string(r, 0, k, head)
        info.write_string(r, 1, v, cell)
    base = len(pairs) + 1
    for c, h in enumerate(["单位", "全称", "类别"]):
        info.write_string(base, c, h, head)
    for r, u in enumerate(cat.units, start=base + 1):
        info.write_string(r, 0, u.id, cell)
        info.write_string(r, 1, u.full_name, cell)
        info.write_string(r, 2, kind_zh(cat, u.kind), cell)
    info.set_column(0, 0, 12)
    info.set_column(1, 1, 48)
