"""Importing the task decomposition table (xlsx or csv, the export layout), cell by cell.

Every problem names the sheet and cell the person must change (``任务分解表!G6``), what it
holds, why that is wrong and what to type instead. Nothing is guessed: a target that cannot be
read as its row's 目标类型 is an error (a kind changes only through that column), and units are
declared once, in 目录信息 (for a csv: in the base catalogue). When the cells are clean the
whole catalogue is checked by ``lint`` and its problems are pointed back at cells too.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from workbook import catalogue as catmod
from workbook import lint
from workbook.cellformats import col_letter
from workbook.errors import InputError
from workbook.measures import KIND_FROM_ZH, KIND_ZH, TARGET_TYPE
from workbook.report import Report
from workbook.tablefile import (
    BASE_HEADER,
    EXTRA_HEADER,
    HEADER_ALIASES,
    INFO_SHEET,
    UNIT_KIND_EN,
    UNIT_KIND_ZH,
)
from workbook.tablegrid import Grid, read_grids
from workbook.targets import REPORTED_TYPES, direction_for, parse_target

NO_OWN_TARGET = ("na", "none", "follows", "in_county")
_TARGET_HELP = {
    "quantity": "数字，如 2500、0.9万、24以上",
    "threshold": "带百分号或时限的水平，如 达到80%、均达到95%以上、15分钟以内、3个工作日",
    "change": "变化幅度，如 下降10%以上、增长8%以上",
    "qualitative": "一句工作要求，如 制定1个以上行业信用建设指引",
}
_KIND_WORDS = "、".join(KIND_ZH.values())
_CHINESE_DIGITS = re.compile(r"[零一二三四五六七八九十百千〇两]")


class Importer:
    """Reads the grids into catalogue data, adding one problem per bad cell."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.report = Report()
        self.cells: dict[str, tuple[str, str]] = {}  # JSON path -> (sheet, cell)

    def error(self, grid: Grid, r: int, c: int, message: str, action: str, code: str) -> None:
        self.report.add(
            code,
            "error",
            message,
            action=action,
            file=self.file,
            sheet=grid.name,
            cell=f"{col_letter(c - 1)}{r}",
            found=grid.text(r, c),
        )

    def where(self, path: str, grid: Grid, r: int, c: int) -> None:
        self.cells[path] = (grid.name, f"{col_letter(c - 1)}{r}")

    # --- 目录信息 ------------------------------------------------------------------------

    def info(self, grid: Grid) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        keys = {"目录编号": "catalogue_id", "版本": "version", "年度": "year", "标题": "title"}
        keys["来源"] = "source"
        ident: dict[str, Any] = {}
        units: list[dict[str, Any]] = []
        start = None
        for r in range(1, len(grid.rows) + 1):
            a, b = grid.text(r, 1), grid.text(r, 2)
            if a == "单位" and b == "全称":
                start = r + 1
                break
            if a in keys:
                ident[keys[a]] = b
                self.where(f"$.{keys[a]}", grid, r, 2)
                if a in ("目录编号", "版本", "年度") and not b:
                    self.error(grid, r, 2, f"“{a}”为空。", "填写后再导入。", "table.info_empty")
                if a == "年度" and b and not re.fullmatch(r"20\d\d", b):
                    msg = f"年度“{b}”不是四位数字的年份。"
                    self.error(grid, r, 2, msg, "写成 2025 这样的四位数字。", "table.year")
        for k in ("目录编号", "版本", "年度"):
            if keys[k] not in ident:
                self.error(grid, 1, 1, f"目录信息中没有“{k}”一行。", "补上该行。", "table.info")
        if str(ident.get("year", "")).isdigit():
            ident["year"] = int(ident["year"])
        if start is None:
            msg = "目录信息中没有“单位 | 全称 | 类别”表头，单位无处登记。"
            self.error(grid, 1, 1, msg, "按导出的格式补上单位表。", "table.units_missing")
            return ident, units
        for r in range(start, len(grid.rows) + 1):
            uid, name, kind = grid.text(r, 1), grid.text(r, 2), grid.text(r, 3)
            if not (uid or name or kind):
                continue
            if not uid:
                self.error(
                    grid,
                    r,
                    1,
                    "单位简称为空。",
                    "填写简称（与分解表的列名一致）。",
                    "unit.id_empty",
                )
                continue
            if not name:
                msg = f"单位“{uid}”没有全称。"
                self.error(
                    grid, r, 2, msg, "填写单位全称，如“定海区市场监督管理局”。", "unit.name_empty"
                )
            if kind not in UNIT_KIND_EN:
                msg = f"单位“{uid}”的类别“{kind}”不是已知类别。"
                act = f"填写 {'、'.join(UNIT_KIND_ZH.values())} 之一。"
                self.error(grid, r, 3, msg, act, "unit.kind_unknown")
            if any(u["id"] == uid for u in units):
                msg = f"单位“{uid}”登记了两次。"
                self.error(grid, r, 1, msg, "删去重复的一行。", "unit.duplicate")
                continue
            units.append(
                {"id": uid, "full_name": name, "kind": UNIT_KIND_EN.get(kind, "county"), "row": r}
            )
        return ident, units

    # --- 任务分解表 ----------------------------------------------------------------------

    def columns(
        self, grid: Grid, declared: dict[str, tuple[str, str]], register: str
    ) -> tuple[list[tuple[str, int]], dict[str, int]] | None:
        """Unit columns (unit id, column) and extra columns (header, column) of the table."""
        for c, want in enumerate(BASE_HEADER, start=1):
            if grid.text(1, c) != want:
                msg = f"表头第 {c} 列应为“{want}”，实为“{grid.text(1, c)}”。"
                act = "表头前五列须为 " + "、".join(BASE_HEADER) + "，请恢复后再导入。"
                self.error(grid, 1, c, msg, act, "table.header")
                return None
        units: list[tuple[str, int]] = []
        extras: dict[str, int] = {}
        width = max((len(r) for r in grid.rows), default=0)
        for c in range(len(BASE_HEADER) + 1, width + 1):
            h = HEADER_ALIASES.get(grid.text(1, c), grid.text(1, c))
            if not h:
                if any(grid.raw(r, c) for r in range(2, len(grid.rows) + 1)):
                    msg = "这一列有内容但表头为空。"
                    self.error(grid, 1, c, msg, "填写单位简称或删去该列。", "table.header_empty")
                continue
            if h in extras or any(u == h for u, _ in units):
                self.error(
                    grid, 1, c, f"列“{h}”出现两次。", "删去重复的列。", "table.header_duplicate"
                )
            elif h in EXTRA_HEADER:
                extras[h] = c
            elif h in declared:
                units.append((h, c))
            else:
                msg = f"列“{h}”不是登记的单位，也不是分解表的已知列。"
                act = f"新单位须先在{register}登记；已登记单位：{'、'.join(declared)}。"
                self.error(grid, 1, c, msg, act, "table.unit_undeclared")
        if "目标类型" not in extras:
            msg = "分解表没有“目标类型”列，无法确定各行目标按什么类型读取。"
            act = "用 shishi catalogue export 重新导出，保留“目标类型”列。"
            self.error(grid, 1, width + 1, msg, act, "table.kind_column")
            return None
        have = {u for u, _ in units}
        for uid, (sheet, cell) in declared.items():  # ("", "") for a csv's base catalogue
            if uid not in have:
                msg = f"单位“{uid}”已在{register}登记，但任务分解表没有它的列。"
                act = f"在任务分解表加上该单位的列，或从{register}删去。"
                self.report.add(
                    "unit.no_column",
                    "error",
                    msg,
                    action=act,
                    file=self.file,
                    sheet=sheet,
                    cell=cell,
                    found=uid,
                )
        return units, extras

    def rows(
        self, grid: Grid, units: list[tuple[str, int]], extras: dict[str, int]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        actions: dict[str, tuple[int, int, int]] = {}  # name -> (no, item count, row)
        seen: dict[int, int] = {}
        indicators: list[dict[str, Any]] = []
        for r in range(2, len(grid.rows) + 1):
            if not any(grid.raw(r, c) for c in range(1, len(grid.rows[r - 1]) + 1)):
                continue
            path = f"$.indicators[{len(indicators)}]"
            ind = self.row(grid, r, units, extras, actions, path)
            if ind is None:
                continue
            if ind["seq"] in seen:
                msg = f"序号 {ind['seq']} 与第 {seen[ind['seq']]} 行重复。"
                self.error(
                    grid, r, 1, msg, "每个序号只能出现一次；改为未用过的序号。", "seq.duplicate"
                )
                continue
            seen[ind["seq"]] = r
            indicators.append(ind)
        acts = [
            {"no": no, "name": name, "item_count": n}
            for name, (no, n, _) in sorted(actions.items(), key=lambda kv: kv[1][0])
        ]
        return acts, indicators

    def row(
        self,
        g: Grid,
        r: int,
        units: list[tuple[str, int]],
        extras: dict[str, int],
        actions: dict[str, tuple[int, int, int]],
        path: str,
    ) -> dict[str, Any] | None:
        def extra(h: str) -> str:
            return g.text(r, extras[h]) if h in extras else ""

        bad = len(self.report.errors)
        seq_text = g.text(r, 1)
        seq = int(seq_text) if seq_text.isdigit() and int(seq_text) > 0 else None
        if seq is None:
            msg = "序号为空。" if not seq_text else f"序号“{seq_text}”不是正整数。"
            self.error(g, r, 1, msg, "填写本行的序号（1、2、3……）。", "seq.invalid")
        action_no = self.action(g, r, actions)
        name, unit = g.text(r, 3), g.text(r, 4)
        if not name:
            self.error(
                g,
                r,
                3,
                "目标名称为空。",
                "填写指标名称，如“新增个体工商户(户)”。",
                "indicator.name_empty",
            )
        if not unit:
            self.error(
                g, r, 4, "单位为空。", "填写计量单位，如 家、个、%、亿元。", "indicator.unit_empty"
            )
        kind = self.kind(g, r, extras)
        city = self.target(g, r, 5, kind, "全市目标", city=True)
        targets = {}
        for uid, c in units:
            targets[uid] = self.target(g, r, c, kind, f"{uid}目标", city=False)
            self.where(f"{path}.targets.{uid}", g, r, c)
        self.phrase_gaps(g, r, units)
        plan_value = self.plan_value(g, r, extras)
        milestones = self.milestones(g, r, extras)
        if len(self.report.errors) > bad or seq is None or kind is None or city is None:
            return None
        for key, c in (("", 1), (".action", 2), (".name", 3), (".unit", 4), (".city", 5)):
            self.where(path + key, g, r, c)
        self.where(path + ".direction", g, r, 5)
        for key, h in (
            (".measure", "目标类型"),
            (".plan", "方案目标值"),
            (".progress", "进度依据"),
        ):
            if h in extras:
                self.where(path + key, g, r, extras[h])
        ind: dict[str, Any] = {
            "seq": seq,
            "action": action_no,
            "name": extra("规范名称") or _strip_unit(name, unit),
            "name_printed": name,
            "unit": unit,
            "measure": kind,
            "direction": direction_for(parse_target(city["text"])),
            "lead_department": extra("牵头处室") or None,
            "lead_source": extra("牵头依据") or None,
            "city": city,
            "targets": targets,
        }
        if extra("方案原文"):
            ind["plan"] = {"text": extra("方案原文"), "value": plan_value}
        if extra("整理说明"):
            ind["notes"] = extra("整理说明").split("\n")
        if extra("进度依据") or milestones:
            ind["progress"] = {"reason": extra("进度依据")}
            if milestones:
                ind["progress"]["milestones"] = milestones
        return ind

    def action(self, g: Grid, r: int, actions: dict[str, tuple[int, int, int]]) -> int:
        label = g.text(r, 2)
        m = re.match(r"^(.*?)[(（](\d+)项[)）]$", label)
        if not m or not m.group(1).strip():
            msg = f"实事名称“{label}”不是“名称(N项)”的写法。"
            self.error(g, r, 2, msg, "写成如“增值服务暖企行动(5项)”。", "action.label")
            return 0
        name, count = m.group(1).strip(), int(m.group(2))
        if name in actions and actions[name][1] != count:
            first = actions[name][2]
            msg = f"“{name}”在第 {first} 行写作 {actions[name][1]} 项，这里写作 {count} 项。"
            self.error(g, r, 2, msg, "同一实事各行的项数须一致。", "action.count_conflict")
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
            self.error(g, r, c, msg, f"填写 {_KIND_WORDS} 之一。", "indicator.kind_unknown")
            return None
        return KIND_FROM_ZH[word]

    def target(
        self, g: Grid, r: int, c: int, kind: str | None, who: str, city: bool
    ) -> dict[str, Any] | None:
        text = g.text(r, c)
        parsed = parse_target(text)
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
        self.error(g, r, c, msg, act, "target.kind_mismatch")
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
                self.error(g, r, c, msg, act, "target.phrase_gap")

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
                    "plan.value",
                )
            return None
        text = g.text(r, extras["方案目标值"])
        try:
            f = float(text)
        except ValueError:
            msg = f"方案目标值“{text}”不是数字。"
            self.error(g, r, extras["方案目标值"], msg, "只填数字，如 9000。", "plan.value")
            return None
        return int(f) if f.is_integer() else f

    def milestones(self, g: Grid, r: int, extras: dict[str, int]) -> dict[str, float]:
        if "时间表" not in extras or not g.text(r, extras["时间表"]):
            return {}
        text = g.text(r, extras["时间表"])
        out = {}
        for part in text.replace("；", ";").replace("：", ":").split(";"):
            m = re.fullmatch(r"\s*(\d{1,2})\s*:\s*(\d+(?:\.\d+)?)\s*%\s*", part)
            if not m or not 1 <= int(m.group(1)) <= 12 or float(m.group(2)) > 100:
                msg = f"时间表“{text}”中“{part}”不是“月份:比例%”。"
                act = "写成如 3:20%;6:50%;9:80%（月末累计应完成全年目标的比例）。"
                self.error(g, r, extras["时间表"], msg, act, "progress.milestones")
                return {}
            out[str(int(m.group(1)))] = round(float(m.group(2)) / 100, 6)
        return out


def _strip_unit(printed: str, unit: str) -> str:
    for suffix in (f"({unit})", f"（{unit}）", "(%)"):
        if printed.endswith(suffix):
            return printed[: -len(suffix)]
    return printed


def import_table(
    path: Path,
    base: catmod.Catalogue | None = None,
    year: int | None = None,
    version: str | None = None,
) -> tuple[dict[str, Any] | None, Report]:
    """Read a table file into catalogue data and a report; data is None when there are errors.

    For a csv (no 目录信息 sheet) the identity and the units come from ``base``, with ``year``
    and ``version`` replacing the base's.
    """
    table, info = read_grids(path)
    imp = Importer(str(path))
    for grid in [g for g in (table, info) if g is not None]:
        for cell, text in grid.far:
            imp.report.add(
                "table.far_cell",
                "warning",
                f"单元格 {cell} 远在表格之外，有内容“{text}”，未读取。",
                action="删去该单元格的内容。",
                file=str(path),
                sheet=grid.name,
                cell=cell,
                found=text,
            )
    if info is not None:
        if year is not None or version is not None:
            raise InputError(
                "xlsx 的年度和版本写在“目录信息”工作表中；--year/--version 只用于 csv。"
            )
        ident, units = imp.info(info)
        declared = {u["id"]: (info.name, f"A{u.pop('row')}") for u in units}
        register = f"“{INFO_SHEET}”工作表"
    elif base is not None:
        ident = {
            k: getattr(base, k) for k in ("catalogue_id", "version", "year", "title", "source")
        }
        ident.update({k: v for k, v in (("year", year), ("version", version)) if v is not None})
        units = [{"id": u.id, "full_name": u.full_name, "kind": u.kind} for u in base.units]
        declared = {u["id"]: ("", "") for u in units}
        register = "基础目录（--base）的单位列表"
    else:
        raise InputError("csv 没有“目录信息”，请用 --base 指定提供单位和年度的目录。")
    cols = imp.columns(table, declared, register)
    if cols is None:
        return None, imp.report
    unit_cols, extras = cols
    actions, indicators = imp.rows(table, unit_cols, extras)
    if not imp.report.valid:
        return None, imp.report
    by_id = {u["id"]: u for u in units}
    data = {
        "$schema": "../schema/catalogue.schema.json",
        **{k: ident.get(k, "") for k in ("catalogue_id", "version", "year", "title", "source")},
        "units": [by_id[u] for u, _ in unit_cols],
        "actions": actions,
        "indicators": indicators,
    }
    if info is None and base is not None:
        _merged_from_base(data, base)
    for uid, c in unit_cols:
        if not any(i["targets"][uid]["type"] in REPORTED_TYPES for i in indicators):
            imp.report.add(
                "unit.no_targets",
                "warning",
                f"单位“{uid}”在分解表中没有任何目标，不会收到需填报的指标。",
                action="核对该列；若确实如此可保留。",
                file=str(path),
                sheet=table.name,
                cell=f"{col_letter(c - 1)}1",
            )
    checked = lint.check_data(data, file=str(path))
    for p in checked.problems:
        hit = _cell_for(p.path, imp.cells)
        if hit:
            p.sheet, p.cell = hit
    imp.report.problems.extend(checked.problems)
    return (data if imp.report.valid else None), imp.report


def _cell_for(path: str, cells: dict[str, tuple[str, str]]) -> tuple[str, str] | None:
    while path:
        if path in cells:
            return cells[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 1 else ""
    return None


def _merged_from_base(data: dict[str, Any], base: catmod.Catalogue) -> None:
    """A csv has no merged cells: a target keeps the base's ``merged`` when its text is kept."""
    by_seq = {i.seq: i for i in base.indicators}
    for ind in data["indicators"]:
        old = by_seq.get(ind["seq"])
        for uid, t in ind["targets"].items():
            t.pop("merged", None)
            ot = old.targets.get(uid) if old else None
            if ot is not None and ot.merged and ot.text == t["text"]:
                t["merged"] = True
