"""`disclosure parse FILE...`: parse report documents without storing them (JSON lines or a readable view)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from crawler.parsing.blocks import Problem
from crawler.parsing.cells import BLANK, DASH, NUMBER
from crawler.parsing.parser import ParsedReport, parse_document
from crawler.parsing.tables import TableResult
from crawler.parsing.templates import SECTION_KEYS, Template, section_defs, templates
from disclosure.context import console, err_console

TABLE_TITLES = {
    "active_disclosure": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "reviews_litigation": "四、政府信息公开行政复议、行政诉讼情况",
}


def _files(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file())
        else:
            yield path


def _parse(path: Path, year: int | None) -> ParsedReport:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return ParsedReport(file=str(path), state="unreadable", problems=[Problem("FILE_UNREADABLE", str(exc))])
    return parse_document(data, filename=str(path), year_hint=year)


def _cell_text(cell: dict[str, object] | None) -> Text:
    if cell is None:
        return Text("", style="dim")
    state, raw, value = cell["state"], str(cell["raw"]).strip(), cell["value"]
    if state == BLANK:
        return Text("·", style="red")  # blank: nothing written, unlike 0
    if state == DASH:
        return Text(raw, style="cyan")
    if state == NUMBER:
        shown = f"{value:g}" if isinstance(value, float) else str(value)
        return Text(shown if raw.replace(" ", "") == shown else f"{shown} ({raw})")
    return Text(raw, style="yellow")


def _grid(name: str, table: TableResult, template: Template) -> Table | Text:
    if not table.present:
        return Text(f"{TABLE_TITLES[name]}: absent", style="bold red")
    columns = template.columns(name)
    view = Table(title=TABLE_TITLES[name], title_justify="left", show_lines=False, pad_edge=False)
    view.add_column("row")
    for col in columns:
        view.add_column(col.label, justify="right")
    as_dict = table.as_dict()["cells"]
    assert isinstance(as_dict, dict)
    for row in template.rows(name):
        if row.group and row.key not in as_dict:
            continue
        cells = as_dict.get(row.key)
        label = row.display
        if cells is None:
            view.add_row(Text(label, style="dim"), *[Text("—", style="dim") for _ in columns])
            continue
        view.add_row(label, *[_cell_text(cells.get(col.key)) for col in columns])
    return view


def print_summary(report: ParsedReport) -> None:
    console.rule(f"[bold]{report.file}")
    console.print(
        f"state [bold]{report.state}[/]  format {report.format or '—'}  body [bold]{report.body or '—'}[/]  "
        f"year [bold]{report.year or '—'}[/]  template [bold]{report.template}[/]  "
        f"published {report.publish_date or '—'}"
        + (f" ({report.publish_date_source})" if report.publish_date_source else "")
    )
    if report.title:
        console.print(f"title: {report.title}")
    titles = {s.key: s.title for s in section_defs()}
    marks = []
    for key in SECTION_KEYS:
        text = report.sections.get(key)
        marks.append(f"[green]✓[/] {titles[key]}" if text is not None else f"[red]✗ {titles[key]}[/]")
    console.print("sections: " + "  ".join(marks))
    template = templates().get(report.template) or templates()["2019"]
    if report.format is not None:  # the document could be read at all
        for name, table in report.tables.items():
            console.print(_grid(name, table, template))
        console.print("[dim]· blank (nothing written)   0 zero   / dash   yellow: text where a number belongs[/]")
    if report.problems:
        console.print("[bold]problems[/]")
        for p in report.problems:
            where = f" [dim]{p.where}[/]" if p.where else ""
            console.print(f"  {p.code}{where}: {p.message}")


def parse_cmd(
    files: list[Path] = typer.Argument(..., help="Report files (HTML, DOCX, PDF, text; folders are walked)"),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per file, one per line"),
    year: int | None = typer.Option(None, "--year", help="Report year to assume when the document does not say"),
) -> None:
    """Parse report documents without storing them; a bad file gives a state and problems, never a crash.
    Exits 1 when a file could not be read (missing, a typo) or a folder held no file."""
    unread: list[str] = []
    for given in files:
        found = False
        for path in _files([given]):
            found = True
            report = _parse(path, year)
            if report.state == "unreadable":
                unread.append(str(path))
            if as_json:
                typer.echo(json.dumps(report.as_json(), ensure_ascii=False))
            else:
                print_summary(report)
        if not found:
            unread.append(f"{given} (a folder with no file in it)")
    if unread:
        err_console.print(f"[bold red]error:[/] could not read {len(unread)}: {', '.join(unread)}", soft_wrap=True)
        raise typer.Exit(1)
