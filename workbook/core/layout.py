"""Layouts shared by a writer and a reader, so they live here and nowhere else: the
template's (written by ``template``/``templatesheets``, read by ``reader``/``returns``) — where
the table starts, the order of its columns, the names of its rows and the identity it carries —
and the city workbook's control sheet (written by ``citybook``, filled by ``macros_py.city``).
"""

from __future__ import annotations

TEMPLATE_VERSION = "2"
IDENTITY_SHEET = "_shishi"
IDENTITY_FORMAT = "shishi-template"
HEADER_ROW = 2  # zero-based: the header is on row 3
FIRST_DATA_ROW = HEADER_ROW + 1
COLUMNS = (
    "seq",
    "action",
    "name",
    "unit",
    "city",
    "own",
    "target_value",
    "previous",
    "base",
    "value",
    "completion",
    "expected",
    "status",
    "progress",
    "problems",
    "remark",
)
INPUT_COLUMNS = ("value", "progress", "problems", "remark")  # and "base" of a stock, once
COL = {key: i for i, key in enumerate(COLUMNS)}


def parse_bases(text: str) -> dict[int, float]:
    """The locked bases an identity lists ("20:1200;21:900")."""
    out = {}
    for part in (text or "").split(";"):
        seq, _, v = part.partition(":")
        if seq.strip().isdigit():
            try:
                out[int(seq)] = float(v)
            except ValueError:
                continue
    return out


def row_name(seq: int) -> str:
    """The defined name of a data row: identifies the row even after rows are inserted."""
    return f"shishi_row_{seq:03d}"


# --- the city workbook's control sheet (citybook writes it, macros_py.city reads and fills it)

CONTROL_SHEET = "一键汇总"
# defined name -> label of the settings the office types (yellow cells)
CITY_SETTINGS = (
    ("shishi_returns_dir", "回收文件夹"),
    ("shishi_period", "期次"),
    ("shishi_output", "汇总表保存位置"),
    ("shishi_catalogue", "目录文件（可空）"),
    ("shishi_settings", "设置文件（可空）"),
    ("shishi_ledger", "报送台账（空：与命令行共用的默认台账）"),
)
# settings a workbook made by an earlier version does not have: read as empty
CITY_SETTINGS_ADDED = ("shishi_settings",)
# defined name -> label of what the button writes back
CITY_RESULTS = (
    ("shishi_last_run", "上次运行"),
    ("shishi_status", "运行结果"),
    ("shishi_accepted", "采用的单位"),
    ("shishi_rejected", "退回的文件"),
    ("shishi_missing", "未报送单位"),
    ("shishi_problems", "发现问题"),
    ("shishi_lagging_count", "滞后事项"),
    ("shishi_summary_path", "汇总表"),
    ("shishi_feedback_dir", "退回修改清单"),
    ("shishi_bulletin", "通报（Word）"),
    ("shishi_chase", "催报文字"),
)
LAGGING_ANCHOR = "shishi_lagging"  # the first cell of the lagging list
LAGGING_ROWS = 200
LAGGING_HEADERS = ("单位", "序号", "目标名称", "本单位目标任务", "累计完成", "完成率")
