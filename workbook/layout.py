"""The template's layout, shared by the writer (``template``) and the reader (``returns``).

Where the table starts, the order of its columns and the identity a template carries. A
template written with one layout is read with the same constants, so they live here and
nowhere else.
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
