"""The parts of an .xlsx package as text, read by namespace rather than by prefix.

Excel, WPS, LibreOffice and openpyxl write SpreadsheetML with the main namespace as the
default (``<worksheet xmlns="…/main"><c r="J5">``); .NET's Open XML SDK, Python's own
ElementTree and some reporting systems bind it to a prefix (``<x:worksheet
xmlns:x="…/main"><x:c r="J5">``). The same document, to any XML reader. The reader's fast
scans (formulas, protection, error cells, far cells, which part is which sheet) look for
plain tags, so a part is brought to the usual prefixes once, when it is read: the main and
package-relationship namespaces unprefixed, the document-relationship namespace as ``r:``.
"""

from __future__ import annotations

import re
import zipfile

# namespace → the prefix the scans expect ("" for the default namespace)
_WANTED = {
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main": "",
    "http://schemas.openxmlformats.org/package/2006/relationships": "",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships": "r",
}
_DECLARED = re.compile(r'xmlns:([A-Za-z_][\w.-]*)="([^"]+)"')
_HEAD = 4096  # namespaces are declared on the root element, at the start of the part


def unprefixed(xml: str) -> str:
    """``xml`` with the OOXML namespaces under the prefixes the scans expect; unchanged (the
    same object, no copy) when it already uses them, as every office suite writes it."""
    renames = [
        (prefix, _WANTED[uri], uri)
        for prefix, uri in _DECLARED.findall(xml[:_HEAD])
        if uri in _WANTED and prefix != _WANTED[uri]
    ]
    for prefix, wanted, uri in renames:
        p = re.escape(prefix)
        new = f"{wanted}:" if wanted else ""
        xml = re.sub(r"<(/?)" + p + r":", r"<\g<1>" + new, xml)
        if wanted:  # attributes in that namespace (r:id)
            xml = re.sub(r"(\s)" + p + r":([\w-]+=)", r"\g<1>" + new + r"\g<2>", xml)
        declared = f'xmlns:{wanted}="{uri}"' if wanted else f'xmlns="{uri}"'
        already = declared in xml[:_HEAD]  # both forms declared: keep one
        xml = xml.replace(f' xmlns:{prefix}="{uri}"', "" if already else f" {declared}", 1)
    return xml


def part_text(z: zipfile.ZipFile, part: str) -> str:
    """The part ``part`` of the package as text, its namespaces as the scans expect
    (``KeyError`` when the package has no such part)."""
    return unprefixed(z.read(part).decode("utf-8", "replace"))
