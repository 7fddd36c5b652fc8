"""The XlsxWriter internals shishi relies on still exist with the signatures it calls.

pyproject.toml pins XlsxWriter to >=3.2,<3.4 because of these hooks. When a new release is
admitted, this test names any hook that moved; the behaviour behind each is tested where it
is used (structure protection: test_template; plain formulas: test_status_agreement and
test_template; bulk rows: test_outputs and the summary tests).
"""

from __future__ import annotations

import inspect

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

HOOKS = [
    (Workbook, "_write_book_views", []),  # template: workbookProtection before bookViews
    (Workbook, "_xml_empty_tag", ["tag"]),
    (Worksheet, "_prepare_formula", ["formula"]),  # template: no future-function rewriting
    (Worksheet, "_write_rows", []),  # summary: bulk rows as XML after the ordinary rows
    (Worksheet, "_check_dimensions", ["row", "col"]),
    (Format, "_get_xf_index", []),
]


def test_hooks_exist_with_the_parameters_used():
    version = tuple(int(x) for x in xlsxwriter.__version__.split(".")[:2])
    assert (3, 2) <= version < (3, 4), xlsxwriter.__version__
    for cls, name, params in HOOKS:
        fn = getattr(cls, name, None)
        assert callable(fn), f"{cls.__name__}.{name} is gone in XlsxWriter {xlsxwriter.__version__}"
        got = list(inspect.signature(fn).parameters)[1:]
        assert got[: len(params)] == params, (name, got)
    ws = Worksheet()
    assert hasattr(ws, "fh") or "fh" in Worksheet.__init__.__code__.co_names
