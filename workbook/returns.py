"""Reading returned workbooks: identify each file by the identity its template carries, then
re-check every cell against the catalogue.

``read_file`` runs in a worker process (bounded in memory and time by ``scan``) and returns
plain data: the identity, the grid of the reporting sheet and what the file's XML says about
formulas and protection. ``check_return`` compares that data with the catalogue and returns the
values and problems. Nothing here writes to a returned file.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from defusedxml import ElementTree

from workbook import sheetbounds
from workbook.catalogue import Catalogue, Row, reporting_rows
from workbook.cellformats import col_letter as _col_letter
from workbook.cellformats import ods_cell_formats, xlsx_cell_facts, xlsx_styles
from workbook.layout import FIRST_DATA_ROW, IDENTITY_FORMAT, IDENTITY_SHEET, parse_bases
from workbook.measures import measure
from workbook.report import Problem
from workbook.settings import template_text
from workbook.submission import ValueRecord
from workbook.values import parse_value
from workbook.xlsxio import cell_text

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
    report_sheet: str = ""
    formula_cells: list[str] = field(default_factory=list)  # in the value and base columns
    protected: bool | None = None  # None: could not tell (not an xlsx)
    formats: dict[str, str] = field(default_factory=dict)  # value/base cell → number format
    formats_known: bool = False  # False: the file does not say how its cells show (xls)
    strays: list[tuple[str, str]] = field(default_factory=list)  # far cells cut before reading
    stray_count: int = 0
    bounds: str = ""  # the range read, when far cells were cut
    error_code: str = ""
    error: str = ""  # Chinese: why the file could not be read
    checked: Any = None  # the CheckedReturn, when the worker could already check the file


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


def _sheet_xml_name(z: zipfile.ZipFile, sheet: str) -> str | None:
    """The part name of worksheet ``sheet`` in an xlsx, via workbook.xml and its rels."""
    wb = z.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    m = re.search(r'<sheet\b[^>]*\bname="' + re.escape(sheet) + r'"[^>]*?r:id="([^"]+)"', wb)
    if not m:
        return None
    rid = m.group(1)
    t = re.search(
        r'<Relationship\b[^>]*\bId="' + re.escape(rid) + r'"[^>]*\bTarget="([^"]+)"', rels
    ) or re.search(
        r'<Relationship\b[^>]*\bTarget="([^"]+)"[^>]*\bId="' + re.escape(rid) + '"', rels
    )
    if not t:
        return None
    target = t.group(1).lstrip("/")
    return target if target.startswith("xl/") else "xl/" + target


def _xml_facts(
    z: zipfile.ZipFile, xml: str | None, columns: set[str]
) -> tuple[list[str], bool | None, dict[str, str] | None]:
    """The cells of ``columns`` holding formulas, whether the sheet is protected, and the
    number formats of the cells in ``columns``, from the sheet's XML."""
    if xml is None:
        return [], None, None
    protected = bool(re.search(r'<sheetProtection\b[^>]*\bsheet="(1|true)"', xml))
    formats, formulas = xlsx_cell_facts(xml, xlsx_styles(z), columns)
    return formulas, protected, formats


def _refusal(path: Path, data: bytes) -> tuple[str, str] | None:
    """(code, reason) when the file is not one to open: not a spreadsheet, empty, or a
    format without a template identity."""
    suffix = path.suffix.lower()
    if suffix not in SPREADSHEET_SUFFIXES:
        return "file.not_spreadsheet", f"不是电子表格文件（{suffix or '无扩展名'}），已跳过。"
    if not data:
        return "file.empty", "文件是空的（0 字节）。"
    if suffix in (".et", ".ett"):
        return (
            "file.format_unsupported",
            "WPS 表格专用格式（.et）无法读取。请在 WPS 中“另存为”Excel 工作簿（.xlsx）后重新报送。",
        )
    if suffix == ".csv":
        return (
            "file.format_unsupported",
            "CSV 文件不含模板身份信息，无法识别。请报送下发的 .xlsx 模板。",
        )
    return None


def _open_package(path: Path, raw: RawReturn) -> tuple[bytes, zipfile.ZipFile | None] | None:
    """The file's bytes (sha256, size and time noted in ``raw``) and, for xlsx/xlsm, its zip
    directory past the zip-bomb guard; None with the reason in ``raw`` when it is refused."""
    try:
        data, raw.mtime = read_bytes(path)
    except OSError as exc:
        raw.error_code, raw.error = "file.unreadable", f"无法读取文件：{exc}"
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
        raw.error_code, raw.error = "file.damaged", "文件已损坏或不是 xlsx 格式（无法解压）。"
        return None
    reason = _zip_guard(z)
    if reason:
        raw.error_code, raw.error = "file.damaged", reason
        return None
    return data, z


def read_file(path_str: str) -> RawReturn:
    """Read one file; never raises for a bad file (the reason goes into ``error``).

    The file is read from disk once: its bytes give the sha256, the zip directory (zip-bomb
    guard, custom properties, the sheet's XML) and calamine's workbook.
    """
    from python_calamine import CalamineWorkbook

    path = Path(path_str)
    raw = RawReturn(path=path_str)
    opened = _open_package(path, raw)
    if opened is None:
        return raw
    data, z = opened
    suffix = path.suffix.lower()
    text = template_text()
    sheet_xml: str | None = None
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = wb.sheet_names
        if IDENTITY_SHEET in names:
            for row in wb.get_sheet_by_name(IDENTITY_SHEET).to_python():
                if len(row) >= 2 and isinstance(row[0], str):
                    raw.identity[row[0]] = "" if row[1] is None else str(row[1])
        if raw.identity.get("format") != IDENTITY_FORMAT and z is not None:
            raw.identity.update(_custom_properties(z))
        sheet = text["sheet_report"] if text["sheet_report"] in names else _guess_sheet(wb)
        if sheet:
            raw.report_sheet = sheet
            if z is not None:
                sheet_xml, cut_copy = _bounded_sheet(z, sheet, raw)
                if cut_copy is not None:  # far cells were cut: read the cut copy
                    wb.close()
                    wb = CalamineWorkbook.from_filelike(io.BytesIO(cut_copy))
            raw.grid = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        wb.close()
    except Exception as exc:  # calamine raises several types for damaged files
        raw.error_code = "file.damaged"
        raw.error = f"文件无法打开（已损坏或不是电子表格）：{type(exc).__name__}: {str(exc)[:200]}"
        return raw
    figure_cols = _figure_columns(raw.grid)
    if z is not None and raw.report_sheet:
        try:
            letters = {_col_letter(c) for c in figure_cols}
            raw.formula_cells, raw.protected, formats = _xml_facts(z, sheet_xml, letters)
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
    return raw


def _bounded_sheet(
    z: zipfile.ZipFile, sheet: str, raw: RawReturn
) -> tuple[str | None, bytes | None]:
    """The reporting sheet's XML (inflated once), and a package to read instead of the file
    when cells far outside the template's table had to be cut (``sheetbounds``)."""
    try:
        part = _sheet_xml_name(z, sheet)
        if part is None or part not in z.NameToInfo:
            return None, None
        xml = z.read(part).decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return None, None
    last_row = sheetbounds.max_rows(raw.identity, FIRST_DATA_ROW)
    if not sheetbounds.has_far_cells(xml, last_row):
        return xml, None
    xml, raw.strays, raw.stray_count = sheetbounds.cut(xml, last_row, sheetbounds.shared_strings(z))
    raw.bounds = sheetbounds.bounds_text(last_row)
    return xml, sheetbounds.rebuilt(z, part, xml)


def _figure_columns(grid: list[list[Any]]) -> set[int]:
    """The columns whose number format matters (累计完成 and 年初基数), from the header."""
    _, cols = _find_header(grid, template_text()["headers"])
    return {cols[k] for k in ("value", "base") if k in cols}


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


def _custom_properties(z: zipfile.ZipFile) -> dict[str, str]:
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


# --- checking a return against the catalogue ------------------------------------------------


@dataclass
class CheckedReturn:
    raw: RawReturn
    unit: str = ""
    period: str = ""
    values: dict[int, ValueRecord] = field(default_factory=dict)
    signature: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def error_count(self) -> int:
        return sum(1 for p in self.problems if p.severity == "error")


def _cell(r: int, c: int) -> str:
    return f"{_col_letter(c)}{r + 1}"


def _as_seq(v: Any) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float) and float(v).is_integer():
        return int(v)
    if isinstance(v, str) and v.strip().isdigit():
        return int(v.strip())
    return None


def _same_number(found: Any, expected: float | None) -> bool:
    if expected is None:
        return found in (None, "")
    try:
        return abs(float(found) - expected) < 1e-9
    except (TypeError, ValueError):
        return False


class _Checker:
    """One file's check in progress: the result, and ``add`` for a problem in its sheet."""

    def __init__(self, raw: RawReturn, cat: Catalogue) -> None:
        self.raw, self.cat = raw, cat
        self.out = CheckedReturn(
            raw=raw, unit=raw.identity.get("unit", ""), period=raw.identity.get("period", "")
        )
        self.fname = Path(raw.path).name
        self.text = template_text()
        self.sheet = raw.report_sheet or self.text["sheet_report"]

    def add(
        self,
        code: str,
        severity: str,
        message: str,
        action: str = "",
        cell: str = "",
        seq: int | None = None,
        found: str = "",
    ) -> None:
        self.out.problems.append(
            Problem(
                code=code,
                severity=severity,
                message=message,
                action=action,
                unit=self.out.unit,
                file=self.fname,
                sheet=self.sheet if cell else "",
                cell=cell,
                seq=seq,
                found=found,
            )
        )


def check_return(raw: RawReturn, cat: Catalogue, period_code: str) -> CheckedReturn:
    """Compare a read file with the catalogue: identity, locked cells, every input.

    Returns the accepted values and every problem found; the caller decides what a file's
    problems mean for its status. The checks, in order: the reporting sheet and its header,
    protection, each row (``_place_row``, then ``_check_row``), rows missing, cells far from
    the table, the signature.
    """
    chk = _Checker(raw, cat)
    if not raw.grid:
        chk.add(
            "return.no_report_sheet",
            "error",
            f"找不到“{chk.text['sheet_report']}”工作表（可能被删除或改名）。",
            "请用下发的模板重新填报，不要删除或改名工作表。",
        )
        return chk.out
    header_row, cols = _find_header(raw.grid, chk.text["headers"])
    if header_row is None:
        chk.add(
            "return.header_changed",
            "error",
            "填报表的表头被改动，找不到“序号”“本单位目标任务”“累计完成”列。",
            "请用下发的模板重新填报，不要修改表头。",
        )
        return chk.out
    if raw.protected is False:
        chk.add(
            "return.unprotected",
            "warning",
            "填报表的工作表保护已被取消。",
            "已逐项核对目标任务；请提醒填报人不要取消保护。",
        )
    expected = {r.indicator.seq: r for r in reporting_rows(cat, chk.out.unit)}
    seen: dict[int, int] = {}
    formulas = set(raw.formula_cells)
    sig_labels = {label: key for key, label in chk.text["signature"]}
    for r in range(header_row + 1, len(raw.grid)):
        line = raw.grid[r]
        label = (cell_text(line[0]) if line else "").rstrip("：:")
        if label in sig_labels:
            value = next((cell_text(v) for v in line[1:] if cell_text(v)), "")
            chk.out.signature[sig_labels[label]] = value
            continue
        seq = _place_row(chk, r, line, cols, expected, seen)
        if seq is not None:
            seen[seq] = r
            _check_row(chk.out, cat, expected[seq], line, r, cols, formulas, chk.add)
    _missing_rows(chk, expected, seen)
    _far_cells(raw, chk.add)
    if not chk.out.signature.get("reporter"):
        chk.add("signature.missing", "warning", "表尾“填报人”未填写。", "请填写填报人并盖章。")
    return chk.out


def _place_row(
    chk: _Checker,
    r: int,
    line: list[Any],
    cols: dict[str, int],
    expected: dict[int, Row],
    seen: dict[int, int],
) -> int | None:
    """The 序号 a table row reports for, or None (with a problem when it holds input)."""
    seq = _as_seq(line[cols["seq"]]) if cols["seq"] < len(line) else None
    where = _cell(r, cols["seq"])
    if seq is None:
        inputs = [
            line[cols[k]]
            for k in ("value", "progress", "problems", "remark")
            if cols.get(k) is not None and cols[k] < len(line)
        ]
        if any(cell_text(v) for v in inputs):
            chk.add(
                "row.no_seq",
                "error",
                f"第 {r + 1} 行有填写内容但没有序号，无法对应到指标。",
                "请不要插入行或清除序号；把内容填到对应序号的行。",
                cell=where,
            )
        return None
    if seq not in expected:
        chk.add(
            "row.unexpected",
            "warning",
            f"第 {r + 1} 行的序号 {seq} 不属于本单位的填报内容，已忽略。",
            "请删除该行或用下发的模板重新填报。",
            cell=where,
            seq=seq,
        )
        return None
    if seq in seen:
        chk.add(
            "row.duplicate_seq",
            "error",
            f"序号 {seq} 出现两次（第 {seen[seq] + 1} 行和第 {r + 1} 行），只采用第一行。",
            "请删除重复的行。",
            cell=where,
            seq=seq,
        )
        return None
    return seq


def _missing_rows(chk: _Checker, expected: dict[int, Row], seen: dict[int, int]) -> None:
    for seq, row in expected.items():
        if seq not in seen:
            chk.add(
                "row.missing",
                "error",
                f"找不到序号 {seq}（{row.indicator.name}）所在的行（可能被删除或序号被改动）。",
                "请用下发的模板补填该指标。",
                seq=seq,
            )


def _far_cells(raw: RawReturn, add: Any) -> None:
    """Cells far outside the table were cut before reading: say where they were."""
    for ref, shown in raw.strays:
        add(
            "return.far_cell",
            "warning",
            f"单元格 {ref} 在填报表格（{raw.bounds}）之外，有内容“{shown}”，已忽略。",
            "请删除表格以外的内容；本单位的数据已照常汇总。",
            cell=ref,
            found=shown,
        )
    if raw.stray_count > len(raw.strays):
        add(
            "return.far_cell",
            "warning",
            f"填报表格（{raw.bounds}）之外另有 {raw.stray_count - len(raw.strays)} 个单元格有内容，已忽略。",
            "请删除表格以外的内容；本单位的数据已照常汇总。",
        )


def _find_header(grid: list[list[Any]], h: dict[str, str]) -> tuple[int | None, dict[str, int]]:
    for r, line in enumerate(grid[:15]):
        texts = [cell_text(v) for v in line]
        if h["seq"] in texts and h["own"] in texts and any(t.startswith("累计完成") for t in texts):
            cols = {}
            for key, title in h.items():
                if title in texts:
                    cols[key] = texts.index(title)
            cols["value"] = next(i for i, t in enumerate(texts) if t.startswith("累计完成"))
            return r, cols
    return None, {}


def _check_row(
    out: CheckedReturn,
    cat: Catalogue,
    row: Row,
    line: list[Any],
    r: int,
    cols: dict[str, int],
    formulas: set[str],
    add: Any,
) -> None:
    """One indicator's row: its locked cells as issued, then its figures."""
    at = _Line(line, cols)
    _check_locked(cat, row, r, cols, at, add)
    rec = _check_value(out, row, r, cols, at, formulas, add)
    if measure(row.indicator.measure).base and "base" in cols:
        rec.base = _read_base(out, row, at["base"], _cell(r, cols["base"]), rec, add)
    out.values[row.indicator.seq] = rec


class _Line:
    """A table row's cells by column key (None past the row's end or for a missing column)."""

    __slots__ = ("line", "cols", "n")

    def __init__(self, line: list[Any], cols: dict[str, int]) -> None:
        self.line, self.cols, self.n = line, cols, len(line)

    def __getitem__(self, key: str) -> Any:
        c = self.cols.get(key)
        return self.line[c] if c is not None and c < self.n else None


def _locked_texts(cat: Catalogue, row: Row) -> tuple[tuple[str, str], ...]:
    """(column key, text as issued) of the row's locked text cells; the same for every file
    of the unit, so worked out once per indicator and target."""
    cache: dict[tuple[int, str], tuple[tuple[str, str], ...]] = cat._lookup("locked_texts")
    ind = row.indicator
    key = (ind.seq, row.target.text)
    found = cache.get(key)
    if found is None:
        found = cache[key] = (
            ("action", cat.action(ind.action).name),
            ("name", ind.name),
            ("unit", ind.unit),
            ("city", ind.city.text),
            ("own", row.target.text),
        )
    return found


def _check_locked(
    cat: Catalogue, row: Row, r: int, cols: dict[str, int], at: _Line, add: Any
) -> None:
    """The cells a district may not change (names, targets) against the catalogue."""
    ind = row.indicator
    seq = ind.seq
    for key, want in _locked_texts(cat, row):
        if key not in cols:
            continue
        got = cell_text(at[key])
        if got != want:
            add(
                "locked.changed",
                "error",
                f"序号 {seq} 的“{template_text()['headers'][key]}”被改动：应为“{want}”，实际为“{got}”。",
                "目标任务以市局下发为准，已按原目标计算；请恢复原内容。",
                cell=_cell(r, cols[key]),
                seq=seq,
                found=got,
            )
    if "target_value" in cols and ind.measure != "qualitative":
        tv = at["target_value"]
        want_tv = (
            None if row.target.value is None else row.target.value / measure(ind.measure).scale
        )
        if not _same_number(tv, want_tv):
            add(
                "locked.changed",
                "error",
                f"序号 {seq} 的“目标值”被改动：应为 {row.target.value:g}，实际为“{cell_text(tv)}”。"
                if row.target.value is not None
                else f"序号 {seq} 的“目标值”被改动。",
                "目标任务以市局下发为准，已按原目标计算；请恢复原内容。",
                cell=_cell(r, cols["target_value"]),
                seq=seq,
                found=cell_text(tv),
            )


def _check_value(
    out: CheckedReturn,
    row: Row,
    r: int,
    cols: dict[str, int],
    at: _Line,
    formulas: set[str],
    add: Any,
) -> ValueRecord:
    """累计完成 and the text columns, read as the cell showed them (``values.parse_value``)."""
    ind = row.indicator
    seq = ind.seq
    vcell = _cell(r, cols["value"])
    raw_value = at["value"]
    rec = ValueRecord(
        seq=seq,
        value=None,
        raw=cell_text(raw_value),
        cell=vcell,
        progress=cell_text(at["progress"]),
        problems=cell_text(at["problems"]),
        remark=cell_text(at["remark"]),
    )
    if vcell in formulas:
        add(
            "value.formula",
            "error",
            f"序号 {seq}（{ind.name}）的累计完成是公式，汇总不采用公式的缓存结果。",
            "请直接填写数值，不要填公式。",
            cell=vcell,
            seq=seq,
            found=rec.raw,
        )
        rec.valid = False
    else:
        parsed = parse_value(raw_value, ind.measure, ind.unit, _format(out.raw, vcell))
        if not parsed.ok:
            add(
                parsed.code,
                "error",
                f"序号 {seq}（{ind.name}）：{parsed.note}",
                _fix_hint(ind.measure, ind.unit),
                cell=vcell,
                seq=seq,
                found=rec.raw,
            )
            rec.valid = False
        else:
            rec.value = parsed.value
            if parsed.note:
                add(
                    parsed.code,
                    "warning",
                    f"序号 {seq}（{ind.name}）：{parsed.note}",
                    "如读取有误，请改正后重新报送。",
                    cell=vcell,
                    seq=seq,
                    found=rec.raw,
                )
            if parsed.value is None:
                add(
                    "value.missing",
                    "warning",
                    f"序号 {seq}（{ind.name}）的累计完成未填写。",
                    "请填写截至期末的累计数；没有发生请填 0。",
                    cell=vcell,
                    seq=seq,
                )
    return rec


def _format(raw: RawReturn, cell: str) -> str | None:
    """The number format ``cell`` shows its value in; None when the file does not say."""
    return raw.formats.get(cell, "") if raw.formats_known else None


def _read_base(
    out: CheckedReturn, row: Row, found: Any, cell: str, rec: ValueRecord, add: Any
) -> float | None:
    """The start-of-year base of a stock: locked when an earlier period reported it (the
    identity lists it), else typed in this copy."""
    ind = row.indicator
    locked = parse_bases(out.raw.identity.get("bases", "")).get(ind.seq)
    if locked is not None:
        if not _same_number(found, locked):
            add(
                "locked.changed",
                "error",
                f"序号 {ind.seq} 的“年初基数”被改动：应为 {locked:g}，实际为“{cell_text(found)}”。",
                "年初基数以市局确认的为准，已按原数计算；如确有错误，请在备注中说明。",
                cell=cell,
                seq=ind.seq,
                found=cell_text(found),
            )
        return locked
    parsed = parse_value(found, ind.measure, ind.unit, _format(out.raw, cell))
    if parsed.value is None:
        if parsed.ok and rec.value is None:
            return None  # nothing reported for this row yet
        add(
            "value.base_missing" if parsed.ok else parsed.code,
            "error",
            f"序号 {ind.seq}（{ind.name}）的年初基数"
            + ("未填写，无法按序时进度判断。" if parsed.ok else f"：{parsed.note}"),
            f"请填写1月1日（年初）的总数（单位：{ind.unit}），全年只填一次。",
            cell=cell,
            seq=ind.seq,
            found=cell_text(found),
        )
        return None
    return float(parsed.value)


def _fix_hint(kind: str, unit: str) -> str:
    return {
        "count": f"请填写整数（单位：{unit}），不带单位和文字。",
        "stock": f"请填写期末总数，整数（单位：{unit}），不带单位和文字。",
        "amount": f"请填写数值（单位：{unit}），不带单位和文字。",
        "rate": "请输入带 % 号的比率，如 85%，单元格应显示 85.0%。",
        "coverage": "请输入带 % 号的累计比例，如 12.5%，单元格应显示 12.5%。",
        "time_limit": f"请填写数值（单位：{unit}）。",
        "change": "请输入带 % 号的变化幅度，下降为负数，如 -12.5%。",
        "qualitative": "请从下拉列表选择：未启动、推进中、已完成。",
    }[kind]


def is_candidate(path: Path) -> bool:
    """Whether a file in the returns folder should be looked at (temporary lock files are not)."""
    name = path.name
    return not (name.startswith(("~$", ".~lock", ".~")) or name in ("Thumbs.db", ".DS_Store"))


def find_files(folder: Path) -> list[Path]:
    """Every file below ``folder``, sorted, excluding office lock files."""
    out = []
    for dirpath, _dirs, files in os.walk(folder):
        for f in files:
            p = Path(dirpath) / f
            if p.is_file() and is_candidate(p):
                out.append(p)
    return sorted(out)
