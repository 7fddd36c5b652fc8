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
