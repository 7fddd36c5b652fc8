"""Limits Excel enforces by "repairing" a file, which the Open XML SDK validator lets through.

Excel opens such a file with "We found a problem with some content…" and silently drops the
part (a list validation, a defined name, a prompt): a district would then type into an
unvalidated cell without anyone knowing. ``problems`` lists every breach in an xlsx/xlsm:

- a list validation whose formula1 is over 255 characters;
- a defined name defined twice in the same scope;
- a sheet name over 31 characters or holding one of ``[]:*?/\\``;
- a validation's prompt or error title over 32 characters, or message over 255;
- a row taller than 409 points.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

from defusedxml import ElementTree

from workbook.excel.cells import MAX_ROW_HEIGHT

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_BAD_SHEET_CHARS = set("[]:*?/\\")
LIMITS = {"formula1": 255, "promptTitle": 32, "errorTitle": 32, "prompt": 255, "error": 255}


def problems(path: Path | str) -> list[str]:
    """Every breach of Excel's limits in the workbook at ``path``, one line each."""
    out: list[str] = []
    with zipfile.ZipFile(path) as z:
        wb = ElementTree.fromstring(z.read("xl/workbook.xml"))
        sheets = [s.get("name", "") for s in wb.iter(f"{_NS}sheet")]
        for name in sheets:
            if len(name) > 31 or _BAD_SHEET_CHARS & set(name):
                out.append(f"sheet name {name!r}: over 31 characters or a forbidden character")
        names = Counter(
            (d.get("name", "").lower(), d.get("localSheetId", ""))
            for d in wb.iter(f"{_NS}definedName")
        )
        out += [
            f"defined name {n!r} (scope {s or 'workbook'}) twice"
            for (n, s), k in names.items()
            if k > 1
        ]
        for part in sorted(p for p in z.namelist() if re.match(r"xl/worksheets/[^/]+\.xml$", p)):
            sheet = ElementTree.fromstring(z.read(part))
            out += _validations(part, sheet)
            out += [
                f"{part} row {row.get('r')}: height {row.get('ht')} (Excel: {MAX_ROW_HEIGHT:g} at most)"
                for row in sheet.iter(f"{_NS}row")
                if float(row.get("ht") or 0) > MAX_ROW_HEIGHT
            ]
    return out


def _validations(part: str, sheet: Any) -> list[str]:
    out = []
    for dv in sheet.iter(f"{_NS}dataValidation"):
        where = f"{part} {dv.get('sqref', '')}"
        for attr in ("promptTitle", "errorTitle", "prompt", "error"):
            value = dv.get(attr) or ""
            if len(value) > LIMITS[attr]:
                out.append(f"{where}: {attr} has {len(value)} characters (Excel: {LIMITS[attr]})")
        f1 = dv.find(f"{_NS}formula1")
        if dv.get("type") == "list" and f1 is not None and len(f1.text or "") > LIMITS["formula1"]:
            out.append(f"{where}: list formula1 has {len(f1.text or '')} characters (Excel: 255)")
    return out
