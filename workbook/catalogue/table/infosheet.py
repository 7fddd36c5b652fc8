"""The 目录信息 sheet of a decomposition table: the catalogue's identity (目录编号, 版本, 年度,
标题, 来源), a lower level's wording and parent (层级名称 …, 上级目录 …), and its units, each
cell checked."""

from __future__ import annotations

import re
from typing import Any

from workbook.catalogue.table.cells import CellReader
from workbook.catalogue.table.export import (
    LEVEL_KEYS,
    NAMING_KEYS,
    PARENT_KEYS,
    UNIT_KIND_EN,
    UNIT_KIND_ZH,
)
from workbook.catalogue.table.grid import Grid
from workbook.core import problems as codes


class InfoReader(CellReader):
    """Reads 目录信息, adding one problem per bad cell."""

    def info(self, grid: Grid) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        keys = {"目录编号": "catalogue_id", "版本": "version", "年度": "year", "标题": "title"}
        keys["来源"] = "source"
        keys |= {k: f"level.{v}" for k, v in LEVEL_KEYS.items()}
        keys |= {k: f"parent.{v}" for k, v in PARENT_KEYS.items()}
        keys |= {k: f"naming.{v}" for k, v in NAMING_KEYS.items()}
        ident: dict[str, Any] = {}
        start = None
        for r in range(1, len(grid.rows) + 1):
            a, b = grid.text(r, 1), grid.text(r, 2)
            if a == "单位" and b == "全称":
                start = r + 1
                break
            if a in keys and "." in keys[a]:  # a level or parent row
                group, key = keys[a].split(".")
                if b:
                    ident.setdefault(group, {})[key] = b
            elif a in keys:
                ident[keys[a]] = b
                self.where(f"$.{keys[a]}", grid, r, 2)
                if a in ("目录编号", "版本", "年度") and not b:
                    self.error(grid, r, 2, f"“{a}”为空。", "填写后再导入。", codes.TABLE_INFO_EMPTY)
                if a == "年度" and b and not re.fullmatch(r"20\d\d", b):
                    msg = f"年度“{b}”不是四位数字的年份。"
                    self.error(grid, r, 2, msg, "写成 2025 这样的四位数字。", codes.TABLE_YEAR)
        for k in ("目录编号", "版本", "年度"):
            if keys[k] not in ident:
                self.error(grid, 1, 1, f"目录信息中没有“{k}”一行。", "补上该行。", codes.TABLE_INFO)
        if str(ident.get("year", "")).isdigit():
            ident["year"] = int(ident["year"])
        if start is None:
            msg = "目录信息中没有“单位 | 全称 | 类别”表头，单位无处登记。"
            self.error(grid, 1, 1, msg, "按导出的格式补上单位表。", codes.TABLE_UNITS_MISSING)
            return ident, []
        return ident, self.unit_rows(grid, start)

    def unit_rows(self, grid: Grid, start: int) -> list[dict[str, Any]]:
        """The units registered below the 单位 | 全称 | 类别 header, each row checked."""
        units: list[dict[str, Any]] = []
        for r in range(start, len(grid.rows) + 1):
            uid, name, kind = grid.text(r, 1), grid.text(r, 2), grid.text(r, 3)
            if not (uid or name or kind):
                continue
            if not uid:
                act = "填写简称（与分解表的列名一致）。"
                self.error(grid, r, 1, "单位简称为空。", act, codes.UNIT_ID_EMPTY)
                continue
            if not name:
                msg, act = f"单位“{uid}”没有全称。", "填写单位全称，如“定海区市场监督管理局”。"
                self.error(grid, r, 2, msg, act, codes.UNIT_NAME_EMPTY)
            if kind not in UNIT_KIND_EN:
                msg = f"单位“{uid}”的类别“{kind}”不是已知类别。"
                act = f"填写 {'、'.join(UNIT_KIND_ZH.values())} 之一。"
                self.error(grid, r, 3, msg, act, codes.UNIT_KIND_UNKNOWN)
            if any(u["id"] == uid for u in units):
                msg = f"单位“{uid}”登记了两次。"
                self.error(grid, r, 1, msg, "删去重复的一行。", codes.UNIT_DUPLICATE)
                continue
            units.append(
                {"id": uid, "full_name": name, "kind": UNIT_KIND_EN.get(kind, "county"), "row": r}
            )
        return units
