"""Generate the parts of the docs that must not drift from the code and data.

    python scripts/gen_docs.py          # rewrite docs/cli.md, decisions.md, problems.md
    python scripts/gen_docs.py --check  # exit 1 when either is out of date (run by the tests)

docs/cli.md is pasted from each command's --help; docs/decisions.md lists the decisions taken
on the damaged rows of the seed, from the notes beside each row of the catalogue.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COMMANDS = [
    [],
    ["catalogue", "check"],
    ["catalogue", "export"],
    ["catalogue", "import"],
    ["generate"],
    ["consolidate"],
    ["demo"],
    ["city-workbook"],
    ["history"],
    ["ledger", "withdraw"],
    ["ledger", "restore"],
    ["ledger", "undo-run"],
]


def cli_md() -> str:
    from click.testing import CliRunner

    from workbook.cli.commands import main

    parts = [
        "# CLI reference",
        "",
        "Pasted from `--help` by `scripts/gen_docs.py`; a test fails when it drifts.",
        "",
        "Exit codes: **0** done; **1** problems found (`catalogue check` / `catalogue import`",
        "with errors); **2** cannot run as asked (a bad argument, a refused period, a file or",
        "folder that cannot be read or written, a ledger that is not a shishi ledger, a bad",
        "settings file or catalogue); **130** interrupted with Ctrl-C (nothing is written).",
        "Every message is one Chinese sentence; an unforeseen error is logged with its",
        "traceback to `shishi-errors.log` in the per-user data folder and reported in one line.",
        "click's own texts (usage, option headings, its errors) are translated by",
        "`workbook/cli/zh.py`.",
        "",
    ]
    runner = CliRunner()
    for cmd in COMMANDS:
        r = runner.invoke(main, [*cmd, "--help"], prog_name="shishi", terminal_width=100)
        if r.exit_code != 0:
            continue  # a command that does not exist (yet) is left out
        parts += [
            f"## shishi {' '.join(cmd)}".rstrip(),
            "",
            "```text",
            r.output.rstrip(),
            "```",
            "",
        ]
    return "\n".join(parts)


def decisions_md() -> str:
    from workbook.catalogue import check as lint
    from workbook.catalogue import model as catalogue

    cat = catalogue.load()
    lines = [
        "# Decisions on the seed's table (Attachment 11)",
        "",
        "The table was extracted from a PDF: cells come one per line, merged cells appear",
        "once and some empty cells vanish. Each decision below is also stored beside its row",
        "in `templates/catalogue_2024.json` (`notes`); this page is generated from there by",
        "`scripts/gen_docs.py`. No target was repaired: where the table is inconsistent the",
        "catalogue keeps what it says and `shishi catalogue check` reports it.",
        "",
        "| 序号 | 目标名称 | decision (Chinese, as stored) |",
        "|---|---|---|",
    ]
    for ind in cat.indicators:
        if ind.notes:
            text = "<br>".join(n.replace("|", "\\|") for n in ind.notes)
            lines.append(f"| {ind.seq} | {ind.name} | {text} |")
    lines += [
        "",
        "## What `shishi catalogue check` reports on the bundled catalogue",
        "",
        "```text",
        lint.render_text(lint.check_file()),
        "```",
        "",
    ]
    return "\n".join(lines)


def measures_table() -> str:
    """The table of measure kinds (workbook/core/measures.py) and which indicators use each."""
    from workbook.catalogue import model as catalogue
    from workbook.core.measures import MEASURES

    cat = catalogue.load()
    lines = [
        "| kind | 类型 | entered as | cell format | range | builds over the year | city figure | "
        "status rule | 序号 (2024) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for kind, m in MEASURES.items():
        seqs = [str(i.seq) for i in cat.indicators if i.measure == kind]
        entered = (
            "a percentage, e.g. 85% (stored 0.85)"
            if m.percent
            else "a choice from the list"
            if kind == "qualitative"
            else ("a whole number" if m.integer else "a number")
            + (", plus 年初基数 once" if m.base else "")
        )
        unit = "%" if m.percent else ""
        rng = "" if kind == "qualitative" else f"{m.lo:g}{unit} … {m.hi:g}{unit}"
        city = (
            "sum of the units (未报齐 while some are missing)"
            if m.additive
            else "every unit meets its own target; shown: the worst unit"
        )
        fmt = m.number_format.replace("|", "\\|")
        lines.append(
            f"| {kind} | {m.label} | {entered} | `{fmt}` | {rng} | "
            f"{'yes' if m.cumulative else 'no'} | {city} | {m.rule} | {', '.join(seqs)} |"
        )
    return "\n".join(lines)


def consolidation_md() -> str:
    """docs/consolidation.md with its generated block of measure kinds brought up to date."""
    path = ROOT / "docs" / "consolidation.md"
    text = path.read_text(encoding="utf-8")
    start, end = "<!-- measures:start -->", "<!-- measures:end -->"
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{measures_table()}\n{end}{tail}"


def problems_md() -> str:
    """docs/problems.md: every problem code, from workbook/core/problems.py."""
    from workbook.core.problems import markdown_table

    return "\n".join(
        [
            "# Problem codes",
            "",
            "Every problem shishi reports carries one of these codes (in the JSON report, the CSV,",
            "the summary's 问题清单 and the feedback workbooks). The table is generated from",
            "`workbook/core/problems.py` by `scripts/gen_docs.py`; a test fails when it drifts, when a",
            "code is used in the source without being declared there, or declared and never used.",
            "A problem made with an undeclared code or another severity than declared is refused",
            "when it is made. The codes are stable: a code is never reused for another meaning.",
            "",
            markdown_table(),
        ]
    )


def main() -> int:
    targets = {
        ROOT / "docs" / "problems.md": problems_md(),
        ROOT / "docs" / "cli.md": cli_md(),
        ROOT / "docs" / "decisions.md": decisions_md(),
        ROOT / "docs" / "consolidation.md": consolidation_md(),
    }
    if "--check" in sys.argv:
        stale = [
            str(p)
            for p, text in targets.items()
            if not p.exists() or p.read_text(encoding="utf-8") != text
        ]
        if stale:
            print("out of date (run python scripts/gen_docs.py):", *stale)
            return 1
        return 0
    for p, text in targets.items():
        p.write_text(text, encoding="utf-8")
        print("written", p)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
