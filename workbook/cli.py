"""The shishi command line: each command parses its arguments, calls the library, renders."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from workbook.errors import ShishiError


class _Group(click.Group):
    """Turns library errors into readable Chinese messages (exit 1), not stack traces."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except ShishiError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=_Group)
@click.version_option(package_name="shishi")
def main() -> None:
    """shishi: 十件实事 catalogue, district templates and consolidation."""


@main.group("catalogue", cls=_Group)
def catalogue_group() -> None:
    """Check, export and import the indicator catalogue."""


@catalogue_group.command("check")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def catalogue_check(file: Path | None, as_json: bool) -> None:
    """Check FILE (default: the bundled 2024 catalogue). Exit 0 without errors, 1 with errors."""
    from workbook import lint

    report = lint.check_file(file)
    if as_json:
        out = {
            "valid": report.valid,
            "errors": len(report.errors),
            "warnings": len(report.warnings),
            "problems": [p.as_dict() for p in report.problems],
        }
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        click.echo(lint.render_text(report))
    sys.exit(int(not report.valid))


@catalogue_group.command("export")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), required=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output file (csv goes to stdout when absent).",
)
@click.option(
    "--catalogue",
    "cat_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Catalogue JSON (default: bundled 2024).",
)
def catalogue_export(fmt: str, output: Path | None, cat_path: Path | None) -> None:
    """Export the catalogue in the layout of the decomposition table."""
    from workbook import catalogue, tablefile

    cat = catalogue.load(cat_path)
    if fmt == "csv":
        if output is None:
            sys.stdout.write(tablefile.export_csv(cat))
            return
        tablefile.write_csv(cat, output)
    else:
        if output is None:
            raise click.UsageError("xlsx 导出须用 -o 指定输出文件。")
        tablefile.write_xlsx(cat, output)
    click.echo(f"已导出：{output}")


@catalogue_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def catalogue_import(file: Path, output: Path) -> None:
    """Read a decomposition table (.xlsx, export layout) into a catalogue JSON, then check it."""
    from workbook import catalogue, lint, tablefile
    from workbook.xlsxio import atomic_write

    data = tablefile.import_xlsx(file)
    report = lint.check_data(data, file=str(file))
    click.echo(lint.render_text(report))
    if not report.valid:
        sys.exit(1)
    text = catalogue.from_dict(data).to_json()
    atomic_write(output, lambda p: p.write_text(text, encoding="utf-8"))
    click.echo(f"已写入目录：{output}")


def _period(value: str) -> object:
    from workbook.period import parse_period

    try:
        return parse_period(value)
    except ShishiError as exc:
        raise click.BadParameter(str(exc)) from exc


@main.command("generate")
@click.option("--period", required=True, help="Period: 2024Q2, 2024-Q2 or 2024-05.")
@click.option("--unit", "units", multiple=True, help="Only this unit (repeatable). Default: all.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: dist/<period>/).",
)
@click.option("--catalogue", "cat_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--settings", "settings_path", type=click.Path(dir_okay=False, path_type=Path))
def generate_cmd(
    period: str,
    units: tuple[str, ...],
    out_dir: Path | None,
    cat_path: Path | None,
    settings_path: Path | None,
) -> None:
    """Write one template per unit for PERIOD."""
    from workbook import catalogue, template
    from workbook.settings import load_settings

    p = _period(period)
    cat = catalogue.load(cat_path)
    out = out_dir or Path("dist") / p.code  # type: ignore[attr-defined]
    paths = template.generate(cat, p, out, units or None, load_settings(settings_path))  # type: ignore[arg-type]
    for path in paths:
        click.echo(str(path))
    click.echo(f"已生成 {len(paths)} 个填报模板：{out}")


@main.command("consolidate")
@click.argument("returns_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--period", required=True, help="Period being consolidated, e.g. 2024Q2.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The summary workbook to write (.xlsx).",
)
@click.option(
    "--json",
    "json_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the machine-readable report.",
)
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the long-form values (UTF-8 with BOM).",
)
@click.option(
    "--feedback-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write <单位>_退回修改.xlsx (default: 退回修改/ beside the summary).",
)
@click.option("--catalogue", "cat_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--settings", "settings_path", type=click.Path(dir_okay=False, path_type=Path))
def consolidate_cmd(
    returns_dir: Path,
    period: str,
    output: Path,
    json_path: Path | None,
    csv_path: Path | None,
    feedback_dir: Path | None,
    cat_path: Path | None,
    settings_path: Path | None,
) -> None:
    """Consolidate every return in RETURNS_DIR into the city summary for PERIOD."""
    from workbook import catalogue, summary
    from workbook.consolidate import consolidate
    from workbook.settings import load_settings

    p = _period(period)
    result = consolidate(
        returns_dir,
        catalogue.load(cat_path),
        p,  # type: ignore[arg-type]
        load_settings(settings_path),
    )
    summary.write_summary(result, output)
    if json_path:
        summary.write_json(result, json_path)
    if csv_path:
        summary.write_csv(result, csv_path)
    feedback = summary.write_feedback(result, feedback_dir or output.parent / "退回修改")
    click.echo(render_outcome(result, output, feedback))


def render_outcome(result: object, output: Path, feedback: list[Path]) -> str:
    """The few lines a city-office user reads after a consolidation."""
    from workbook.consolidate import ACCEPTED, Consolidation

    assert isinstance(result, Consolidation)
    accepted = sorted({s.unit for s in result.submissions if s.status == ACCEPTED})
    errors = sum(p.severity == "error" for p in result.problems)
    lines = [
        f"期次：{result.period.label}；找到文件 {len(result.submissions)} 个，"
        f"采用 {len(accepted)} 个单位：{'、'.join(accepted) or '无'}",
        f"未报送：{'、'.join(result.missing_units) or '无'}",
        f"问题：{len(result.problems)} 个（错误 {errors} 个）；滞后事项 {len(result.lagging())} 项",
        f"汇总表：{output}",
    ]
    if feedback:
        lines.append(f"退回修改清单 {len(feedback)} 份：{feedback[0].parent}")
    return "\n".join(lines)


@main.command("demo")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("dist/demo"),
    show_default=True,
)
@click.option("--period", default="2024Q2", show_default=True)
def demo_cmd(out_dir: Path, period: str) -> None:
    """Generate templates, fill sample returns, consolidate, and say where the summary is."""
    from workbook import catalogue
    from workbook.demo import run_demo

    p = _period(period)
    res = run_demo(catalogue.load(), p, out_dir)  # type: ignore[arg-type]
    click.echo(f"模板：{len(res.templates)} 个，在 {res.templates[0].parent}")
    click.echo(f"回收文件夹（模拟）：{res.returns_dir}")
    click.echo(render_outcome(res.consolidation, res.summary, res.feedback))
    click.echo(f"JSON 报告：{res.report_json}")
    click.echo(f"明细 CSV：{res.values_csv}")
