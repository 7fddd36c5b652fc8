"""Drive headless LibreOffice as a person would: open a workbook, type into cells, save.

Run with the system Python that has python3-uno (/usr/bin/python3), not the project venv:

    /usr/bin/python3 tests/lo/fill.py JOB.json

JOB.json: {"jobs": [{"src": ..., "dst": ..., "filter": "Calc MS Excel 2007 XML",
                     "sheet": "填报表", "type": {"I5": "12", ...}, "text": {"M5": "..."}}]}
``edits``: a list of {"sheet", "unprotect": password, "insert_columns": ["Q"], "insert_rows": [5], "unmerge": [..],
"merge": ["F12:Q12"], "type": {..}, "text": {..}, "rename": "Sheet1"}, applied in that order
before the rest; {"sheet", "remove": true} deletes that sheet.
``type`` goes through setFormula, which parses input the way typing into the cell does
(numbers, 80% as 0.8, 1/2 as a date); ``text`` is set as a plain string. With no sheet and no
cells, a job only converts (e.g. to "calc8" for .ods or "MS Excel 97" for .xls).
Prints one JSON line per job: {"dst": ..., "protected": bool}.
"""

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException
from com.sun.star.lang import Locale


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def url(path):
    return uno.systemPathToFileUrl(os.path.abspath(path))


def _column_index(letters):
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _edit(doc, sheet, edit):
    """Edits a person makes: insert columns/rows, unmerge, merge, type, text.

    ``type`` here also does what typing does in the GUI and setFormula does not: "80%" gives
    the cell a percent format (LibreOffice, Excel and WPS all recognise it so).
    """
    if "unprotect" in edit:  # a clerk who knows the password (or was told it)
        sheet.unprotect(edit["unprotect"])
    for letters in edit.get("insert_columns", []):
        sheet.Columns.insertByIndex(_column_index(letters), 1)
    for row in edit.get("insert_rows", []):
        sheet.Rows.insertByIndex(row - 1, 1)
    for rng in edit.get("unmerge", []):
        sheet.getCellRangeByName(rng).merge(False)
    for rng in edit.get("merge", []):
        sheet.getCellRangeByName(rng).merge(True)
    for addr, value in edit.get("type", {}).items():
        cell = sheet.getCellRangeByName(addr)
        cell.setFormula(value)
        if value.strip().endswith("%"):
            percent = 128  # com.sun.star.util.NumberFormat.PERCENT
            cell.NumberFormat = doc.NumberFormats.getStandardFormat(percent, Locale())
    for addr, value in edit.get("text", {}).items():
        sheet.getCellRangeByName(addr).setString(value)
    if edit.get("rename"):
        sheet.setName(edit["rename"])


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    profile = tempfile.mkdtemp(prefix="shishi-lo-")
    pipe = f"shishi{os.getpid()}"
    proc = subprocess.Popen(
        [
            "soffice",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            f"-env:UserInstallation={url(profile)}",
            f"--accept=pipe,name={pipe};urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    ctx = None
    for _ in range(240):
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except NoConnectException:
            time.sleep(0.25)
    if ctx is None:
        proc.kill()
        raise SystemExit("LibreOffice did not start")
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    try:
        for job in spec["jobs"]:
            doc = desktop.loadComponentFromURL(
                url(job["src"]), "_blank", 0, (prop("Hidden", True),)
            )
            protected = None
            for edit in job.get("edits", []):
                if edit.get("remove"):  # the sheet deleted (right-click, 删除工作表)
                    doc.Sheets.removeByName(edit["sheet"])
                    continue
                _edit(doc, doc.Sheets.getByName(edit["sheet"]), edit)
            if job.get("sheet"):
                sheet = doc.Sheets.getByName(job["sheet"])
                for addr, value in job.get("type", {}).items():
                    sheet.getCellRangeByName(addr).setFormula(value)
                for addr, value in job.get("text", {}).items():
                    sheet.getCellRangeByName(addr).setString(value)
                protected = bool(sheet.isProtected())
            os.makedirs(os.path.dirname(os.path.abspath(job["dst"])), exist_ok=True)
            doc.storeToURL(
                url(job["dst"]), (prop("FilterName", job.get("filter", "Calc MS Excel 2007 XML")),)
            )
            doc.close(True)
            print(json.dumps({"dst": job["dst"], "protected": protected}, ensure_ascii=False))
    finally:
        with contextlib.suppress(Exception):
            desktop.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
