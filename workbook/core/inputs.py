"""The rules of the template's typed-in cells that are not figures, declared once: the template's
data validations are written from this table (``template``), and every rule is checked again on
return (``returns``), because pasting, other clients and scripts skip a validation. Figures
(累计完成, 年初基数) have their rules in ``core.measures``.

A rule is what a cell of one column accepts: text of at most ``limit`` characters, a value of
a list, a date in the year up to the period's end, or an 18-character credit code; and whether
it must be filled when another column of its row is (标题 when 内容 is typed).
tests/template/test_input_rules.py checks that each validation a template carries has its
rule here and that each rule fires on a return that breaks it.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbook.core import problems as codes
from workbook.core.items import INFO_KINDS, INFO_TEXT_LIMIT


@dataclass(frozen=True)
class InputRule:
    """What the cells of one column accept."""

    key: str  # the column's key (core.items.ITEM_COLUMNS / INFO_COLUMNS, core.layout.COLUMNS)
    title: str  # the prompt's title, and the column's name in messages
    prompt: str  # what the clerk sees when the cell is selected
    kind: str  # "length", "list", "date" or "code"
    limit: int = 0  # most characters ("length"); the length of a "code"
    choices: tuple[str, ...] = ()  # "list": the values offered ("" : given by the sheet)
    required_with: str = ""  # must be filled when this column of the row is
    too_long: str = ""  # the problem code of a text over ``limit``
    missing: str = ""  # the problem code of an empty cell that ``required_with`` calls for

    @property
    def error(self) -> str:
        """The validation's Chinese error message (a date's and a list's name their range)."""
        if self.kind == "length":
            return f"{self.title}请不要超过 {self.limit} 字。"
        if self.kind == "code":
            return f"{self.title}为 {self.limit} 位。"
        if self.kind == "list":
            return f"请从下拉列表选择{self.title}。"
        return f"请填写本年内、不晚于期末的{self.title}。"


def _text(
    key: str,
    title: str,
    prompt: str,
    limit: int,
    code: str,
    required_with: str = "",
    missing: str = "",
) -> InputRule:
    return InputRule(key, title, prompt, "length", limit, (), required_with, code, missing)


_I = codes.ITEMS_TOO_LONG
# 明细台账, by column key (目标名称 is a locked formula)
ITEM_RULES: dict[str, InputRule] = {
    r.key: r
    for r in (
        InputRule(
            "seq",
            "序号",
            "从下拉列表选择本条明细对应的序号（右侧表格列出本单位需要列明细的指标）。",
            "list",
        ),
        _text(
            "name", "名称", "填写企业、基地、食堂、市场、直播间或品牌的全称，不超过100字。", 100, _I
        ),
        InputRule(
            "code",
            "统一社会信用代码",
            "企业或组织填 18 位统一社会信用代码（如 91330100799655058B）；点位、品牌可不填。",
            "code",
            18,
        ),
        _text(
            "address",
            "地址（点位）",
            "场所类（基地、食堂、市场、商圈等）填详细地址，不超过200字。",
            200,
            _I,
        ),
        InputRule(
            "date",
            "完成（认定）日期",
            "填建成、认定或公示的日期，如 2024-05-20，应在本年内、不晚于期末。",
            "date",
        ),
        _text(
            "evidence",
            "佐证材料",
            "填随本表一并报送的佐证文件名，如 定海-示范食堂-验收表.pdf。",
            200,
            _I,
        ),
        _text("remark", "备注", "其他说明，不超过200字。", 200, _I),
    )
}

_N = codes.INFO_TOO_LONG
# 信息报送, by column key
INFO_RULES: dict[str, InputRule] = {
    r.key: r
    for r in (
        InputRule(
            "kind", "类别", "选择：工作亮点、经验做法或问题建议。", "list", choices=INFO_KINDS
        ),
        _text("about", "序号或实事", "填涉及的序号（如 56）或实事名称（如 食品安全）。", 50, _N),
        _text(
            "title",
            "标题",
            "一句话标题，不超过50字。",
            50,
            _N,
            required_with="text",
            missing=codes.INFO_NO_TITLE,
        ),
        _text("text", "内容", f"具体内容，不超过{INFO_TEXT_LIMIT}字。", INFO_TEXT_LIMIT, _N),
    )
}

# 填报表: the text columns of each row and the signature block (their prompts are worded in
# templates/template_text.json, "{limit}" filled from here)
REPORT_TEXT_LIMIT = 500
REPORT_TEXT_KEYS = ("progress", "problems", "remark")
SIGNATURE_LIMIT = 50
