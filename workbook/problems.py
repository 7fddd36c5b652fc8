"""Every problem code shishi reports, declared once: severity, where it applies, what it means.

A ``Problem`` (workbook.report) with a code that is not here, or with another severity than
the one declared here, is refused when it is made, so a typo or a drifted severity fails the
first test that reaches it. docs/problems.md is generated from this table
(scripts/gen_docs.py) and a test keeps it current; tests/test_problems.py checks that every
code used in the source is declared and every declared code is used.
"""

from __future__ import annotations

from dataclasses import dataclass

SCOPES = {
    "catalogue": "目录文件（shishi catalogue check）",
    "table": "任务分解表（shishi catalogue import）",
    "file": "回收的文件",
    "cell": "填报表中的行和单元格",
    "run": "本期汇总",
}


@dataclass(frozen=True)
class Kind:
    """One problem code."""

    code: str
    severity: str  # error, warning or info
    scope: str  # a key of SCOPES
    meaning: str  # Chinese: what it means, for the docs table


_E, _W, _I = "error", "warning", "info"

KINDS: dict[str, Kind] = {
    k.code: k
    for k in (
        # the catalogue (JSON)
        Kind("schema", _E, "catalogue", "不符合目录格式（schema/catalogue.schema.json）"),
        Kind("catalogue.unreadable", _E, "catalogue", "目录文件不是有效的 JSON"),
        Kind("catalogue.progress_rules", _I, "catalogue", "各类型指标数及序时进度规则"),
        Kind("unit.duplicate", _E, "catalogue", "单位重复登记"),
        Kind("seq.duplicate", _E, "catalogue", "序号重复"),
        Kind("action.item_count", _W, "catalogue", "实事标明的项数与序号个数不同"),
        Kind("indicator.action_unknown", _E, "catalogue", "指标所属实事不存在"),
        Kind("indicator.measure", _E, "catalogue", "目标类型与全市目标、计量单位不符"),
        Kind("indicator.direction", _E, "catalogue", "方向与全市目标的比较方向不符"),
        Kind("indicator.no_city_target", _E, "catalogue", "指标没有全市目标"),
        Kind(
            "indicator.progress_rule",
            _I,
            "catalogue",
            "指标按特别规则判断进度（存量、覆盖率、时间表）",
        ),
        Kind("target.parse_mismatch", _E, "catalogue", "目标文字与记录的解析结果不一致"),
        Kind("target.percent_range", _E, "catalogue", "比率目标超出 0–100%"),
        Kind("target.follows_unknown", _E, "catalogue", "“按…要求落实”所指单位不存在"),
        Kind("target.unit_unknown", _E, "catalogue", "目标属于未登记的单位"),
        Kind("target.unit_missing", _E, "catalogue", "缺少某单位的目标"),
        Kind("target.kind_mixed", _W, "catalogue", "单位目标类型与全市目标类型不同"),
        Kind("target.sum_mismatch", _W, "catalogue", "各单位目标合计与全市目标不等"),
        Kind("target.laxer_than_city", _W, "catalogue", "单位目标低于全市目标"),
        Kind("target.plan_mismatch", _W, "catalogue", "分解表目标与方案原文不一致"),
        # the decomposition table (xlsx/csv import)
        Kind("table.header", _E, "table", "表头前五列被改动"),
        Kind("table.header_empty", _E, "table", "有内容的列没有表头"),
        Kind("table.header_duplicate", _E, "table", "同一列名出现两次"),
        Kind("table.unit_undeclared", _E, "table", "列名不是登记的单位"),
        Kind("table.kind_column", _E, "table", "缺少“目标类型”列"),
        Kind("table.far_cell", _W, "table", "表格以外很远的单元格有内容（未读取）"),
        Kind("table.info", _E, "table", "目录信息缺少目录编号、版本或年度"),
        Kind("table.info_empty", _E, "table", "目录编号、版本或年度为空"),
        Kind("table.year", _E, "table", "年度不是四位数字"),
        Kind("table.units_missing", _E, "table", "目录信息中没有单位表"),
        Kind("unit.id_empty", _E, "table", "单位简称为空"),
        Kind("unit.name_empty", _E, "table", "单位没有全称"),
        Kind("unit.kind_unknown", _E, "table", "单位类别不是市局、县区、功能区"),
        Kind("unit.no_column", _E, "table", "登记的单位在分解表中没有列"),
        Kind("unit.no_targets", _W, "table", "单位在分解表中没有任何目标"),
        Kind("seq.invalid", _E, "table", "序号为空或不是正整数"),
        Kind("action.label", _E, "table", "实事名称不是“名称(N项)”"),
        Kind("action.count_conflict", _E, "table", "同一实事各行写的项数不同"),
        Kind("indicator.name_empty", _E, "table", "目标名称为空"),
        Kind("indicator.unit_empty", _E, "table", "计量单位为空"),
        Kind("indicator.kind_unknown", _E, "table", "目标类型为空或不是已知类型"),
        Kind("target.kind_mismatch", _E, "table", "目标不能按本行的目标类型读取"),
        Kind("target.phrase_gap", _E, "table", "整行适用的目标（合并单元格）没有覆盖某单位"),
        Kind("plan.value", _E, "table", "方案目标值为空或不是数字"),
        Kind("progress.milestones", _E, "table", "时间表不是“月份:比例%”"),
        # a returned file
        Kind("file.unreadable", _E, "file", "文件无法读取"),
        Kind("file.not_spreadsheet", _I, "file", "不是电子表格文件，已跳过"),
        Kind("file.empty", _E, "file", "文件是空的"),
        Kind("file.format_unsupported", _E, "file", "格式无法读取（WPS .et、CSV）"),
        Kind("file.damaged", _E, "file", "文件已损坏或无法打开"),
        Kind("file.too_large", _E, "file", "文件过大，未打开"),
        Kind("file.timeout", _E, "file", "读取超时"),
        Kind("return.unidentified", _E, "file", "不是下发的模板（没有身份信息）"),
        Kind("return.other_catalogue", _E, "file", "模板属于另一套目录"),
        Kind("return.unknown_unit", _E, "file", "模板中的单位不在目录中"),
        Kind("return.other_period", _E, "file", "模板属于另一期次"),
        Kind("return.earlier_period", _E, "file", "模板属于更早的期次"),
        Kind("return.catalogue_changed", _E, "file", "模板按旧版目录生成且本单位目标已变"),
        Kind("return.catalogue_version", _I, "file", "模板目录版本较旧，本单位目标未变"),
        Kind("return.no_report_sheet", _E, "file", "找不到填报表"),
        Kind("return.header_changed", _E, "file", "填报表表头被改动"),
        Kind("return.unprotected", _W, "file", "工作表保护被取消"),
        Kind("return.far_cell", _W, "file", "表格以外的单元格有内容（已忽略）"),
        Kind("signature.missing", _W, "file", "表尾未填填报人"),
        # rows and cells of a return
        Kind("row.no_seq", _E, "cell", "有内容的行没有序号"),
        Kind("row.unexpected", _W, "cell", "序号不属于本单位"),
        Kind("row.duplicate_seq", _E, "cell", "序号出现两次"),
        Kind("row.missing", _E, "cell", "缺少本单位应填的序号"),
        Kind("locked.changed", _E, "cell", "受保护的目标等内容被改动"),
        Kind("value.formula", _E, "cell", "累计完成填的是公式"),
        Kind("value.missing", _W, "cell", "累计完成未填写"),
        Kind("value.not_number", _E, "cell", "不是数值"),
        Kind("value.date", _E, "cell", "读到日期或时间"),
        Kind("value.choice", _E, "cell", "不是可选的状态（未启动、推进中、已完成）"),
        Kind("value.not_applicable_mark", _E, "cell", "填了“/”等不适用标记"),
        Kind("value.unit", _E, "cell", "单位或百分号与指标不符"),
        Kind("value.percent_ambiguous", _E, "cell", "百分比可能有两种读法"),
        Kind("value.format_unknown", _E, "cell", "文件不说明单元格格式（.xls），比率无法确定"),
        Kind("value.negative", _E, "cell", "负数"),
        Kind("value.not_integer", _E, "cell", "数量不是整数"),
        Kind("value.range", _E, "cell", "超出允许范围"),
        Kind("value.normalised", _W, "cell", "按文字换算读取（去单位、万、无 % 号），请核对"),
        Kind("value.base_missing", _E, "cell", "年初基数未填写"),
        # the run
        Kind("unit.not_submitted", _E, "run", "单位未报送"),
        Kind("value.decreased", _W, "run", "累计数小于本年度此前已确认的累计数"),
    )
}


def kind(code: str) -> Kind:
    """The declared kind of ``code``; a code that is not declared is a programming error."""
    try:
        return KINDS[code]
    except KeyError:
        raise ValueError(f"problem code {code!r} is not declared in workbook/problems.py") from None


def markdown_table() -> str:
    """The docs table: one row per code, grouped by scope."""
    from workbook.report import SEVERITY_ZH

    lines = []
    for scope, title in SCOPES.items():
        lines += [f"### {title}", "", "| 代码 | 级别 | 含义 |", "|---|---|---|"]
        lines += [
            f"| `{k.code}` | {SEVERITY_ZH[k.severity]} | {k.meaning} |"
            for k in KINDS.values()
            if k.scope == scope
        ]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
