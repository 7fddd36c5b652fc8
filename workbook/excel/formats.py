"""What number format a returned cell shows its value in, read from the file itself.

A figure means what its cell showed to the person who typed it, so the reader needs the number
format of the value cells: from ``xl/styles.xml`` and the sheet's cell style indexes in an
.xlsx (any writer: Excel, WPS, LibreOffice), from the cell's value type in an .ods. Other
formats (.xls, .xlsb) do not say, and the reader then refuses to guess where it matters.
Only the columns asked for are looked at. XML is parsed with defusedxml.
"""

from __future__ import annotations

import re
import zipfile

from defusedxml import ElementTree

# Excel's built-in number formats that show a percentage or general numbers (ECMA-376 18.8.30)
_BUILTIN = {0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%"}
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ODS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_ODS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


_STYLES_CACHE: dict[bytes, list[str]] = {}


def xlsx_styles(z: zipfile.ZipFile, part: str = "xl/styles.xml") -> list[str]:
    """Style index → number format code, from the styles ``part`` ("" where unknown).

    Returns of one template share their styles part byte for byte: it is parsed once per
    process, keyed by its bytes (inflating it costs a tenth of parsing it).
    """
    try:
        xml = z.read(part)
    except KeyError:
        return []
    cached = _STYLES_CACHE.get(xml)
    if cached is not None:
        return cached
    styles = _parse_styles(xml)
    if len(_STYLES_CACHE) > 64:
        _STYLES_CACHE.clear()
    _STYLES_CACHE[xml] = styles
    return styles


def _parse_styles(xml: bytes) -> list[str]:
    root = ElementTree.fromstring(xml)
    custom = {
        int(n.get("numFmtId", "0")): n.get("formatCode", "") for n in root.iter(f"{_NS_MAIN}numFmt")
    }
    xfs = root.find(f"{_NS_MAIN}cellXfs")
    out = []
    for xf in [] if xfs is None else xfs.findall(f"{_NS_MAIN}xf"):
        fid = int(xf.get("numFmtId", "0"))
        out.append(custom.get(fid, _BUILTIN.get(fid, "")))
    return out


_S_ATTR = re.compile(r'\bs="(\d+)"')


def xlsx_cell_facts(
    sheet_xml: str, styles: list[str], columns: set[str]
) -> tuple[dict[str, str], list[str]]:
    """For the cells of ``columns`` (letters): reference → number format code, and the
    references of those holding a formula. One pass: a formula is the first child of its
    cell (<c r="J5" s="3"><f>…), as the schema orders f, v, is."""
    if not columns:
        return {}, []
    cols = "|".join(sorted(columns))
    # Excel, WPS, LibreOffice and openpyxl write r first and s (when there) right after it:
    # one findall collects reference, style and what follows the tag; the style is looked
    # for among the other attributes only when it is not in second place. A file that
    # orders r otherwise finds nothing that way and is read with the slow form.
    fast = re.compile(r'<c r="((?:' + cols + r')\d+)"(?: s="(\d+)")?([^>]*?)(/?)>(<f[ >/])?')
    formats: dict[str, str] = {}
    formulas: list[str] = []
    n = len(styles)
    for cell, s_attr, rest, empty, formula in fast.findall(sheet_xml):
        if not s_attr:
            found = _S_ATTR.search(rest)
            s_attr = found.group(1) if found else "0"
        idx = int(s_attr)
        formats[cell] = styles[idx] if idx < n else ""
        if formula and not empty:
            formulas.append(cell)
    if formats:
        return formats, formulas
    slow = re.compile(r'<c\b([^>]*?)\br="((?:' + cols + r')\d+)"([^>]*?)(/?)>')
    for m in slow.finditer(sheet_xml):
        cell = m.group(2)
        found = _S_ATTR.search(m.group(1) + m.group(3))
        idx = int(found.group(1)) if found else 0
        formats[cell] = styles[idx] if idx < n else ""
        end = m.end()
        if not m.group(4) and sheet_xml[end : end + 3] in ("<f>", "<f ", "<f/"):
            formulas.append(cell)
    return formats, formulas


def xlsx_error_cells(sheet_xml: str, columns: set[str]) -> dict[str, str]:
    """The cells of ``columns`` (letters) holding an error value (#VALUE!, #N/A, ...), with or
    without a formula: reference → the error as shown. calamine reads such a cell as empty, so
    it is looked for in the XML; a sheet without any error value costs one substring search."""
    if not columns or 't="e"' not in sheet_xml:
        return {}
    cols = "|".join(sorted(columns))
    found = re.finditer(
        r'<c\b[^>]*?\br="((?:' + cols + r')\d+)"[^>]*?\bt="e"[^>]*>(?:<f\b[^>]*(?:/>|>[^<]*</f>))?'
        r"(?:<v>([^<]*)</v>)?",
        sheet_xml,
    )
    errors = {m.group(1): m.group(2) or "#VALUE!" for m in found}
    # t="e" written before r (the slow order) is not matched above; look again that way
    for m in re.finditer(
        r'<c\b[^>]*?\bt="e"[^>]*?\br="((?:'
        + cols
        + r')\d+)"[^>]*>(?:<f\b[^>]*(?:/>|>[^<]*</f>))?(?:<v>([^<]*)</v>)?',
        sheet_xml,
    ):
        errors.setdefault(m.group(1), m.group(2) or "#VALUE!")
    return errors


def col_letter(i: int) -> str:
    """Column letters of a zero-based column index (0 -> A)."""
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def ods_cell_formats(z: zipfile.ZipFile, sheet: str, columns: set[int]) -> dict[str, str]:
    """Cell reference → a format code standing for what the cell shows ("0%" for a
    percentage, "" otherwise), for the cells of ``columns`` (zero-based) of ``sheet``."""
    root = ElementTree.fromstring(z.read("content.xml"))
    t = f"{{{_ODS_TABLE}}}"
    table = next((x for x in root.iter(f"{t}table") if x.get(f"{t}name") == sheet), None)
    out: dict[str, str] = {}
    if table is None:
        return out
    r = 0
    for row in table.iter(f"{t}table-row"):
        rows = int(row.get(f"{t}number-rows-repeated", "1"))
        c = 0
        for cell in row:
            if cell.tag not in (f"{t}table-cell", f"{t}covered-table-cell"):
                continue
            n = int(cell.get(f"{t}number-columns-repeated", "1"))
            kind = cell.get(f"{{{_ODS_OFFICE}}}value-type", "")
            for k in range(n):
                if c + k in columns and rows < 1000:
                    for dr in range(rows):
                        out[f"{col_letter(c + k)}{r + dr + 1}"] = (
                            "0%" if kind == "percentage" else ""
                        )
            c += n
            if c > max(columns, default=0):
                break
        r += rows
        if r > 100_000:
            break
    return out
