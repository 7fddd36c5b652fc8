"""A document laid out after GB/T 9704 (党政机关公文格式), for the 通报 and the 信息汇编: A4,
margins 37/35/28/26 mm, the title in 小标宋 二号 broken into lines that each fit, body in
仿宋 三号 at a fixed 28 pt line, first-level headings in 黑体, second-level in 楷体, page
numbers “— 1 —” at the foot, the issuer and date kept together at the end. The font names are
settings (``bulletin.fonts``).
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from workbook.core.text import printable

# where a title line may end: after a closing quote or bracket, 季度/年度, a bureau's name, 关于;
# or before 的通报 …
_TITLE_BREAKS = ("”", "》", "）", "季度", "年度", "局", "关于")
_BEFORE = ("的通报", "推进情况", "信息汇编")
_WIDE_PUNCTUATION = "“”‘’—…·"  # full width in a Chinese font


def em_width(text: str) -> float:
    """Width in ems of the title font: CJK, full-width characters and Chinese quotes 1, others ½."""
    return sum(1.0 if ord(ch) > 0x2E7F or ch in _WIDE_PUNCTUATION else 0.5 for ch in text)


def _cuts(text: str) -> list[int]:
    cuts = set()
    for mark in _TITLE_BREAKS:
        cuts |= {k + len(mark) for k in range(len(text)) if text.startswith(mark, k)}
    for mark in _BEFORE:
        cuts |= {k for k in range(1, len(text)) if text.startswith(mark, k)}
    return sorted(k for k in cuts if 0 < k < len(text))


def title_lines(text: str, max_em: float) -> list[str]:
    """``text`` as title lines each at most ``max_em`` wide: one line when it fits; else two,
    broken where a phrase ends (after ”, 季度, 局 …, before 的通报 …), the break that leaves the
    lines most even; else as many lines as needed, each ending where a phrase ends when that
    fills most of the line, else where the line is full."""
    if em_width(text) <= max_em:
        return [text]
    cuts = _cuts(text)
    two = [k for k in cuts if em_width(text[:k]) <= max_em and em_width(text[k:]) <= max_em]
    if two:
        k = min(two, key=lambda k: abs(em_width(text[:k]) - em_width(text[k:])))
        return [text[:k], text[k:]]
    lines, start = [], 0
    while em_width(text[start:]) > max_em:
        full = start + 1
        while em_width(text[start : full + 1]) <= max_em:
            full += 1
        phrase = [k for k in cuts if start < k <= full and em_width(text[start:k]) >= max_em * 0.6]
        end = phrase[-1] if phrase else full
        lines.append(text[start:end])
        start = end
    return [*lines, text[start:]]


def zh_date(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


class OfficialDoc:
    """A python-docx document with the official-document styles applied."""

    TEXT_WIDTH_PT = (210 - 28 - 26) / 25.4 * 72  # A4 less the side margins: 442 pt

    def __init__(self, fonts: dict[str, str]) -> None:
        self.fonts = fonts
        self.doc = Document()
        sec = self.doc.sections[0]
        sec.page_width, sec.page_height = Mm(210), Mm(297)
        sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
        sec.left_margin, sec.right_margin = Mm(28), Mm(26)
        self._page_numbers(sec)

    def _font(self, run: Any, name: str, size: float, bold: bool = False) -> None:
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.name = name
        rpr = run._element.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is None:
            rfonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(rfonts)
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            rfonts.set(qn(attr), name)

    def para(
        self,
        text: str,
        kind: str = "body",
        size: float = 16,
        align: str = "justify",
        indent: bool = True,
        bold: bool = False,
    ) -> Any:
        p = self.doc.add_paragraph()
        fmt = p.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(28 if size <= 16 else 36)
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.alignment = {
            "center": WD_ALIGN_PARAGRAPH.CENTER,
            "right": WD_ALIGN_PARAGRAPH.RIGHT,
            "left": WD_ALIGN_PARAGRAPH.LEFT,
            "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
        }[align]
        if indent:
            fmt.first_line_indent = Pt(size * 2)
        fmt.keep_with_next = kind in ("heading", "subheading", "title")
        self._font(p.add_run(printable(text)), self.fonts[kind], size, bold)
        return p

    def title(self, text: str, size: float = 22) -> None:
        """The title, centred, broken into lines that each fit (``title_lines``), so no line
        holds a word's last character alone."""
        for line in title_lines(text, self.TEXT_WIDTH_PT / size):
            self.para(line, "title", size, "center", indent=False)

    def signature(self, issuer: str, iso_date: str) -> None:
        """发文机关署名 and 成文日期 at the end, right-aligned four characters in (GB/T 9704),
        kept on one page with each other and with the last paragraph of the text."""
        last = self.doc.paragraphs[-1] if self.doc.paragraphs else None
        if last is not None:
            last.paragraph_format.keep_with_next = True
        self.para("", "body", 16, "left", indent=False).paragraph_format.keep_with_next = True
        self.para(
            issuer + "　" * 4, "body", 16, "right", indent=False
        ).paragraph_format.keep_with_next = True
        self.para(zh_date(iso_date) + "　" * 4, "body", 16, "right", indent=False)

    def picture(self, png: bytes, width_mm: float = 150) -> None:
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run().add_picture(io.BytesIO(png), width=Mm(width_mm))

    def table(self, head: list[str], rows: list[list[Any]], widths_mm: list[float]) -> None:
        """A table whose header row repeats on every page and stays with the paragraph
        before it and the first row (never stranded at the foot of a page); no row splits."""
        if self.doc.paragraphs:
            self.doc.paragraphs[-1].paragraph_format.keep_with_next = True
        t = self.doc.add_table(rows=1 + len(rows), cols=len(head))
        t.style = "Table Grid"
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        for r, row in enumerate(t.rows):
            tr_pr = row._tr.get_or_add_trPr()
            tr_pr.append(OxmlElement("w:cantSplit"))
            if r == 0:
                tr_pr.append(OxmlElement("w:tblHeader"))
        for r, values in enumerate([head, *rows]):
            for c, v in enumerate(values):
                cell = t.cell(r, c)
                cell.width = Mm(widths_mm[c])
                p = cell.paragraphs[0]
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                text = v if isinstance(v, str) else (f"{v:g}" if isinstance(v, float) else str(v))
                self._font(p.add_run(printable(text)), self.fonts["table"], 10.5, bold=r == 0)
                p.paragraph_format.keep_with_next = r == 0

    def _page_numbers(self, sec: Any) -> None:
        """“— 1 —” centred at the foot, a PAGE field that Word, WPS and LibreOffice update."""
        p = sec.footer.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._font(p.add_run("— "), "宋体", 14)
        run = p.add_run()
        self._font(run, "宋体", 14)
        for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
            if kind:
                el = OxmlElement("w:fldChar")
                el.set(qn("w:fldCharType"), kind)
            else:
                el = OxmlElement("w:instrText")
                el.set(qn("xml:space"), "preserve")
                el.text = text
            run._element.append(el)
        self._font(p.add_run(" —"), "宋体", 14)

    def save(self, path: Path) -> None:
        self.doc.save(str(path))


def cn_number(n: int) -> str:
    digits = "零一二三四五六七八九十"
    return digits[n] if n <= 10 else f"十{digits[n - 10]}" if n < 20 else str(n)
