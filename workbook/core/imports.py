"""Imports that must not drag in more than the run needs.

openpyxl imports NumPy whenever it is installed (``openpyxl.compat.numbers``), only to
accept NumPy numbers as cell values, which shishi never writes. NumPy is installed for
matplotlib (the 通报's charts), and under Wine 8 importing NumPy 2 aborts the interpreter
(``ucrtbase.dll.crealf`` is not implemented): reading the city workbook's settings would kill
the consolidation before it starts. On Windows it is also start-up time the run does not need.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType


def openpyxl_without_numpy() -> ModuleType:
    """openpyxl, imported with NumPy hidden from it (``import numpy`` fails inside it); NumPy
    stays importable afterwards for whoever needs it (the chart stack, after its probe)."""
    if "openpyxl" in sys.modules:
        return sys.modules["openpyxl"]
    hidden = "numpy" not in sys.modules
    if hidden:
        sys.modules["numpy"] = None  # type: ignore[assignment]  # import numpy → ImportError
    try:
        return importlib.import_module("openpyxl")
    finally:
        if hidden:
            del sys.modules["numpy"]
