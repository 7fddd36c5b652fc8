"""Print a file through LibreOffice and measure its pages as a reader sees them.

``pdftotext -bbox`` gives every word's box; per page we report the median word height (in
points) and the pairs of words whose boxes overlap (text printed over text). Used by the tests
and runnable by hand:  python tests/print_check.py FILE.xlsx|FILE.docx
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

from lo_helpers import lo_convert

_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


@dataclass
class Page:
    number: int
    words: list[tuple[float, float, float, float, str]] = field(default_factory=list)
    width: float = 0.0  # points: A4 landscape 842, A3 landscape 1191
    height: float = 0.0

    @property
    def text(self) -> str:
        return " ".join(w[4] for w in self.words)

    @property
    def median_height(self) -> float:
        return statistics.median(w[3] - w[1] for w in self.words) if self.words else 0.0

    def overlaps(self, min_share: float = 0.25) -> list[tuple[str, str]]:
        """Pairs of words whose boxes share more than ``min_share`` of the smaller box."""
        out = []
        words = sorted(self.words, key=lambda w: w[1])
        for i, a in enumerate(words):
            for b in words[i + 1 :]:
                if b[1] >= a[3]:
                    break
                w = min(a[2], b[2]) - max(a[0], b[0])
                h = min(a[3], b[3]) - max(a[1], b[1])
                if w <= 0 or h <= 0:
                    continue
                smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
                if smaller > 0 and w * h / smaller > min_share:
                    out.append((a[4], b[4]))
        return out


def pages(pdf: Path) -> list[Page]:
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    out = []
    for k, chunk in enumerate(html.split("<page ")[1:], start=1):
        size = re.match(r'width="([\d.]+)" height="([\d.]+)"', chunk)
        page = Page(k, width=float(size.group(1)), height=float(size.group(2))) if size else Page(k)
        for m in _WORD.finditer(chunk):
            x0, y0, x1, y1 = (float(m.group(i)) for i in range(1, 5))
            page.words.append((x0, y0, x1, y1, unescape(m.group(5))))
        out.append(page)
    return out


def report(src: Path) -> list[Page]:
    """Print ``src`` (copied under an ASCII name: soffice mangles some paths) and measure."""
    with tempfile.TemporaryDirectory(prefix="shishi-print-") as name:
        tmp = Path(name)
        copy = tmp / ("doc" + src.suffix)
        copy.write_bytes(src.read_bytes())
        return pages(lo_convert(copy, tmp, "pdf", tmp))


if __name__ == "__main__":
    for name in sys.argv[1:]:
        for p in report(Path(name)):
            print(
                f"{name} p{p.number}: {len(p.words)} words, median height "
                f"{p.median_height:.1f} pt, overlaps {len(p.overlaps())}"
            )
