"""Generate the parts of the docs that must not drift from the code and data.

    python scripts/gen_docs.py          # rewrite docs/cli.md, decisions.md, problems.md,
                                        # consolidation.md and catalogue.md (their
                                        # blocks), indicators.md
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
    ["ledger", "accept"],
    ["ledger", "backups"],
    ["ledger", "check"],
    ["ledger", "restore-backup"],
    ["ledger", "rebuild"],
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


def _city_rule(ind) -> str:  # noqa: ANN001 - a catalogue Indicator
    if ind.city_only:
        return "市局自报：全市值即市局报送的数"
    if ind.additive:
        return "各单位合计，对全市目标判断；没有单位滞后时全市不判滞后（最多推进中）"
    return "各单位均达到本单位目标为达到；全市值与完成率取完成本单位目标最差的单位"


def _judged(ind) -> str:  # noqa: ANN001 - a catalogue Indicator
    from workbook.core.measures import measure

    rule = measure(ind.measure).rule
    extra = []
    milestones = (ind.progress or {}).get("milestones")
    if milestones:
        steps = "、".join(
            f"{m}月末 {v * 100:g}%"
            for m, v in sorted(milestones.items(), key=lambda kv: int(kv[0]))
        )
        extra.append(f"序时进度按时间表：{steps}")
    if ind.single_item:
        extra.append("单项交付：年内未完成为推进中，年底未完成为滞后")
    return "；".join([rule, *extra])


def indicators_md() -> str:
    """docs/indicators.md: how each indicator is entered, judged and added up for the city."""
    from workbook.catalogue import model as catalogue
    from workbook.core.measures import KIND_ZH
    from workbook.core.settings import template_text

    cat = catalogue.load()
    prompts = template_text()["prompts"]
    lines = [
        "# Indicators: what each row asks, how it is judged, how the city row is made",
        "",
        "Generated by `scripts/gen_docs.py` from `templates/catalogue_2024.json` and",
        "`workbook/core/measures.py`; a test fails when it drifts. The rules that hold for every",
        "row:",
        "",
        "- **The city row never contradicts its units.** A summed row is 滞后 only when a unit",
        "  is 滞后; short of its pace with no unit lagging it is 推进中 (each unit may be under",
        "  one item short, the city adds those up) and its 说明 says so. The one exception is",
        "  the year end of a row whose unit targets add up to less than the city target",
        "  (序号56: 19 against 20): every unit done, the city still short, and the 说明 says",
        "  the gap is the table's own. A lagging unit is always named in the city row's 说明.",
        "- **Per-unit targets** (rates, limits, changes, coverages): the city row is met when",
        "  every unit meets its own target. Its figure and 完成率 are those of the unit",
        "  furthest from its own target (lowest 完成率; on a tie the unit whose target is the",
        "  city's), never a raw minimum set against the city target.",
        "- **完成率** is value ÷ target; target ÷ value for time limits. For a stock it is the",
        "  share of the required increase made, (value − base) ÷ (target − base), never below",
        "  0; when the start-of-year base already reaches the target there is no increase to",
        "  make and it is holding ÷ target. A change the wrong way is 0. It is printed to",
        "  0.1% and rounded down while under 100%, so 99.95% reads 99.9%, never 100.0% beside",
        "  滞后 (the template's formula does the same).",
        "- **无 (no cases)**: for rates, time limits and changes a unit may type 无 when nothing",
        "  of the kind happened in the period (no applications, no incidents in either year).",
        "  It is 无此类事项: not missing, not lagging, left out of the city's worst-unit figure",
        "  and of the unit's 晾晒 denominator. Counts and amounts take 0 instead.",
        "- **Time limits** are the year-to-date average: every case from 1 January to the",
        "  period end, because 平均压缩至7个工作日内 is a target for the year's average. Header,",
        "  prompt, 填报说明 and consolidation say the same.",
        "- **A percent typed without its sign** in LibreOffice (1 shown as 100%) is read as",
        "  shown, and questioned at its cell (`value.percent_unsigned`) when it is a whole",
        "  multiple of 100% and at least four times its target.",
        "",
        "| 序号 | 目标名称 | 类型 | 全市目标 | 填什么 | 判断 | 全市行 | 依据 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    esc = lambda t: str(t).replace("|", "\\|").replace("\n", "<br>")  # noqa: E731
    for ind in cat.indicators:
        what = prompts[ind.measure][1].format(unit=ind.measure_unit)
        reason = (ind.progress or {}).get("reason", "")
        cells = [
            ind.seq,
            ind.name,
            KIND_ZH[ind.measure],
            ind.city.text,
            what,
            _judged(ind),
            _city_rule(ind),
            reason,
        ]
        lines.append("| " + " | ".join(esc(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def _with_block(doc: str, name: str, body: str) -> str:
    """docs/``doc`` with the generated block between its ``name`` markers replaced by ``body``."""
    text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{body}\n{end}{tail}"


def consolidation_md() -> str:
    """docs/consolidation.md with its generated block of measure kinds brought up to date."""
    return _with_block("consolidation.md", "measures", measures_table())


def catalogue_md() -> str:
    """docs/catalogue.md with its generated table of bound and direction words."""
    from workbook.core.targetwords import WORD_ZH, WORDS

    rows = ["| meaning | 读作 | words |", "|---|---|---|"]
    rows += [f"| `{m}` | {WORD_ZH[m]} | {'、'.join(w)} |" for m, w in WORDS.items()]
    rows.append("| `at_most` | 日内、天内、小时内、分钟内 at the end of a time limit | 内 |")
    return _with_block("catalogue.md", "words", "\n".join(rows))


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
        ROOT / "docs" / "catalogue.md": catalogue_md(),
        ROOT / "docs" / "indicators.md": indicators_md(),
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
