"""Every problem code shishi reports, declared once: severity, where it applies, what it means.

Each code is a constant (``RETURN_UNPROTECTED``, for return.unprotected): the string is written
here only, and the checks raise with the constant. A ``Problem`` (workbook.core.findings) takes
its severity from here: the call site names only the code. A code that is not declared, or a
stored problem that carries another severity, is refused when it is made. docs/problems.md is
generated from this table (scripts/gen_docs.py) and a test keeps it current;
tests/core/test_problems.py checks that no code is written as a literal outside this module and
that every declared code is raised somewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

SCOPES = {
    "catalogue": "目录文件（shishi catalogue check）",
    "table": "任务分解表（shishi catalogue import）",
    "file": "回收的文件",
    "cell": "填报表中的行和单元格",
    "run": "本期汇总",
    "verify": "核验清单（shishi verify import）",
}


SEVERITIES = ("error", "warning", "info")
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


@dataclass(frozen=True)
class ProblemKind:
    """One problem code."""

    code: str
    severity: str  # error, warning or info
    scope: str  # a key of SCOPES
    meaning: str  # Chinese: what it means, for the docs table


_E, _W, _I = "error", "warning", "info"

KINDS: dict[str, ProblemKind] = {}


def _declare(code: str, severity: str, scope: str, meaning: str) -> str:
    """Register a code; the constant it returns is what the rest of the code raises with
    (``from workbook import problems as codes`` … ``codes.RETURN_UNPROTECTED``), so each code
    is written once, here."""
    if code in KINDS:
        raise ValueError(f"problem code {code!r} declared twice")
    KINDS[code] = ProblemKind(code, severity, scope, meaning)
    return code


# the catalogue (JSON)
SCHEMA = _declare("schema", _E, "catalogue", "不符合目录格式（schema/catalogue.schema.json）")
CATALOGUE_UNREADABLE = _declare("catalogue.unreadable", _E, "catalogue", "目录文件不是有效的 JSON")
CATALOGUE_PROGRESS_RULES = _declare(
    "catalogue.progress_rules", _I, "catalogue", "各类型指标数及序时进度规则"
)
UNIT_DUPLICATE = _declare("unit.duplicate", _E, "catalogue", "单位重复登记")
SEQ_DUPLICATE = _declare("seq.duplicate", _E, "catalogue", "序号重复")
ACTION_ITEM_COUNT = _declare("action.item_count", _W, "catalogue", "实事标明的项数与序号个数不同")
INDICATOR_ACTION_UNKNOWN = _declare(
    "indicator.action_unknown", _E, "catalogue", "指标所属实事不存在"
)
INDICATOR_MEASURE = _declare(
    "indicator.measure", _E, "catalogue", "目标类型与全市目标、计量单位不符"
)
INDICATOR_DIRECTION = _declare(
    "indicator.direction", _E, "catalogue", "方向与全市目标的比较方向不符"
)
INDICATOR_NO_CITY_TARGET = _declare("indicator.no_city_target", _E, "catalogue", "指标没有全市目标")
INDICATOR_PROGRESS_RULE = _declare(
    "indicator.progress_rule", _I, "catalogue", "指标按特别规则判断进度（存量、覆盖率、时间表）"
)
TARGET_PARSE_MISMATCH = _declare(
    "target.parse_mismatch", _E, "catalogue", "目标文字与记录的解析结果不一致"
)
TARGET_PERCENT_RANGE = _declare("target.percent_range", _E, "catalogue", "比率目标超出 0–100%")
TARGET_NOT_WHOLE = _declare(
    "target.not_whole", _E, "catalogue", "数量、存量类目标不是整数（如 1.5 家）"
)
TARGET_FOLLOWS_UNKNOWN = _declare(
    "target.follows_unknown", _E, "catalogue", "“按…要求落实”所指单位不存在"
)
TARGET_UNIT_UNKNOWN = _declare("target.unit_unknown", _E, "catalogue", "目标属于未登记的单位")
TARGET_UNIT_MISSING = _declare("target.unit_missing", _E, "catalogue", "缺少某单位的目标")
TARGET_KIND_MIXED = _declare("target.kind_mixed", _W, "catalogue", "单位目标类型与全市目标类型不同")
TARGET_SUM_MISMATCH = _declare(
    "target.sum_mismatch", _W, "catalogue", "各单位目标合计与全市目标不等"
)
TARGET_LAXER_THAN_CITY = _declare(
    "target.laxer_than_city", _W, "catalogue", "单位目标的要求低于全市目标（如比率更低、时限更长）"
)
TARGET_PLAN_MISMATCH = _declare(
    "target.plan_mismatch", _W, "catalogue", "分解表目标与方案原文不一致"
)
# the decomposition table (xlsx/csv import)
TABLE_HEADER = _declare("table.header", _E, "table", "表头前五列被改动")
TABLE_HEADER_EMPTY = _declare("table.header_empty", _E, "table", "有内容的列没有表头")
TABLE_HEADER_DUPLICATE = _declare("table.header_duplicate", _E, "table", "同一列名出现两次")
TABLE_UNIT_UNDECLARED = _declare("table.unit_undeclared", _E, "table", "列名不是登记的单位")
TABLE_KIND_COLUMN = _declare("table.kind_column", _E, "table", "缺少“目标类型”列")
TABLE_FAR_CELL = _declare("table.far_cell", _W, "table", "表格以外很远的单元格有内容（未读取）")
TABLE_INFO = _declare("table.info", _E, "table", "目录信息缺少目录编号、版本或年度")
TABLE_INFO_EMPTY = _declare("table.info_empty", _E, "table", "目录编号、版本或年度为空")
TABLE_YEAR = _declare("table.year", _E, "table", "年度不是四位数字")
TABLE_ROLLUP = _declare(
    "table.rollup", _E, "table", "汇总方式不是 求和、最差单位、本级填报、自行填报 之一"
)
# a county's table against its parent (catalogue import --parent)
PARENT_INFO = _declare("parent.info", _E, "table", "目录信息没有写明上级目录，或与 --parent 不符")
PARENT_CHANGED = _declare("parent.changed", _E, "table", "上级目录中本局的目标在分解之后改动过")
PARENT_ROW_MISSING = _declare("parent.row_missing", _E, "table", "上级下达的目标在分解表中缺行")
PARENT_WEAKER = _declare("parent.weaker", _E, "table", "本级目标弱于上级下达的目标")
PARENT_STRONGER = _declare("parent.stronger", _I, "table", "本级目标高于上级下达的目标（加码）")
PARENT_SUM_SHORT = _declare("parent.sum_short", _E, "table", "各所及本级目标合计少于本级目标")
PARENT_UNIT_WEAKER = _declare(
    "parent.unit_weaker", _W, "table", "按最差单位汇总的指标，某所目标弱于本级目标"
)
PARENT_SELF_MISSING = _declare("parent.self_missing", _E, "table", "由本级填报的指标，本级没有目标")
PARENT_DOUBLE_COUNT = _declare(
    "parent.double_count", _E, "table", "所的简称与上级目录的单位同名（重复计数）"
)
TABLE_UNITS_MISSING = _declare("table.units_missing", _E, "table", "目录信息中没有单位表")
UNIT_ID_EMPTY = _declare("unit.id_empty", _E, "table", "单位简称为空")
UNIT_NAME_EMPTY = _declare("unit.name_empty", _E, "table", "单位没有全称")
UNIT_KIND_UNKNOWN = _declare("unit.kind_unknown", _E, "table", "单位类别不是市局、县区、功能区")
UNIT_NO_COLUMN = _declare("unit.no_column", _E, "table", "登记的单位在分解表中没有列")
UNIT_NO_TARGETS = _declare("unit.no_targets", _W, "table", "单位在分解表中没有任何目标")
SEQ_INVALID = _declare("seq.invalid", _E, "table", "序号为空或不是正整数")
ACTION_LABEL = _declare("action.label", _E, "table", "实事名称不是“名称(N项)”")
ACTION_COUNT_CONFLICT = _declare("action.count_conflict", _E, "table", "同一实事各行写的项数不同")
INDICATOR_NAME_EMPTY = _declare("indicator.name_empty", _E, "table", "目标名称为空")
INDICATOR_UNIT_EMPTY = _declare("indicator.unit_empty", _E, "table", "计量单位为空")
INDICATOR_KIND_UNKNOWN = _declare(
    "indicator.kind_unknown", _E, "table", "目标类型为空或不是已知类型"
)
TARGET_KIND_MISMATCH = _declare("target.kind_mismatch", _E, "table", "目标不能按本行的目标类型读取")
TABLE_SHEET_BY_HEADER = _declare(
    "table.sheet_by_header", _I, "table", "分解表的工作表不叫“任务分解表”，按表头找到"
)
TABLE_UNITS_AS_ROWS = _declare(
    "table.units_as_rows", _I, "table", "按“地区为行、指标为列”读取的表：表头、各单位及其类别"
)
TABLE_PROGRESS_COLUMN = _declare(
    "table.progress_column", _I, "table", "进度、完成比例等列不是目标，未读取"
)
TABLE_NAME_SPLIT = _declare(
    "table.name_split", _I, "table", "指标名称中的单位、方向词和标记如何读取，目标类型按什么推断"
)
TABLE_PACKED = _declare(
    "table.packed", _E, "table", "一格中的“单位 目标”（--packed）有不能拆开的部分"
)
TABLE_PACKED_SPREAD = _declare(
    "table.packed_spread", _I, "table", "一格中的“单位 目标”（--packed）已拆入各单位的列"
)
TABLE_TITLE_ROW = _declare("table.title_row", _I, "table", "表头之上的标题行，已跳过")
TARGET_WORDS_UNCLEAR = _declare(
    "target.words_unclear", _E, "table", "目标的用词看不出是下限还是上限（约数、范围、相反的词）"
)
TARGET_PHRASE_GAP = _declare(
    "target.phrase_gap", _E, "table", "整行适用的目标（合并单元格）没有覆盖某单位"
)
PLAN_VALUE = _declare("plan.value", _E, "table", "方案目标值为空或不是数字")
PROGRESS_MILESTONES = _declare("progress.milestones", _E, "table", "时间表不是“月份:比例%”")
# a returned file
FILE_UNREADABLE = _declare("file.unreadable", _E, "file", "文件无法读取")
FILE_NOT_SPREADSHEET = _declare("file.not_spreadsheet", _I, "file", "不是电子表格文件，已跳过")
FILE_EMPTY = _declare("file.empty", _E, "file", "文件是空的")
FILE_FORMAT_UNSUPPORTED = _declare(
    "file.format_unsupported", _E, "file", "格式无法读取（WPS .et、CSV）"
)
FILE_DAMAGED = _declare("file.damaged", _E, "file", "文件已损坏或无法打开")
FILE_TOO_LARGE = _declare("file.too_large", _E, "file", "文件过大，未打开")
FILE_TIMEOUT = _declare("file.timeout", _E, "file", "读取超时")
RETURN_UNIDENTIFIED = _declare("return.unidentified", _E, "file", "不是下发的模板（没有身份信息）")
RETURN_LOWER_LEVEL = _declare(
    "return.lower_level", _E, "file", "下级单位（如区局）下发给所的填报表，应报送该单位"
)
RETURN_OTHER_CATALOGUE = _declare("return.other_catalogue", _E, "file", "模板属于另一套目录")
RETURN_OLD_REVISION = _declare(
    "return.old_revision", _W, "file", "汇总生成的旧版报送晚于新版到达（不替代新版）"
)
RETURN_NAME_MISMATCH = _declare(
    "return.name_mismatch",
    _E,
    "file",
    "文件名写的是另一个单位，模板却是本单位的：是否误用了别的单位的模板",
)
RETURN_UNKNOWN_UNIT = _declare("return.unknown_unit", _E, "file", "模板中的单位不在目录中")
RETURN_OTHER_PERIOD = _declare("return.other_period", _E, "file", "模板属于另一期次")
RETURN_EARLIER_PERIOD = _declare("return.earlier_period", _E, "file", "模板属于更早的期次")
RETURN_CATALOGUE_CHANGED = _declare(
    "return.catalogue_changed", _E, "file", "模板按旧版目录生成且本单位目标已变"
)
RETURN_CATALOGUE_VERSION = _declare(
    "return.catalogue_version", _I, "file", "模板目录版本较旧，本单位目标未变"
)
RETURN_BLANK_TEMPLATE = _declare(
    "return.blank_template", _E, "file", "未填写的空白模板（不作为报送，不替代任何文件）"
)
RETURN_NO_REPORT_SHEET = _declare("return.no_report_sheet", _E, "file", "找不到填报表")
RETURN_HEADER_CHANGED = _declare("return.header_changed", _E, "file", "填报表表头被改动")
RETURN_UNPROTECTED = _declare("return.unprotected", _W, "file", "工作表保护被取消")
RETURN_FAR_CELL = _declare("return.far_cell", _W, "file", "表格以外的单元格有内容（已忽略）")
SIGNATURE_MISSING = _declare("signature.missing", _W, "file", "表尾未填填报人")
# rows and cells of a return
ROW_NO_SEQ = _declare("row.no_seq", _E, "cell", "有内容的行没有序号")
ROW_UNEXPECTED = _declare("row.unexpected", _W, "cell", "序号不属于本单位")
ROW_DUPLICATE_SEQ = _declare("row.duplicate_seq", _E, "cell", "序号出现两次")
ROW_MISSING = _declare("row.missing", _E, "cell", "缺少本单位应填的序号")
LOCKED_CHANGED = _declare("locked.changed", _E, "cell", "受保护的目标等内容被改动")
VALUE_FORMULA = _declare("value.formula", _E, "cell", "累计完成或年初基数填的是公式")
VALUE_MISSING = _declare("value.missing", _W, "cell", "累计完成未填写")
VALUE_NOT_NUMBER = _declare("value.not_number", _E, "cell", "不是数值")
VALUE_SEVERAL_NUMBERS = _declare(
    "value.several_numbers", _E, "cell", "一个单元格里有两个以上的数（或数字被空格、换行隔开）"
)
VALUE_ERROR = _declare("value.error", _E, "cell", "单元格显示错误值（如 #VALUE!、#N/A）")
VALUE_DATE = _declare("value.date", _E, "cell", "读到日期或时间")
VALUE_CHOICE = _declare("value.choice", _E, "cell", "不是可选的状态（未启动、推进中、已完成）")
VALUE_NOT_APPLICABLE_MARK = _declare("value.not_applicable_mark", _E, "cell", "填了“/”等不适用标记")
VALUE_UNIT = _declare("value.unit", _E, "cell", "单位或百分号与指标不符")
VALUE_PERCENT_AMBIGUOUS = _declare("value.percent_ambiguous", _E, "cell", "百分比可能有两种读法")
# 明细台账 (the items behind an itemised figure) and 信息报送
ITEMS_CODE_INVALID = _declare(
    "items.code_invalid", _E, "cell", "统一社会信用代码不符合 GB 32100-2015（位数、字符或校验码）"
)
ITEMS_NO_NAME = _declare("items.no_name", _W, "cell", "明细没有名称")
ITEMS_NO_CODE = _declare("items.no_code", _W, "cell", "企业或组织的明细没有统一社会信用代码")
ITEMS_SEQ = _declare("items.seq", _W, "cell", "明细的序号不是本单位需要列明细的指标")
ITEMS_DATE = _declare("items.date", _W, "cell", "完成（认定）日期不是日期，或不在本年内、晚于期末")
ITEMS_DUPLICATE = _declare(
    "items.duplicate", _W, "cell", "同一单位同一序号把同一代码列了两次：重复计数"
)
ITEMS_COUNT_SHORT = _declare(
    "items.count_short", _W, "file", "明细条数少于填报数：台账与填报数不符"
)
# no longer raised (far cells are cut and named: extra.far_cell); declared so that a ledger
# written before still reads back its stored problems
ITEMS_SHEET_UNREAD = _declare(
    "items.sheet_unread", _W, "file", "（旧版）明细台账或信息报送工作表有超出范围的内容，未读取"
)
RETIRED = frozenset({ITEMS_SHEET_UNREAD})
ITEMS_COUNT_OVER = _declare("items.count_over", _W, "file", "明细条数多于填报数：台账与填报数不符")
ITEMS_TOO_LONG = _declare("items.too_long", _W, "cell", "明细的文字超过模板限定的字数")
ITEMS_FULLWIDTH = _declare(
    "items.fullwidth", _W, "cell", "统一社会信用代码用了全角字符或空格（已按半角读取）"
)
EXTRA_SHEET_MISSING = _declare(
    "extra.sheet_missing", _W, "file", "明细台账或信息报送工作表不见了（被删除，或改名后认不出）"
)
EXTRA_SHEET_RENAMED = _declare(
    "extra.sheet_renamed", _I, "file", "明细台账或信息报送工作表被改了名（按表头认出，照常读取）"
)
EXTRA_HEADER = _declare(
    "extra.header",
    _E,
    "cell",
    "明细台账或信息报送的表头被改动（插入、删除或移动了列），整张表未读取",
)
EXTRA_FAR_CELL = _declare(
    "extra.far_cell", _W, "cell", "明细台账或信息报送表格以外有内容（已忽略，表内照常读取）"
)
ITEMS_DUPLICATE_UNITS = _declare(
    "items.duplicate_units", _W, "run", "两个单位在同一序号下列了同一代码：重复计数"
)
ITEMS_EVIDENCE_MISSING = _declare(
    "items.evidence_missing", _W, "run", "明细所列佐证材料文件不在回收文件夹中"
)
ITEMS_DISAPPEARED = _declare("items.disappeared", _W, "run", "以前各期已确认的明细在本期不见了")
# 核验 (the city's spot check of the items)
VERIFY_FAILED = _declare("verify.failed", _E, "run", "市局核验不通过的明细")
VERIFY_NOT_ISSUED = _declare(
    "verify.not_issued", _E, "verify", "不是 shishi verify sample 生成的核验清单，或不是这套目录的"
)
VERIFY_CELL_CHANGED = _declare(
    "verify.cell_changed", _E, "verify", "系统生成的单元格被改动，或增删了行"
)
VERIFY_RESULT_INVALID = _declare(
    "verify.result_invalid", _E, "verify", "核验结果不是 通过、不通过 或 待核"
)
VERIFY_NOTE_MISSING = _declare("verify.note_missing", _E, "verify", "核验不通过但未写明原因")
VERIFY_DATE_INVALID = _declare("verify.date_invalid", _E, "verify", "核验日期不是日期")
INFO_KIND = _declare("info.kind", _W, "cell", "信息报送的类别不是可选的类别")
INFO_TOO_LONG = _declare(
    "info.too_long", _W, "cell", "信息报送的标题、序号或内容超过模板限定的字数"
)
INFO_NO_TITLE = _declare("info.no_title", _W, "cell", "信息报送有内容但没有标题")
TEXT_TOO_LONG = _declare(
    "text.too_long", _W, "cell", "填报表的文字说明或签字栏超过模板限定的字数（照常全文收录）"
)
VALUE_PERCENT_UNSIGNED = _declare(
    "value.percent_unsigned", _W, "cell", "比率为 100% 的整数倍且远高于目标：可能漏输了 % 号"
)
VALUE_FORMAT_UNKNOWN = _declare(
    "value.format_unknown", _E, "cell", "文件不说明单元格格式（.xls），比率无法确定"
)
VALUE_NEGATIVE = _declare("value.negative", _E, "cell", "负数")
VALUE_NOT_INTEGER = _declare("value.not_integer", _E, "cell", "数量不是整数")
VALUE_RANGE = _declare("value.range", _E, "cell", "超出允许范围")
VALUE_NORMALISED = _declare(
    "value.normalised", _W, "cell", "按文字换算读取（去单位、万、无 % 号），请核对"
)
VALUE_BASE_MISSING = _declare("value.base_missing", _E, "cell", "年初基数未填写")
# the run
UNIT_NOT_SUBMITTED = _declare("unit.not_submitted", _E, "run", "单位未报送")
VALUE_BASE_CHANGED = _declare(
    "value.base_changed", _W, "run", "年初基数与本年此前确认的不同（按此前确认的计算）"
)
VALUE_DECREASED = _declare("value.decreased", _W, "run", "累计数小于本年度此前已确认的累计数")


def problem_kind(code: str) -> ProblemKind:
    """The declared kind of ``code``; a code that is not declared is a programming error."""
    try:
        return KINDS[code]
    except KeyError:
        raise ValueError(
            f"problem code {code!r} is not declared in workbook/core/problems.py"
        ) from None


def markdown_table() -> str:
    """The docs table: one row per code, grouped by scope."""
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
