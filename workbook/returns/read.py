"""Reading a returned workbook without trusting it: its bytes (sha256, size, time), the zip
directory past a zip-bomb guard, the identity its template carries (the hidden sheet, or the
custom document properties), the reporting sheet's grid (python-calamine, far cells cut first:
``sheetbounds``), and what the sheet's XML says about formulas, protection and number formats.

``read_file`` runs in a worker process (bounded in memory and time by ``scan``) and returns
plain data; ``returns.check_return`` compares it with the catalogue. Nothing here writes to a
returned file.
"""

from __future__ import annotations

import hashlib
import io
import os
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from defusedxml import ElementTree

from workbook.core import problems as codes
from workbook.core.findings import Problem
from workbook.core.layout import FIRST_DATA_ROW, IDENTITY_FORMAT, IDENTITY_SHEET
from workbook.core.settings import template_text
from workbook.core.submission import ValueRecord
from workbook.excel.cells import cell_text
from workbook.excel.formats import col_letter as _col_letter
from workbook.excel.formats import ods_cell_formats, xlsx_cell_facts, xlsx_error_cells, xlsx_styles
from workbook.excel.ooxml import part_text
from workbook.returns import bounds as sheetbounds
from workbook.returns.extras import read_extras
from workbook.returns.slowgrid import calamine_or_fallback

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".et", ".ett", ".csv"}
ZIP_SUFFIXES = {".xlsx", ".xlsm"}
MAX_UNZIPPED_BYTES = 200_000_000
MAX_ZIP_RATIO = 200


@dataclass
class RawReturn:
    """What one file holds, read without trusting it."""

    path: str
    size: int = 0
    sha256: str = ""
    mtime: str = ""
    identity: dict[str, str] = field(default_factory=dict)
    grid: list[list[Any]] = field(default_factory=list)
    header_row: int | None = None  # the grid row of the table's header, when found
    columns: dict[str, int] = field(default_factory=dict)  # header key -> grid column
    report_sheet: str = ""
    formula_cells: list[str] = field(default_factory=list)  # in the value and base columns
    error_cells: dict[str, str] = field(default_factory=dict)  # the same: cell → #VALUE! etc.
    protected: bool | None = None  # None: could not tell (not an xlsx)
    formats: dict[str, str] = field(default_factory=dict)  # value/base cell → number format
    formats_known: bool = False  # False: the file does not say how its cells show (xls)
    strays: list[tuple[str, str]] = field(default_factory=list)  # far cells cut before reading
    stray_count: int = 0
    bounds: str = ""  # the range read, when far cells were cut
    error_code: str = ""
    error: str = ""  # Chinese: why the file could not be read
    checked: CheckedReturn | None = None  # when the worker could already check the file
    extras: dict[str, Any] = field(default_factory=dict)  # 明细台账, 信息报送 …: their grids
    # (code, sheet, cell, message, action) found reading them; a renamed one's name as found
    extra_notes: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    extra_names: dict[str, str] = field(default_factory=dict)


def read_bytes(path: Path) -> tuple[bytes, str]:
    """The file's bytes (read once; its size was bounded before) and its modification time."""
    data = path.read_bytes()
    mtime = datetime.fromtimestamp(path.stat().st_mtime).isoformat(timespec="seconds")
    return data, mtime


def _zip_guard(z: zipfile.ZipFile) -> str:
    """A reason to refuse a zip-based file before parsing it (a zip bomb), or ''."""
    total = sum(i.file_size for i in z.infolist())
    packed = sum(i.compress_size for i in z.infolist()) or 1
    if total > MAX_UNZIPPED_BYTES or total / packed > MAX_ZIP_RATIO and total > 10_000_000:
        return f"文件解压后过大（{total // 1_000_000} MB），已跳过以保护汇总程序。"
    return ""


def _rel_targets(z: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """The relationships of ``part`` (its ``_rels/<name>.rels``): Id → (type, the target's
    part name, resolved as OPC says: relative to the part's folder, or from the root)."""
    folder, name = posixpath.split(part)
    try:
        xml = part_text(z, posixpath.join(folder, "_rels", name + ".rels"))
    except KeyError:
        return {}
    out = {}
    for rel in re.finditer(r"<Relationship\b([^>]*)>", xml):
        attrs = dict(re.findall(r'\b(Id|Type|Target)="([^"]*)"', rel.group(1)))
        target = attrs.get("Target", "")
        if target.startswith("/"):
            resolved = posixpath.normpath(target.lstrip("/"))
        else:
            resolved = posixpath.normpath(posixpath.join(folder, target))
        out[attrs.get("Id", "")] = (attrs.get("Type", ""), resolved)
    return out


def _workbook_part(z: zipfile.ZipFile) -> str:
    """The workbook part the package names (xl/workbook.xml as Excel, WPS and LibreOffice
    write it; some generators put it elsewhere)."""
    for kind, target in _rel_targets(z, "").values():
        if kind.endswith("/officeDocument") and target in z.NameToInfo:
            return target
    return "xl/workbook.xml"


def _sheet_xml_name(z: zipfile.ZipFile, book: str, sheet: str) -> str | None:
    """The part name of worksheet ``sheet`` in an xlsx, via the workbook part ``book`` and
    its rels."""
    wb = part_text(z, book)
    m = re.search(r'<sheet\b[^>]*\bname="' + re.escape(sheet) + r'"[^>]*?r:id="([^"]+)"', wb)
    if not m:
        return None
    found = _rel_targets(z, book).get(m.group(1))
    if found is None:
        return None
    target = found[1]
    if target not in z.NameToInfo and "xl/" + target in z.NameToInfo:
        return "xl/" + target  # a target written as if from the root, without its slash
    return target


def styles_part(z: zipfile.ZipFile, book: str) -> str:
    """The styles part the workbook part ``book`` names (xl/styles.xml as a rule)."""
    for kind, target in _rel_targets(z, book).values():
        if kind.endswith("/styles"):
            return target
    return "xl/styles.xml"


def _xml_facts(
    z: zipfile.ZipFile, book: str, xml: str | None, columns: set[str]
) -> tuple[list[str], bool | None, dict[str, str] | None]:
    """The cells of ``columns`` holding formulas, whether the sheet is protected, and the
    number formats of the cells in ``columns``, from the sheet's XML."""
    if xml is None:
        return [], None, None
    protected = bool(re.search(r'<sheetProtection\b[^>]*\bsheet="(1|true)"', xml))
    formats, formulas = xlsx_cell_facts(xml, xlsx_styles(z, styles_part(z, book)), columns)
    return formulas, protected, formats


def _refusal(path: Path, data: bytes) -> tuple[str, str] | None:
    """(code, reason) when the file is not one to open: not a spreadsheet, empty, or a
    format without a template identity."""
    suffix = path.suffix.lower()
    if suffix not in SPREADSHEET_SUFFIXES:
        return codes.FILE_NOT_SPREADSHEET, f"不是电子表格文件（{suffix or '无扩展名'}），已跳过。"
    if not data:
        return codes.FILE_EMPTY, "文件是空的（0 字节）。"
    if suffix in (".et", ".ett"):
        return (
            codes.FILE_FORMAT_UNSUPPORTED,
            "WPS 表格专用格式（.et）无法读取。请在 WPS 中“另存为”Excel 工作簿（.xlsx）后重新报送。",
        )
    if suffix == ".csv":
        return (
            codes.FILE_FORMAT_UNSUPPORTED,
            "CSV 文件不含模板身份信息，无法识别。请报送下发的 .xlsx 模板。",
        )
    return None


def _open_package(path: Path, raw: RawReturn) -> tuple[bytes, zipfile.ZipFile | None] | None:
    """The file's bytes (sha256, size and time noted in ``raw``) and, for xlsx/xlsm, its zip
    directory past the zip-bomb guard; None with the reason in ``raw`` when it is refused."""
    try:
        data, raw.mtime = read_bytes(path)
    except OSError as exc:
        raw.error_code, raw.error = codes.FILE_UNREADABLE, f"无法读取文件：{exc}"
        return None
    raw.size, raw.sha256 = len(data), hashlib.sha256(data).hexdigest()
    refused = _refusal(path, data)
    if refused is not None:
        raw.error_code, raw.error = refused
        return None
    if path.suffix.lower() not in ZIP_SUFFIXES:
        return data, None
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raw.error_code, raw.error = codes.FILE_DAMAGED, "文件已损坏或不是 xlsx 格式（无法解压）。"
        return None
    reason = _zip_guard(z)
    if reason:
        raw.error_code, raw.error = codes.FILE_DAMAGED, reason
        return None
    return data, z


def read_file(path_str: str) -> RawReturn:
    """Read one file; never raises for a bad file (the reason goes into ``error``).

    The file is read from disk once: its bytes give the sha256, the zip directory (zip-bomb
    guard, custom properties, the sheet's XML) and calamine's workbook.
    """
    CalamineWorkbook = calamine_or_fallback()  # noqa: N806 - the class, or its stand-in

    path = Path(path_str)
    raw = RawReturn(path=path_str)
    opened = _open_package(path, raw)
    if opened is None:
        return raw
    data, z = opened
    suffix = path.suffix.lower()
    text = template_text()
    sheet_xml: str | None = None
    # once per file: the sheets' and styles' parts (明细台账, 信息报送, 填报表)
    book = _workbook_part(z) if z is not None else "xl/workbook.xml"
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = wb.sheet_names
        if IDENTITY_SHEET in names:
            for row in wb.get_sheet_by_name(IDENTITY_SHEET).to_python():
                if len(row) >= 2 and isinstance(row[0], str):
                    raw.identity[row[0]] = "" if row[1] is None else str(row[1])
        if raw.identity.get("format") != IDENTITY_FORMAT and z is not None:
            raw.identity.update(custom_properties(z))
        sheet = text["sheet_report"] if text["sheet_report"] in names else _guess_sheet(wb)
        raw.report_sheet = sheet
        read_extras(wb, z, book, _sheet_xml_name, raw)
        if sheet:
            if z is not None:
                sheet_xml, cut_copy = _bounded_sheet(z, book, sheet, raw)
                if cut_copy is not None:  # far cells were cut: read the cut copy
                    wb.close()
                    wb = CalamineWorkbook.from_filelike(io.BytesIO(cut_copy))
            raw.grid = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        wb.close()
    except Exception as exc:  # calamine raises several types for damaged files
        raw.error_code = codes.FILE_DAMAGED
        raw.error = f"文件无法打开（已损坏或不是电子表格）：{type(exc).__name__}: {str(exc)[:200]}"
        return raw
    raw.header_row, raw.columns = find_header(raw.grid, text["headers"])
    _figure_cell_facts(raw, z, data, suffix, book, sheet_xml)
    return raw


def _figure_cell_facts(
    raw: RawReturn,
    z: zipfile.ZipFile | None,
    data: bytes,
    suffix: str,
    book: str,
    sheet_xml: str | None,
) -> None:
    """What the file says about its figure cells (累计完成, 年初基数): their number formats,
    which hold a formula or an error value, and whether the sheet is protected."""
    figure_cols = {raw.columns[k] for k in ("value", "base") if k in raw.columns}
    if z is not None and raw.report_sheet:
        try:
            letters = {_col_letter(c) for c in figure_cols}
            raw.formula_cells, raw.protected, formats = _xml_facts(z, book, sheet_xml, letters)
            raw.error_cells = xlsx_error_cells(sheet_xml or "", letters)
            if formats is not None:
                raw.formats, raw.formats_known = formats, True
        except (KeyError, zipfile.BadZipFile, OSError, ValueError, ElementTree.ParseError):
            raw.protected = None
    elif suffix == ".ods" and raw.report_sheet:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as ods:
                if _zip_guard(ods) == "":
                    raw.formats = ods_cell_formats(ods, raw.report_sheet, figure_cols)
                    raw.formats_known = True
        except (KeyError, zipfile.BadZipFile, OSError, ValueError, ElementTree.ParseError):
            raw.formats_known = False


def _bounded_sheet(
    z: zipfile.ZipFile, book: str, sheet: str, raw: RawReturn
) -> tuple[str | None, bytes | None]:
    """The reporting sheet's XML (inflated once), and a package to read instead of the file
    when cells far outside the template's table had to be cut (``sheetbounds``)."""
    try:
        part = _sheet_xml_name(z, book, sheet)
        if part is None or part not in z.NameToInfo:
            return None, None
        xml = part_text(z, part)
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return None, None
    last_row = sheetbounds.max_rows(raw.identity, FIRST_DATA_ROW)
    if not sheetbounds.has_far_cells(xml, last_row):
        return xml, None
    xml, raw.strays, raw.stray_count = sheetbounds.cut(xml, last_row, sheetbounds.shared_strings(z))
    raw.bounds = sheetbounds.bounds_text(last_row)
    return xml, sheetbounds.rebuilt(z, part, xml)


def _guess_sheet(wb: Any) -> str:
    """A renamed reporting sheet: the first sheet whose first rows hold the header."""
    own = template_text()["headers"]["own"]
    for name in wb.sheet_names:
        if name == IDENTITY_SHEET:
            continue
        try:
            rows = wb.get_sheet_by_name(name).to_python()[:10]
        except Exception:
            continue
        if any(own in [str(c) for c in r] for r in rows):
            return str(name)
    return ""


def custom_properties(z: zipfile.ZipFile) -> dict[str, str]:
    """Identity from docProps/custom.xml, when the identity sheet is gone (parsed as XML:
    writers differ in namespaces and in how they write an empty value)."""
    try:
        root = ElementTree.fromstring(z.read("docProps/custom.xml"))
    except (KeyError, ValueError, ElementTree.ParseError):
        return {}
    out = {}
    for prop in root:
        name = prop.get("name", "")
        if name.startswith("shishi_"):
            out[name[len("shishi_") :]] = "".join(t.text or "" for t in prop)
    return out


# What a returns folder holds besides returns, never looked at (listed once, here): Office's
# owner files (~$name.xlsx), LibreOffice's and WPS's lock files (.~lock.name#, .~name), a
# Mac's AppleDouble files (._name.xlsx, and the __MACOSX folder a Mac zip carries), and the
# folder files Windows and macOS leave behind.
IGNORED_PREFIXES = ("~$", ".~lock", ".~", "._")
IGNORED_NAMES = frozenset({"Thumbs.db", "ehthumbs.db", "desktop.ini", "Desktop.ini", ".DS_Store"})
IGNORED_FOLDERS = frozenset({"__MACOSX"})


def is_candidate(path: Path) -> bool:
    """Whether a file in the returns folder should be looked at (``IGNORED_*`` are not)."""
    name = path.name
    return not (
        name.startswith(IGNORED_PREFIXES)
        or name in IGNORED_NAMES
        or any(part in IGNORED_FOLDERS for part in path.parts)
    )


def find_files(folder: Path) -> list[Path]:
    """Every file below ``folder``, sorted, without the ones to ignore (``is_candidate``)."""
    out = []
    for dirpath, _dirs, files in os.walk(folder):
        for f in files:
            p = Path(dirpath) / f
            if p.is_file() and is_candidate(p):
                out.append(p)
    return sorted(out)


def find_header(grid: list[list[Any]], h: dict[str, str]) -> tuple[int | None, dict[str, int]]:
    """The row of the table's header among the first 15 and each header key's column: the
    template's 序号, 本单位目标任务 and 累计完成… must be there, in any column."""
    for r, line in enumerate(grid[:15]):
        texts = [cell_text(v) for v in line]
        if h["seq"] in texts and h["own"] in texts and any(t.startswith("累计完成") for t in texts):
            cols = {}
            for key, title in h.items():
                if title in texts:
                    cols[key] = texts.index(title)
            if "city" not in cols:  # a county's template says 全区目标任务 (Catalogue.worded)
                own_area = [
                    i for i, t in enumerate(texts) if t.endswith("目标任务") and t != h["own"]
                ]
                cols.update(city=own_area[0]) if own_area else None
            cols["value"] = next(i for i, t in enumerate(texts) if t.startswith("累计完成"))
            return r, cols
    return None, {}


@dataclass
class CheckedReturn:
    raw: RawReturn
    unit: str = ""
    period: str = ""
    values: dict[int, ValueRecord] = field(default_factory=dict)
    signature: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)  # 明细台账
    info: list[dict[str, Any]] = field(default_factory=list)  # 信息报送
    origin: dict[str, Any] = field(default_factory=dict)  # report-up: origin and 所明细
    usable: bool = True  # False: the table could not be found, nothing was read from it

    @property
    def error_count(self) -> int:
        return sum(1 for p in self.problems if p.severity == "error")
