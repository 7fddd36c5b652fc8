"""The catalogue in the layout of Attachment 11: export to xlsx/csv, import from xlsx.

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

from workbook import catalogue as catmod
from workbook.errors import InputError
from workbook.measures import KIND_FROM_ZH, KIND_ZH
from workbook.targets import direction_for, measure_for, parse_target
from workbook.xlsxio import atomic_write, cell_text, safe_text

BASE_HEADER = ["序号", "实事名称", "目标名称", "单位", "全市目标任务"]
EXTRA_HEADER = [
    "规范名称",
    "牵头处室",
    "牵头依据",
    "方案原文",
    "方案目标值",
    "整理说明",
    "进度类型",
    "进度依据",
    "时间表",
]
INFO_SHEET = "目录信息"
TABLE_SHEET = "任务分解表"
UNIT_KIND_ZH = {"city": "市局", "county": "县区", "zone": "功能区"}
UNIT_KIND_EN = {v: k for k, v in UNIT_KIND_ZH.items()}


def header(cat: catmod.Catalogue) -> list[str]:
    return BASE_HEADER + cat.unit_ids + EXTRA_HEADER


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
            [str(ind.seq), cat.action(ind.action).label, ind.name_printed, ind.unit, ind.city.text]
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
                _milestones_text((ind.progress or {}).get("milestones")),
            ]
        )
    return rows


def _milestones_text(milestones: dict[str, float] | None) -> str:
    """Quarterly milestones as "3:20%;6:50%" (month: share of the annual target)."""
    items = sorted((milestones or {}).items(), key=lambda kv: int(kv[0]))
    return ";".join(f"{m}:{v * 100:g}%" for m, v in items)


def _milestones(text: str) -> dict[str, float]:
    out = {}
    for part in text.replace("；", ";").split(";"):
        month, _, share = part.partition(":")
        if month.strip():
            out[str(int(month))] = round(float(share.strip().rstrip("%")) / 100, 6)
    return out


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
    import xlsxwriter

    def build(tmp: Path) -> None:
        wb = xlsxwriter.Workbook(
            str(tmp), {"strings_to_formulas": False, "strings_to_numbers": False}
        )
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
            units = cat.unit_ids
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
                    ws.merge_range(r, first_unit_col + i, r, first_unit_col + j, t.text, cell)
                i = j + 1
        info = wb.add_worksheet(INFO_SHEET)
        pairs = [
            ("目录编号", cat.catalogue_id),
            ("版本", cat.version),
            ("年度", str(cat.year)),
            ("标题", cat.title),
            ("来源", cat.source),
        ]
        for r, (k, v) in enumerate(pairs):
            info.write_string(r, 0, k, head)
            info.write_string(r, 1, v, cell)
        base = len(pairs) + 1
        for c, h in enumerate(["单位", "全称", "类别"]):
            info.write_string(base, c, h, head)
        for r, u in enumerate(cat.units, start=base + 1):
            info.write_string(r, 0, u.id, cell)
            info.write_string(r, 1, u.full_name, cell)
            info.write_string(r, 2, UNIT_KIND_ZH[u.kind], cell)
        info.set_column(0, 0, 12)
        info.set_column(1, 1, 48)
        wb.close()

    atomic_write(path, build)


def _split_action(label: str) -> tuple[str, int]:
    import re

    m = re.match(r"^(.*?)[(（](\d+)项[)）]$", label.strip())
    if not m:
        raise InputError(f"实事名称“{label}”应写成“名称(N项)”，例如“增值服务暖企行动(5项)”。")
    return m.group(1), int(m.group(2))


def import_xlsx(path: Path) -> dict[str, Any]:
    """Read a table in the export layout back into catalogue data (not yet checked).

    Merged cells over unit columns become targets marked ``merged``; every target's meaning is
    parsed from its text. Returns plain data for ``lint.check_data`` and ``catalogue.from_dict``.
    """
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:
        raise InputError(f"无法打开分解表 {path}：{exc}") from exc
    if TABLE_SHEET not in wb.sheetnames:
        raise InputError(f"{path} 中没有名为“{TABLE_SHEET}”的工作表。")
    ws = wb[TABLE_SHEET]
    rows = [[cell_text(c) for c in r] for r in ws.iter_rows(values_only=True)]
    head = rows[0]
    if head[: len(BASE_HEADER)] != BASE_HEADER:
        raise InputError(
            f"分解表表头应以 {','.join(BASE_HEADER)} 开头，实际为 {','.join(head[:5])}。"
        )
    unit_ids = []
    for h in head[len(BASE_HEADER) :]:
        if h in EXTRA_HEADER or h == "":
            break
        unit_ids.append(h)
    col = {h: i for i, h in enumerate(head)}
    merged_cells: set[tuple[int, int]] = set()
    merged_text: dict[tuple[int, int], str] = {}
    for rng in ws.merged_cells.ranges:
        top = cell_text(ws.cell(rng.min_row, rng.min_col).value)
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                merged_cells.add((r, c))
                merged_text[(r, c)] = top

    info = _read_info(wb, path)
    actions: dict[int, tuple[str, int]] = {}
    action_order: list[str] = []
    indicators = []
    first_unit = len(BASE_HEADER)
    for r_idx, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        row = row + [""] * (len(head) - len(row))
        name, count = _split_action(row[1])
        if name not in action_order:
            action_order.append(name)
        no = action_order.index(name) + 1
        actions[no] = (name, count)
        unit = row[3]
        city_text = row[4]
        city = parse_target(city_text)
        targets = {}
        for k, uid in enumerate(unit_ids):
            c = first_unit + k + 1
            merged = (r_idx, c) in merged_cells
            text = merged_text[(r_idx, c)] if merged else row[first_unit + k]
            d: dict[str, Any] = {"text": text}
            if merged:
                d["merged"] = True
            d.update(parse_target(text).as_dict())
            targets[uid] = d

        def extra(h: str, row: list[str] = row) -> str:
            return row[col[h]] if h in col else ""

        printed = row[2]
        ind: dict[str, Any] = {
            "seq": int(float(row[0])),
            "action": no,
            "name": extra("规范名称") or _strip_unit(printed, unit),
            "name_printed": printed,
            "unit": unit,
            "measure": KIND_FROM_ZH.get(extra("进度类型"), measure_for(city.type, unit)),
            "direction": direction_for(city),
            "lead_department": extra("牵头处室") or None,
            "lead_source": extra("牵头依据") or None,
            "city": {"text": city_text, **city.as_dict()},
            "targets": targets,
        }
        if extra("方案原文"):
            ind["plan"] = {"text": extra("方案原文"), "value": _plan_value(extra("方案目标值"))}
        if extra("整理说明"):
            ind["notes"] = extra("整理说明").split("\n")
        if extra("进度依据") or extra("时间表"):
            ind["progress"] = {"reason": extra("进度依据")}
            if extra("时间表"):
                ind["progress"]["milestones"] = _milestones(extra("时间表"))
        indicators.append(ind)
    units = info.pop("units")
    known = {u["id"]: u for u in units}
    return {
        "$schema": "../schema/catalogue.schema.json",
        **info,
        "units": [known.get(u, {"id": u, "full_name": "", "kind": "county"}) for u in unit_ids],
        "actions": [
            {"no": n, "name": a[0], "item_count": a[1]} for n, a in sorted(actions.items())
        ],
        "indicators": indicators,
    }


def _plan_value(s: str) -> int | float:
    f = float(s)
    return int(f) if f.is_integer() else f


def _strip_unit(printed: str, unit: str) -> str:
    for suffix in (f"({unit})", f"（{unit}）", "(%)"):
        if printed.endswith(suffix):
            return printed[: -len(suffix)]
    return printed


def _read_info(wb: Any, path: Path) -> dict[str, Any]:
    """Catalogue identity and units from the 目录信息 sheet (defaults when it is missing)."""
    info: dict[str, Any] = {
        "catalogue_id": Path(path).stem,
        "version": "1",
        "year": 2000,
        "title": "",
        "source": "",
        "units": [],
    }
    if INFO_SHEET not in wb.sheetnames:
        return info
    keys = {
        "目录编号": "catalogue_id",
        "版本": "version",
        "年度": "year",
        "标题": "title",
        "来源": "source",
    }
    in_units = False
    for row in wb[INFO_SHEET].iter_rows(values_only=True):
        a, b, c = (cell_text(x) for x in (list(row) + [None, None, None])[:3])
        if a == "单位" and b == "全称":
            in_units = True
            continue
        if in_units and a:
            info["units"].append({"id": a, "full_name": b, "kind": UNIT_KIND_EN.get(c, "county")})
        elif a in keys:
            info[keys[a]] = int(b) if keys[a] == "year" and b.isdigit() else b
    return info
