"""The items behind an itemised figure (the plan's 建设点位 and designations: enterprises,
bases, canteens, markets, live-streaming rooms, brands …), and the check character of a
unified social credit code (统一社会信用代码, GB 32100-2015).

An item is a plain dict, as it is kept in the ledger (JSON) and carried into next quarter's
template: ``seq``, ``name``, ``code``, ``address``, ``date`` (ISO), ``evidence``, ``remark``,
and where it was read (``cell``: the row's first cell) and whether it was carried forward
from an earlier period (``carried``).
"""

from __future__ import annotations

from typing import Any

ITEM_SHEET = "明细台账"
INFO_SHEET = "信息报送"
# the columns of 明细台账, in order: key, header
ITEM_COLUMNS = (
    ("seq", "序号"),
    ("indicator", "目标名称"),
    ("name", "名称"),
    ("code", "统一社会信用代码"),
    ("address", "地址（点位）"),
    ("date", "完成（认定）日期"),
    ("evidence", "佐证材料（随表报送的文件名）"),
    ("remark", "备注"),
)
ITEM_KEYS = tuple(k for k, _ in ITEM_COLUMNS)
# the optional columns an indicator's list may need (catalogue ``items.columns``), in Chinese
ITEM_COLUMN_ZH = {"code": "统一社会信用代码", "address": "地址（点位）"}
# the columns of 信息报送
INFO_KINDS = ("工作亮点", "经验做法", "问题建议")
INFO_COLUMNS = (
    ("kind", "类别"),
    ("about", "序号或实事"),
    ("title", "标题"),
    ("text", "内容（不超过1000字）"),
)
INFO_KEYS = tuple(k for k, _ in INFO_COLUMNS)
INFO_TEXT_LIMIT = 1000

_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, S, V, Z
_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))


def credit_code_check(code: str) -> str:
    """The check character a unified social credit code's first 17 characters call for, or
    "" when they are not 17 characters of its alphabet."""
    head = code[:17]
    if len(head) != 17 or any(ch not in _CHARS for ch in head):
        return ""
    total = sum(_CHARS.index(ch) * w for ch, w in zip(head, _WEIGHTS, strict=True))
    return _CHARS[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str:
    """What is wrong with ``code`` as a unified social credit code (Chinese), or ""."""
    if len(code) != 18:
        return f"统一社会信用代码应为 18 位，“{code}”为 {len(code)} 位。"
    bad = sorted({ch for ch in code if ch not in _CHARS})
    if bad:
        return (
            f"统一社会信用代码“{code}”含有不允许的字符：{'、'.join(bad)}（不使用 I、O、S、V、Z）。"
        )
    expected = credit_code_check(code)
    if code[17] != expected:
        return f"统一社会信用代码“{code}”的校验码应为“{expected}”，实际为“{code[17]}”（按 GB 32100-2015 计算）。"
    return ""


def item_key(item: dict[str, Any]) -> str:
    """What identifies an item across periods and units: its code, else its name."""
    return item.get("code") or f"名称:{item.get('name', '')}"
