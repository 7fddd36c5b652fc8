"""A decomposition table as offices publish it: units as rows (地区 in A), indicators as
columns under one or more header rows (an action over its indicators, the indicator's name
with its unit, "城镇新增就业(人)", the lead department, and 目标任务 / 进度 / 完成比例 when a
progress table carries the targets), in blocks one under another.

``transpose`` turns it into the export layout (one row per indicator) that ``Importer``
reads, with a 目录信息 built from the rows (the units) and the command line (the identity).
Every cell of the new grids remembers the published cell it came from, so each problem the
import finds points there; each step it takes is said as a 提示 at its cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from workbook.catalogue.table.cells import CellReader
from workbook.catalogue.table.export import BASE_HEADER, INFO_SHEET, TABLE_SHEET, UNIT_KIND_ZH
from workbook.catalogue.table.grid import UNITS_HEADER, Grid
from workbook.core import problems as codes
from workbook.core.errors import InputError
from workbook.core.measures import KIND_ZH
from workbook.core.targets import AMOUNT_UNITS, TIME_UNITS
from workbook.core.targetwords import AT_MOST, FALL, HOLD_TO, RISE, read_words
from workbook.excel.formats import col_letter

LEAD_LABELS = ("责任单位", "牵头单位", "责任部门", "牵头部门")
TARGET_WORDS = ("目标任务", "目标", "任务", "年度目标", "年度目标任务")
PROGRESS_WORDS = (
    "进度",
    "完成比例",
    "完成比例(%)",
    "完成比例（%）",
    "完成情况",
    "完成率",
    "完成率(%)",
    "完成率（%）",
    "完成数",
    "备注",
)
CITY_ROWS = ("全市", "合计", "全区", "全县")
MARKS = "★◆▲●※*"
_DEPARTMENT = re.compile(r"(局|委|会|联|办|院|部|中心|公司|行|处)(、|$)")
_NAME_UNIT = re.compile(r"^(.*?)\s*[（(]([^()（）]{1,6})[)）]\s*$")
_YEAR = re.compile(r"(20\d\d)年")


def is_units_header(text: str) -> bool:
    return _squeeze(text) in UNITS_HEADER


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@dataclass
class Indicator:
    """One indicator column of the published table, and where each of its parts came from."""

    action: str
    name: str  # as printed, marks and unit included
    lead: str
    column: int  # the target column
    name_cell: tuple[int, int]
    action_cell: tuple[int, int]
    targets: dict[str, tuple[str, tuple[int, int]]] = field(default_factory=dict)  # unit ->


class Transposer:
    """Reads the published grid into indicators and units, saying each step at its cell."""

    def __init__(self, reader: CellReader, grid: Grid) -> None:
        self.r, self.g = reader, grid
        self.units: dict[str, tuple[int, int]] = {}  # unit -> its cell (row, 1), in order
        self.city_cell: tuple[int, int] | None = None

    def say(self, code: str, msg: str, at: tuple[int, int]) -> None:
        cell = f"{col_letter(at[1] - 1)}{at[0]}"
        self.r.report.add(code, msg, file=self.r.file, sheet=self.g.name, cell=cell)

    def blocks(self) -> list[tuple[int, int, int]]:
        """(first header row, first data row, last data row) of each block: a block starts at
        a 地区 cell and its data rows end where the next block starts."""
        g = self.g
        starts = [r for r in range(1, len(g.rows) + 1) if is_units_header(g.raw(r, 1))]
        out = []
        for i, top in enumerate(starts):
            end = starts[i + 1] - 1 if i + 1 < len(starts) else len(g.rows)
            merge = g.merge_at(top, 1)
            first = (merge[2] if merge else top) + 1
            while first <= end and (
                not g.raw(first, 1) or _squeeze(g.raw(first, 1)) in LEAD_LABELS
            ):
                first += 1
            out.append((top, first, end))
        return out

    def header(self, top: int, first: int) -> list[Indicator]:
        """The indicators of one block, from its header rows ``top`` … ``first`` - 1."""
        g = self.g
        rows = list(range(top, first))
        width = max(len(g.rows[r - 1]) for r in range(top, first))
        sub = next((r for r in rows if self._is_sub_header(r, width)), None)
        lead = next((r for r in rows if r != sub and self._is_lead_row(r, width)), None)
        named = [r for r in rows if r not in (sub, lead)]
        if not named:
            raise InputError(f"{g.name}!A{top} 之下没有指标名称行，读不出各列是什么指标。")
        name_row, action_row = named[-1], named[0]
        found: list[Indicator] = []
        for c in range(2, width + 1):
            word = _squeeze(g.text(sub, c)) if sub else ""
            if word in PROGRESS_WORDS:
                what = g.text(name_row, c)
                msg = f"{col_letter(c - 1)} 列是“{what}”的“{g.text(sub or top, c)}”，不是目标，未读取。"
                self.say(codes.TABLE_PROGRESS_COLUMN, msg, (sub or top, c))
                continue
            name = g.text(name_row, c)
            if not name or (sub and word not in TARGET_WORDS):
                continue
            m = g.merge_at(action_row, c)
            action_cell = (m[0], m[1]) if m else (action_row, c)
            found.append(
                Indicator(
                    action=_squeeze(g.text(action_row, c)) if action_row != name_row else name,
                    name=name,
                    lead=g.text(lead, c) if lead else "",
                    column=c,
                    name_cell=(name_row, c),
                    action_cell=action_cell,
                )
            )
        return found

    def _is_sub_header(self, r: int, width: int) -> bool:
        words = {_squeeze(self.g.raw(r, c)) for c in range(2, width + 1)} - {""}
        return bool(words) and words <= set(TARGET_WORDS + PROGRESS_WORDS)

    def _is_lead_row(self, r: int, width: int) -> bool:
        if _squeeze(self.g.raw(r, 1)) in LEAD_LABELS:
            return True
        texts = [self.g.raw(r, c) for c in range(2, width + 1) if self.g.raw(r, c)]
        return bool(texts) and all(_DEPARTMENT.search(t) for t in texts)

    def data(self, first: int, end: int, found: list[Indicator]) -> None:
        """Each unit's target in each indicator of the block; the 全市 row is the city's."""
        g = self.g
        for r in range(first, end + 1):
            unit = _squeeze(g.raw(r, 1))
            if not unit:
                continue
            if unit in CITY_ROWS:
                self.city_cell = self.city_cell or (r, 1)
                unit = ""  # the city target
            else:
                self.units.setdefault(unit, (r, 1))
            for ind in found:
                ind.targets[unit] = (g.text(r, ind.column), (r, ind.column))


def _split_name(name: str) -> tuple[str, str, str]:
    """(name without marks or unit, its unit, the bound word it ends with) of a printed name:
    "城镇登记失业率低于(%)" is (城镇登记失业率, %, 低于)."""
    bare = name.strip().lstrip(MARKS).strip()
    m = _NAME_UNIT.match(bare)
    unit = m.group(2).strip() if m else ""
    bare = m.group(1).strip() if m else bare
    words = read_words(bare)
    # a name that states its own figure ("控制在4.3%以内") keeps its words; the cells say them
    bound = words[-1][0] if words and bare.endswith(words[-1][0]) else ""
    bound = "" if re.search(r"\d", bare) else bound
    return bare[: len(bare) - len(bound)].strip(), unit, bound


def _kind(unit: str, texts: list[str]) -> str:
    """The 目标类型 a row's unit and targets point to (said, and refused later if wrong)."""
    numbers = [t for t in texts if t and t != "/"]
    if any(m in (FALL, RISE) for t in numbers for _, m in read_words(t)):  # the words table's
        return "change"
    if unit == "%" or any("%" in t for t in numbers):
        return "rate"
    if unit in AMOUNT_UNITS:
        return "amount"
    if unit in TIME_UNITS:
        return "time_limit"
    if numbers and all(re.fullmatch(r"\d+(\.\d+)?", t) for t in numbers):
        return "count"
    return "qualitative"


def _target_text(text: str, kind: str, bound: str, scale: int) -> str:
    """A published figure as the export layout writes it: 4.3 under 低于(%) is 低于4.3%."""
    if not text or kind not in ("rate", "count", "amount", "time_limit"):
        return text
    if not re.fullmatch(r"\d+(\.\d+)?", text):
        return text
    if kind == "rate":
        return f"{bound}{text}%" if bound else f"{text}%"
    if scale != 1:
        return f"{float(text) * scale:g}"
    return text


def _unit_kind(unit: str) -> str:
    if unit.endswith("本级"):
        return "city"
    if re.search(r"(新区|开发区|高新区|园区|经开区)$", unit):
        return "zone"
    return "county"


def transpose(reader: CellReader, grid: Grid, ident: dict[str, Any]) -> tuple[Grid, Grid]:
    """The export-layout 任务分解表 and 目录信息 of a units-as-rows table."""
    t = Transposer(reader, grid)
    indicators: list[Indicator] = []
    blocks = t.blocks()
    for top, first, end in blocks:
        found = t.header(top, first)
        t.data(first, end, found)
        indicators += found
        msg = f"按“地区为行、指标为列”读取：第 {top}–{first - 1} 行是表头，第 {first}–{end} 行是各单位，共 {len(found)} 个指标。"
        t.say(codes.TABLE_UNITS_AS_ROWS, msg, (top, 1))
    if not indicators:
        raise InputError(f"{grid.name} 中没有读出任何指标列。")
    if t.city_cell is None:
        raise InputError(f"{grid.name} 的 A 列没有“全市”一行，读不出全市目标任务。")
    title = next((grid.raw(r, 1) for r in range(1, blocks[0][0]) if grid.raw(r, 1)), "")
    return _table_grid(t, indicators), _info_grid(t, grid, title, ident)


def _table_grid(t: Transposer, indicators: list[Indicator]) -> Grid:
    units = list(t.units)
    head = [*BASE_HEADER, *units, "目标类型", "牵头处室"]
    rows = [head]
    origin: dict[tuple[int, int], tuple[int, int]] = {}
    for c, u in enumerate(units, start=len(BASE_HEADER) + 1):
        origin[(1, c)] = t.units[u]
    counts: dict[str, int] = {}
    for ind in indicators:
        counts[ind.action] = counts.get(ind.action, 0) + 1
    for seq, ind in enumerate(indicators, start=1):
        r = seq + 1
        name, unit, bound = _split_name(ind.name)
        texts = [text for text, _ in ind.targets.values()]
        kind = _kind(unit, texts)
        scale = 10000 if unit.startswith("万") and unit not in AMOUNT_UNITS else 1
        shown_unit = unit[1:] if scale != 1 else (unit or ("%" if kind == "rate" else "项"))
        _say_name(t, ind, name, unit, bound, kind, scale)
        cells = {u: ind.targets.get(u, ("", ind.name_cell)) for u in ["", *units]}
        row = [
            str(seq),
            f"{ind.action}({counts[ind.action]}项)",
            f"{name}({shown_unit})",
            shown_unit,
        ]
        row += [_target_text(cells[u][0], kind, bound, scale) for u in ["", *units]]
        row += [KIND_ZH[kind], ind.lead]
        rows.append(row)
        for c in (1, 3, 4, len(head) - 1):
            origin[(r, c)] = ind.name_cell
        origin[(r, 2)] = ind.action_cell
        origin[(r, len(head))] = ind.name_cell
        for c, u in enumerate(["", *units], start=len(BASE_HEADER)):
            origin[(r, c)] = cells[u][1]
    return Grid(TABLE_SHEET, rows, origin=origin, source=t.g.name)


def _say_name(
    t: Transposer, ind: Indicator, name: str, unit: str, bound: str, kind: str, scale: int
) -> None:
    parts = [
        f"目标名称“{name}”",
        f"单位“{unit or '（无）'}”",
        f"目标类型按单位和目标读作“{KIND_ZH[kind]}”",
    ]
    if bound:
        low = any(m in (AT_MOST, HOLD_TO) for _, m in read_words(bound))
        parts.append(f"名称末尾的“{bound}”读作各单位目标的{'上限（越低越好）' if low else '下限'}")
    if scale != 1:
        parts.append(f"以“{unit}”计的目标乘以 10000，改以“{unit[1:]}”计")
    if ind.name != ind.name.lstrip(MARKS):
        parts.append(f"标记“{ind.name.strip()[0]}”已去掉")
    if kind == "count":
        parts.append("若是年末存量，请导出后把目标类型改为“存量”")
    t.say(codes.TABLE_NAME_SPLIT, f"“{ind.name}”：" + "；".join(parts) + "。", ind.name_cell)


def _info_grid(t: Transposer, grid: Grid, title: str, ident: dict[str, Any]) -> Grid:
    """目录信息 for the transposed table: identity from the title and the command line, the
    units from the rows (each said at its cell)."""
    year = ident.get("year") or (int(m.group(1)) if (m := _YEAR.search(title)) else None)
    if year is None:
        raise InputError(
            f"{grid.name} 的标题“{title}”中没有年度：请用 --year 指定，如 --year 2025。"
        )
    if not ident.get("catalogue_id"):
        raise InputError(
            "按地区为行的表没有“目录信息”，不知道目录编号：请用 --id 指定（字母、数字、连字符，"
            "如 --id meishan-minsheng）。"
        )
    rows = [
        ["目录编号", ident["catalogue_id"]],
        ["版本", ident.get("version") or f"{year}.1"],
        ["年度", str(year)],
        ["标题", title or f"{year}年任务分解表"],
        ["来源", ident.get("source") or grid.name],
        *([["机关全称", ident["bureau"]]] if ident.get("bureau") else []),
        [],
        ["单位", "全称", "类别"],
    ]
    origin = {}
    for u, cell in t.units.items():
        kind = _unit_kind(u)
        rows.append([u, u, UNIT_KIND_ZH[kind]])
        for c in (1, 2, 3):
            origin[(len(rows), c)] = cell
        msg = f"单位“{u}”按名称登记为“{UNIT_KIND_ZH[kind]}”，全称暂用简称。"
        t.say(codes.TABLE_UNITS_AS_ROWS, msg, cell)
    return Grid(INFO_SHEET, rows, origin=origin, source=grid.name)
