"""Render the README pictures with LibreOffice: a template's first page, the summary overview.

    .venv/bin/python scripts/render_docs.py   (needs soffice and pdftoppm)

Writes docs/template_page1.png, template_page2.png, summary_overview.png and
bulletin_page1.png (the 通报) from a fresh demo run.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from shishi_demo.run import run_demo
from workbook.catalogue import model as catalogue
from workbook.core.period import parse_period

DOCS = Path(__file__).resolve().parent.parent / "docs"


def to_png(xlsx: Path, out_png: Path, work: Path, page: int) -> None:
    # an ASCII name (soffice mangles some paths), a new one for each picture: a PDF left by
    # the previous conversion is never read as this one's
    copy = work / (f"doc_{out_png.stem}" + xlsx.suffix)
    shutil.copy(xlsx, copy)
    xlsx = copy
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{work}/profile",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(xlsx),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    pdf = work / (xlsx.stem + ".pdf")
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "110",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(work / "page"),
        ],
        check=True,
    )
    shutil.copy(work / "page.png", out_png)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        res = run_demo(catalogue.load(), parse_period("2024Q2"), work / "demo")
        # 定海's accepted return (its folder also holds the evidence it sent, a .pdf)
        filled = Path(res.outcome.result.accepted["定海"].path)
        to_png(filled, DOCS / "template_page1.png", work, 1)
        to_png(filled, DOCS / "template_page2.png", work, 2)
        to_png(res.summary, DOCS / "summary_overview.png", work, 1)
        to_png(res.outcome.bulletin, DOCS / "bulletin_page1.png", work, 1)
    print(
        "written: docs/template_page1.png, docs/template_page2.png, docs/summary_overview.png, "
        "docs/bulletin_page1.png"
    )


if __name__ == "__main__":
    main()
