"""Read only the template's table: cells far outside it are cut out before calamine sees them.

calamine builds a dense grid from the first to the last used cell, so one stray value in
XFD1048576 asks it for 17 billion cells (the process aborts on the allocation). The identity
says how many rows the template has; the table plus a margin for inserted rows bounds what is
read. A cell beyond the bounds is not a reason to refuse the file: it is removed from an
in-memory copy of the sheet (the returned file is never touched), named in a warning with its
address, and the unit's figures are consolidated as usual.
"""

from __future__ import annotations

import html
import io
import re
import zipfile

from workbook.excel.formats import col_letter

ROW_MARGIN = 200  # rows a person might insert below the table
MAX_COLUMN = 26  # A..Z; the template uses A..P
DEFAULT_ROWS = 2000  # when the identity does not list its rows
MAX_REPORTED = 5  # stray cells named one by one; the rest are counted

# Both scans start with a literal, which the regex engine finds fast (0.07 ms on a template's
# 130 KB sheet, against 0.3-0.9 ms for patterns that start with <c\b or test separators).
# Excel, WPS, LibreOffice and openpyxl write r as the first attribute of <row>; a file that
# does not is read as before and, if it hides a far row, stopped by the worker's limits.
_ROW_NO = re.compile(r'<row r="(\d+)"')
_WIDE = re.compile(r'r="[A-Z][A-Z]')  # a cell reference in column AA or beyond
_CELL = re.compile(r"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_REF = re.compile(r'\br="([A-Z]+)(\d+)"')
_ROW = re.compile(r"<row\b([^>]*?)(?:/>|>(.*?)</row>)", re.S)
_VALUE = re.compile(r"<(?:v|t)\b[^>]*>(.*?)</(?:v|t)>", re.S)
_DIMENSION = re.compile(r"<dimension\b[^>]*/>")


def max_rows(identity: dict[str, str], first_data_row: int) -> int:
    """The last row worth reading: the table's rows, a signature block and a margin."""
    listed = [s for s in identity.get("rows", "").split(",") if s.strip()]
    if not listed:
        return DEFAULT_ROWS
    return first_data_row + len(listed) + ROW_MARGIN


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def has_far_cells(xml: str, last_row: int) -> bool:
    """Whether the sheet has a row past ``last_row`` or a cell past column Z (cheap scan)."""
    for m in _WIDE.finditer(xml):
        if m.start() and xml[m.start() - 1] in " \t\r\n":  # the attribute r, not e.g. ref
            return True
    return any(int(n) > last_row for n in _ROW_NO.findall(xml))


def shared_strings(z: zipfile.ZipFile) -> list[str]:
    """The workbook's shared strings (Excel and WPS store typed text there), to show what a
    far cell holds. Read only when a sheet has far cells."""
    from defusedxml import ElementTree  # start-up: only a sheet with far cells needs it

    try:
        root = ElementTree.fromstring(z.read("xl/sharedStrings.xml"))
    except (KeyError, ElementTree.ParseError):
        return []
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    return ["".join(t.text or "" for t in si.iter(f"{ns}t")) for si in root.iter(f"{ns}si")]


def cut(
    xml: str, last_row: int, strings: list[str] | None = None
) -> tuple[str, list[tuple[str, str]], int]:
    """The sheet XML without cells outside A1:Z<last_row>, the first stray cells as
    (reference, text shown) and how many there were; ``strings`` are the shared strings a
    text cell points into."""
    found: list[tuple[str, str]] = []
    count = 0

    def keep_cell(m: re.Match[str]) -> str:
        nonlocal count
        ref = _REF.search(m.group(1))
        if ref is None:
            return m.group(0)
        col, row = _column_number(ref.group(1)), int(ref.group(2))
        if col <= MAX_COLUMN and row <= last_row:
            return m.group(0)
        count += 1
        if len(found) < MAX_REPORTED:
            v = _VALUE.search(m.group(2) or "")
            shown = html.unescape(v.group(1)) if v else ""
            if 't="s"' in m.group(1):
                index = int(shown) if shown.isdigit() else -1
                shown = strings[index] if strings and 0 <= index < len(strings) else "（文字）"
            found.append((f"{ref.group(1)}{row}", shown[:40]))
        return ""

    def keep_row(m: re.Match[str]) -> str:
        no = re.search(r'\br="(\d+)"', m.group(1))
        if no is not None and int(no.group(1)) > last_row:
            _CELL.sub(keep_cell, m.group(2) or "")  # counts and names its cells
            return ""
        return m.group(0)

    xml = _ROW.sub(keep_row, xml)
    xml = _CELL.sub(keep_cell, xml)
    return _DIMENSION.sub("", xml, count=1), found, count


def rebuilt(z: zipfile.ZipFile, part: str, xml: str) -> bytes:
    """An in-memory copy of the package with ``part`` replaced (stored, not compressed)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as out:
        for info in z.infolist():
            data = xml.encode("utf-8") if info.filename == part else z.read(info)
            out.writestr(info.filename, data)
    return buf.getvalue()


def bounds_text(last_row: int) -> str:
    return f"A1:{col_letter(MAX_COLUMN - 1)}{last_row}"
