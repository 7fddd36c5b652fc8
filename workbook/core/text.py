"""Text as every output can hold it, and file names as a person can read them.

A district's text reaches the summary, the feedback workbooks, the CSV, the JSON and the 通报.
Pasted from Word it can carry control characters (Word's soft line break is a vertical tab)
that an XML part (the .docx above all) refuses and a CSV passes on raw; a file name that is not
valid UTF-8 (a GBK-named zip attachment extracted on Linux) reaches Python as lone surrogates
that no UTF-8 output can encode. ``printable`` is applied by every writer (excel.writer,
outputs.data, outputs.bulletin); ``readable_name`` where a file's name is first recorded
(returns.identify).
"""

from __future__ import annotations

import re

# line breaks in disguise: vertical tab (Word's Shift+Enter), form feed, Unicode separators
_BREAKS = re.compile("[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# what no output should carry: other C0 controls (tab, newline, CR are kept), DEL, C1
# controls, noncharacters, and lone surrogates
_UNSAFE = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f\x80-\x84\x86-\x9f\ufffe\uffff\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` with disguised line breaks made newlines and every other control character,
    noncharacter or lone surrogate removed; any other text (emoji, CJK, 32,000 characters)
    is left as it is."""
    if text.isprintable():  # the common case, at C speed
        return text
    return _UNSAFE.sub("", _BREAKS.sub("\n", text))


def visible(text: str) -> str:
    """``text`` for a message quoting a cell: line breaks shown as ↵, so "8↵12" reads as what
    the cell holds, not as one number."""
    return printable(text).replace("\r\n", "↵").replace("\n", "↵").replace("\r", "↵")


def readable_name(name: str) -> str:
    """A file name as a person reads it. A name the OS gave as bytes that are not UTF-8
    arrives with surrogates: read as GBK (what Chinese Windows zips carry) when it decodes,
    else with each undecodable byte shown as ``\\xNN``."""
    if not _has_surrogates(name):
        return name
    return "/".join(_readable_part(part) for part in name.split("/"))


def _readable_part(part: str) -> str:
    """One path component (a folder can be UTF-8 and the file in it GBK)."""
    if not _has_surrogates(part):
        return part
    raw = part.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("gbk")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace")


def _has_surrogates(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
