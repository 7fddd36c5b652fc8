"""Prove that a refactoring changed no behaviour: the same frozen returns, run through the
``shishi`` command of two trees, give the same outputs.

    python scripts/equivalence.py corpus CORPUS           # once, with the *old* tree
    python scripts/equivalence.py snapshot CORPUS OUT     # with each tree
    python scripts/equivalence.py compare OUT_A OUT_B     # exit 1 on any difference

The corpus is built once (so both trees read the very same bytes): two quarters of sample
returns for every unit (one unit missing, one correction), the demo's returns with their
mistakes, and one file per known failure of tests/failures.py. A snapshot drives only the
command line (stable across layouts): generate, consolidate Q1 and Q2 into one ledger (with
JSON, CSV, summary, feedback, 通报), consolidate the failure files, generate Q3 from the
ledger, ``history``. It dumps every workbook cell by cell (value, number format, locked),
every template part by part, the JSON, the CSV, the 通报's text and the ledger's rows, with
times and the output folder masked.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl

STAGED = re.compile(r"\.~shishi-[0-9a-f]{8}-")
ROOT = Path(__file__).resolve().parent.parent
TIME = re.compile(
    r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?|\d{4}年\d+月\d+日 ?\d\d:\d\d"
    r"|\d{8}T?\d{6}"
)


def shishi(*args: str | Path, home: Path) -> str:
    env = dict(os.environ, SHISHI_HOME=str(home), PYTHONHASHSEED="0")
    done = subprocess.run(
        [sys.executable, "-m", "workbook", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    return f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"


def build_corpus(corpus: Path) -> None:
    """Frozen returns for the snapshot (run once, with the old tree)."""
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    import failures  # tests/failures.py

    from shishi_demo.samples import fill_return, sample_values

    if corpus.exists():
        shutil.rmtree(corpus)
    home = corpus / "home"
    print(shishi("demo", "--out", corpus / "demo", home=home))
    cat = _catalogue()
    for code, seed in (("2024Q1", 1), ("2024Q2", 2)):
        tpl = corpus / "tpl" / code
        print(shishi("generate", "--period", code, "--out", tpl, "--ledger", home / "x", home=home))
        for k, unit in enumerate(cat.unit_ids):
            if unit == "洋山" and code == "2024Q1":
                continue
            (path,) = tpl.glob(f"*_{unit}_*.xlsx")
            values = sample_values(cat, unit, _period(code), seed=seed)
            out = corpus / "returns" / code / f"{unit}.xlsx"
            fill_return(path, out, values)
            os.utime(out, (1_700_000_000 + k * 60, 1_700_000_000 + k * 60))
        if code == "2024Q2":  # a correction, newer than the first file
            first = corpus / "returns" / code / "定海.xlsx"
            fixed = corpus / "returns" / code / "定海_更正.xlsx"
            (path,) = tpl.glob("*_定海_*.xlsx")
            fill_return(path, fixed, {**sample_values(cat, "定海", _period(code), seed=9)})
            os.utime(fixed, (first.stat().st_mtime + 600,) * 2)
    _failures(failures, corpus)


def _failures(failures, corpus: Path) -> None:
    (tpl,) = (corpus / "tpl" / "2024Q2").glob("*_定海_*.xlsx")
    out = corpus / "failures"
    out.mkdir(parents=True)
    f = failures
    f.unprotected_target_changed(tpl, out / "target_changed.xlsx", 10)
    f.header_changed(tpl, out / "header_changed.xlsx")
    f.report_sheet_lost(tpl, out / "sheet_lost.xlsx")
    f.validation_bypassed(tpl, out / "validation.xlsx", 10, -5)
    f.formula_in_input(tpl, out / "formula.xlsx", 10)
    f.inserted_row(tpl, out / "inserted.xlsx", 10, {10: 3})
    f.deleted_row(tpl, out / "deleted.xlsx", 10)
    f.merged_input_cells(tpl, out / "merged.xlsx", 10, 11)
    f.identity_sheet_deleted(tpl, out / "no_identity.xlsx")
    f.not_a_template(out / "not_template.xlsx")
    f.truncated_xlsx(tpl, out / "truncated.xlsx")
    f.zip_bomb(out / "bomb.xlsx")
    f.entity_expansion(tpl, out / "entities.xlsx")
    f.date_in_number(tpl, out / "date.xlsx", 10)
    f.text_like_formula(tpl, out / "textformula.xlsx", 10, "=HYPERLINK(1)", "+cmd")
    for i, p in enumerate(sorted(out.iterdir())):
        os.utime(p, (1_700_000_000 + i, 1_700_000_000 + i))


def _catalogue():
    import importlib

    for name in ("workbook.catalogue.model", "workbook.catalogue"):
        try:
            return importlib.import_module(name).load()
        except (ImportError, AttributeError):
            continue
    raise ImportError("no catalogue module")


def _period(code: str):
    import importlib

    for name in ("workbook.core.period", "workbook.period"):
        try:
            return importlib.import_module(name).parse_period(code)
        except ImportError:
            continue
    raise ImportError("no period module")


def snapshot(corpus: Path, out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    home = out / "home"
    led = out / "ledger.sqlite3"
    log = []
    log.append(
        shishi(
            "generate", "--period", "2024Q1", "--out", out / "tpl_q1", "--ledger", led, home=home
        )
    )
    for code, folder in (
        ("2024Q1", corpus / "returns" / "2024Q1"),
        ("2024Q2", corpus / "returns" / "2024Q2"),
    ):
        log.append(_consolidate(folder, code, out / code, led, home))
    log.append(
        _consolidate(corpus / "demo" / "returns" / "2024Q2", "2024Q2", out / "demo", led, home)
    )
    log.append(_consolidate(corpus / "failures", "2024Q2", out / "failures", None, home))
    for bad in sorted((corpus / "failures").iterdir()):  # each file's own checks, one by one
        folder = out / "one" / bad.stem / "in"
        folder.mkdir(parents=True)
        shutil.copy2(bad, folder / bad.name)
        log.append(_consolidate(folder, "2024Q2", folder.parent, None, home))
    log.append(
        shishi(
            "generate", "--period", "2024Q3", "--out", out / "tpl_q3", "--ledger", led, home=home
        )
    )
    log.append(shishi("history", "--unit", "定海", "--ledger", led, home=home))
    dumps = {"log.txt": _mask("\n".join(log), out, corpus)}
    for p in sorted(out.rglob("*")):
        if (
            p.is_file()
            and p.suffix in {".xlsx", ".json", ".csv", ".docx"}
            and p.parent.name != "in"
        ):
            key = str(p.relative_to(out))
            dumps[key] = _mask(_dump(p), out, corpus)
    dumps["ledger.rows"] = _mask(_ledger(led), out, corpus)
    (out / "dump").mkdir()
    digests = {}
    for key, text in dumps.items():
        digests[key] = hashlib.sha256(text.encode()).hexdigest()
        (out / "dump" / (key.replace("/", "__") + ".txt")).write_text(text, encoding="utf-8")
    (out / "digests.json").write_text(json.dumps(digests, ensure_ascii=False, indent=1), "utf-8")
    print(f"{len(digests)} outputs dumped into {out / 'dump'}")


def _consolidate(folder: Path, code: str, out: Path, led: Path | None, home: Path) -> str:
    args: list[str | Path] = [
        "consolidate",
        folder,
        "--period",
        code,
        "-o",
        out / "汇总.xlsx",
        "--json",
        out / "report.json",
        "--csv",
        out / "values.csv",
        "--bulletin",
        out / "通报.docx",
    ]
    args += ["--ledger", led] if led else ["--no-ledger"]
    return shishi(*args, home=home)


def _dump(p: Path) -> str:
    if p.suffix == ".xlsx":
        return _dump_xlsx(p)
    if p.suffix == ".docx":
        with zipfile.ZipFile(p) as z:
            xml = z.read("word/document.xml").decode()
        return "\n".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml))
    return p.read_text(encoding="utf-8-sig")


def _dump_xlsx(p: Path) -> str:
    lines = []
    with zipfile.ZipFile(p) as z:  # every part, part by part (images and binaries by digest)
        for info in sorted(z.infolist(), key=lambda i: i.filename):
            data = z.read(info)
            text = (
                data.decode("utf-8", "replace")
                if info.filename.endswith((".xml", ".rels", ".vml"))
                else hashlib.sha256(data).hexdigest()
            )
            lines.append(f"== part {info.filename}\n{text}")
    wb = openpyxl.load_workbook(p)
    for ws in wb.worksheets:
        lines.append(f"== sheet {ws.title} {ws.sheet_state} protected={ws.protection.sheet}")
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None or not c.protection.locked:
                    lines.append(
                        f"{c.coordinate}\t{c.value!r}\t{c.number_format}\tlocked={c.protection.locked}"
                    )
    return "\n".join(lines)


def _ledger(led: Path) -> str:
    con = sqlite3.connect(led)
    out = []
    for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"):
        out.append(f"== {name}")
        out += [repr(r) for r in con.execute(f"SELECT * FROM {name} ORDER BY rowid")]
    con.close()
    return "\n".join(out)


def _mask(text: str, out: Path, corpus: Path) -> str:
    text = text.replace(str(out), "<OUT>").replace(str(corpus), "<CORPUS>")
    text = STAGED.sub(".~shishi-<RUN>-", text)  # the staging files' random names
    return TIME.sub("<TIME>", text)


def compare(a: Path, b: Path) -> int:
    da = json.loads((a / "digests.json").read_text("utf-8"))
    db = json.loads((b / "digests.json").read_text("utf-8"))
    differ = sorted(k for k in da.keys() | db.keys() if da.get(k) != db.get(k))
    for k in differ:
        print(f"differs: {k}")
    print(f"{len(da)} outputs compared, {len(differ)} differ")
    return 1 if differ else 0


def main() -> None:
    cmd, *args = sys.argv[1:]
    if cmd == "corpus":
        build_corpus(Path(args[0]).resolve())
    elif cmd == "snapshot":
        snapshot(Path(args[0]).resolve(), Path(args[1]).resolve())
    elif cmd == "compare":
        sys.exit(compare(Path(args[0]), Path(args[1])))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
