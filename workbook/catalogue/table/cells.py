"""Reading single cells of the task decomposition table: a target as its row's 目标类型, the
row's kind, its action label, the plan's figure and the milestones, and whether a row-wide
phrase ("均达到80%") reaches every unit. Each bad cell is one problem at its sheet!cell.
``tableimport.Importer`` walks the table with these."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from workbook.catalogue.indicator import ROLLUP_ZH
from workbook.catalogue.model import SINGLE_ITEM
from workbook.catalogue.table.export import TABLE_SHEET
from workbook.catalogue.table.grid import Grid
from workbook.core import problems as codes
from workbook.core.findings import Findings
from workbook.core.measures import KIND_FROM_ZH, KIND_ZH, TARGET_TYPE
from workbook.core.targets import parse_target
from workbook.excel.formats import col_letter

NO_OWN_TARGET = ("na", "none", "follows", "in_county")
_TARGET_HELP = {
    "quantity": "数字，如 2500、0.9万、24以上",
    "threshold": "带百分号或时限的水平，如 达到80%、均达到95%以上、15分钟以内、3个工作日",
    "change": "变化幅度，如 下降10%以上、增长8%以上",
    "qualitative": "一句工作要求，如 制定1个以上行业信用建设指引",
}
_KIND_WORDS = "、".join(KIND_ZH.values())
_BOUND_HELP = (
    "不低于80%、80%以上（达到即完成），4.3%以内、不超过4.3%（越低越好），下降10%以上（变化幅度）"
)
_HEADS = {"columns": "序号、实事名称……", "rows": "A 列的“地区”"}
_CHINESE_DIGITS = re.compile(r"[零一二三四五六七八九十百千〇两]")


class CellReader:
    """The problems found so far, the cell each JSON path came from, and the cell readers."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.report = Findings()
        self.cells: dict[str, tuple[str, str]] = {}  # JSON path -> (sheet, cell)
        self.level: dict[str, Any] | None = None  # the table's level, once 目录信息 is read

    def error(self, grid: Grid, r: int, c: int, message: str, action: str, code: str) -> None:
        sheet, cell = grid.where(r, c)
        where = {"file": self.file, "sheet": sheet, "cell": cell, "found": grid.text(r, c)}
        self.report.add(code, message, action=action, **where)

    def said_how_found(self, table: Grid) -> None:
        """What the import did to find the table: the sheet read by its header, the title
        rows above the header left out (each named: nothing was read from them)."""
        if table.found_by_header:
            self.report.add(
                codes.TABLE_SHEET_BY_HEADER,
                f"没有名为“{TABLE_SHEET}”的工作表；按表头（{_HEADS[table.layout]}）读取了“{table.name}”。",
                file=self.file,
                sheet=table.name,
                cell=f"A{table.header}",
            )
        for r in range(1, table.header):
            title = "".join(table.raw(r, c) for c in range(1, len(table.rows[r - 1]) + 1))
            if title:
                msg = f"第 {r} 行在表头之上，是标题，不作为表中数据读取：“{title}”。"
                self.report.add(
                    codes.TABLE_TITLE_ROW, msg, file=self.file, sheet=table.name, cell=f"A{r}"
                )

    def far_cells(self, grids: list[Grid]) -> None:
        for grid in grids:
            for cell, text in grid.far:
                self.report.add(
                    codes.TABLE_FAR_CELL,
                    f"单元格 {cell} 远在表格之外，有内容“{text}”，未读取。",
                    action="删去该单元格的内容。",
                    file=self.file,
                    sheet=grid.name,
                    cell=cell,
                    found=text,
                )

    def where(self, path: str, grid: Grid, r: int, c: int) -> None:
        self.cells[path] = grid.where(r, c)

    def action(self, g: Grid, r: int, actions: dict[str, tuple[int, int, int]]) -> int:
        label = g.text(r, 2)
        m = re.match(r"^(.*?)[(（](\d+)项[)）]$", label)
        if not m or not m.group(1).strip():
            msg = f"实事名称“{label}”不是“名称(N项)”的写法。"
            self.error(g, r, 2, msg, "写成如“增值服务暖企行动(5项)”。", codes.ACTION_LABEL)
            return 0
        name, count = m.group(1).strip(), int(m.group(2))
        if name in actions and actions[name][1] != count:
            first = actions[name][2]
            msg = f"“{name}”在第 {first} 行写作 {actions[name][1]} 项，这里写作 {count} 项。"
            self.error(g, r, 2, msg, "同一实事各行的项数须一致。", codes.ACTION_COUNT_CONFLICT)
            return actions[name][0]
        if name not in actions:
            actions[name] = (len(actions) + 1, count, r)
            self.where(f"$.actions[{len(actions) - 1}]", g, r, 2)
        return actions[name][0]

    def kind(self, g: Grid, r: int, extras: dict[str, int]) -> str | None:
        c = extras["目标类型"]  # present: ``columns`` refuses a table without it
        word = g.text(r, c)
        if word not in KIND_FROM_ZH:
            msg = "目标类型为空。" if not word else f"目标类型“{word}”不是已知类型。"
            self.error(g, r, c, msg, f"填写 {_KIND_WORDS} 之一。", codes.INDICATOR_KIND_UNKNOWN)
            return None
        return KIND_FROM_ZH[word]

    def target(
        self, g: Grid, r: int, c: int, kind: str | None, who: str, plain_op: str | None = None
    ) -> dict[str, Any] | None:
        """The target at (r, c); ``plain_op`` None for the city's own target, else the
        comparator a unit's bare figure takes from its row (the city target's)."""
        city = plain_op is None
        text = g.text(r, c)
        parsed = parse_target(text, plain_op or ">=")
        if parsed.type == "unclear":
            msg = f"{who}“{text}”{parsed.unclear}。"
            act = f"改成一个数和一个明确的词：{_BOUND_HELP}。"
            self.error(g, r, c, msg, act, codes.TARGET_WORDS_UNCLEAR)
            return None
        merge = g.merge_at(r, c)
        out: dict[str, Any] = {"text": text}
        if merge is not None and merge[3] > merge[1]:
            out["merged"] = True
        out.update(parsed.as_dict())
        if kind is None:
            return out
        want = TARGET_TYPE[kind]
        if parsed.type == want or (not city and parsed.type in NO_OWN_TARGET):
            return out
        label = KIND_ZH[kind]
        if city and parsed.type in ("none", "na"):
            msg = f"{who}为空。" if not text else f"{who}是“/”，但每个指标都须有全市目标。"
        elif re.match(r"^\s*[-－−]", text):
            msg = f"{who}“{text}”是负数，目标不能为负数。"
        elif _CHINESE_DIGITS.search(text) and parsed.type == "qualitative":
            msg = f"{who}“{text}”用了汉字数字，读不出目标值；本行目标类型为“{label}”。"
        else:
            msg = f"{who}“{text}”不能按本行的目标类型“{label}”读取。"
        act = f"填写{_TARGET_HELP[want]}" + ("" if city else "；不适用填 /")
        act += f"。若本行确应改为别的类型，请同时修改“目标类型”列（可选：{_KIND_WORDS}）。"
        self.error(g, r, c, msg, act, codes.TARGET_KIND_MISMATCH)
        return None

    def phrase_gaps(self, g: Grid, r: int, units: list[tuple[str, int]]) -> None:
        """A row-wide phrase ("均达到80%") must reach every unit: name the cells it misses."""
        spans = [g.merge_at(r, c) for _, c in units]
        wide = [m for m in spans if m is not None and m[3] > m[1]]
        phrase = g.text(r, wide[0][1]) if wide else ""
        if not phrase:
            texts = [g.text(r, c) for _, c in units]
            common = Counter(t for t in texts if t.startswith("均"))
            phrase = (
                common.most_common(1)[0][0] if common and common.most_common(1)[0][1] > 1 else ""
            )
        if not phrase:
            return
        for uid, c in units:
            if g.text(r, c) == "":
                msg = f"本行的“{phrase}”适用于各单位，但{uid}这一格为空（不在合并范围内）。"
                act = f"把合并范围扩展到 {col_letter(c - 1)}{r}，或在此填写{uid}的目标（不适用填 /）。"
                self.error(g, r, c, msg, act, codes.TARGET_PHRASE_GAP)

    def plan_value(self, g: Grid, r: int, extras: dict[str, int]) -> int | float | None:
        if "方案目标值" not in extras or not g.text(r, extras["方案目标值"]):
            if "方案原文" in extras and g.text(r, extras["方案原文"]):
                msg = "填了方案原文，但方案目标值为空。"
                self.error(
                    g,
                    r,
                    extras.get("方案目标值", extras["方案原文"]),
                    msg,
                    "填写方案原文中的目标数字。",
                    codes.PLAN_VALUE,
                )
            return None
        text = g.text(r, extras["方案目标值"])
        try:
            f = float(text)
        except ValueError:
            msg = f"方案目标值“{text}”不是数字。"
            self.error(g, r, extras["方案目标值"], msg, "只填数字，如 9000。", codes.PLAN_VALUE)
            return None
        return int(f) if f.is_integer() else f

    def single_item(self, g: Grid, r: int, extras: dict[str, int]) -> bool:
        """Whether the 时间表 cell says 单项交付 (one item delivered whole)."""
        if "时间表" not in extras:
            return False
        parts = g.text(r, extras["时间表"]).replace("；", ";").split(";")
        return SINGLE_ITEM in (p.strip() for p in parts)

    def rollup(self, g: Grid, r: int, extras: dict[str, int]) -> str | None:
        """The 汇总方式 cell: how the units' figures make this level's (empty: the default)."""
        text = g.text(r, extras["汇总方式"]) if "汇总方式" in extras else ""
        if not text:
            return None
        found = {zh: en for en, zh in ROLLUP_ZH.items()}.get(text)
        if found is None:
            msg = f"汇总方式“{text}”不是已知的方式。"
            act = f"填写 {'、'.join(ROLLUP_ZH.values())} 之一，或留空（数量求和、比率取最差单位）。"
            self.error(g, r, extras["汇总方式"], msg, act, codes.TABLE_ROLLUP)
        return found

    def milestones(self, g: Grid, r: int, extras: dict[str, int]) -> dict[str, float]:
        if "时间表" not in extras or not g.text(r, extras["时间表"]):
            return {}
        text = g.text(r, extras["时间表"])
        out = {}
        for part in text.replace("；", ";").replace("：", ":").split(";"):
            if part.strip() == SINGLE_ITEM:
                continue
            m = re.fullmatch(r"\s*(\d{1,2})\s*:\s*(\d+(?:\.\d+)?)\s*%\s*", part)
            if not m or not 1 <= int(m.group(1)) <= 12 or float(m.group(2)) > 100:
                msg = f"时间表“{text}”中“{part}”不是“月份:比例%”。"
                act = "写成如 3:20%;6:50%;9:80%（月末累计应完成全年目标的比例）。"
                self.error(g, r, extras["时间表"], msg, act, codes.PROGRESS_MILESTONES)
                return {}
            share = round(float(m.group(2)) / 100, 6)
            out[str(int(m.group(1)))] = int(share) if share.is_integer() else share
        return out


def strip_unit(printed: str, unit: str) -> str:
    for suffix in (f"({unit})", f"（{unit}）", "(%)"):
        if printed.endswith(suffix):
            return printed[: -len(suffix)]
    return printed


def cell_for(path: str, cells: dict[str, tuple[str, str]]) -> tuple[str, str] | None:
    while path:
        if path in cells:
            return cells[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 1 else ""
    return None
