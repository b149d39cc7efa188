"""The `disclosure` command line."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from disclosure import db_cmd, registry_cmd
from disclosure.check_cmd import check_cmd, flags_app, ingest_cmd
from disclosure.context import console, settings
from disclosure.crawl_cmd import crawl_cmd, reports_cmd
from disclosure.demo_cmd import demo_cmd
from disclosure.parse_cmd import parse_cmd
from disclosure.pending import register

app = typer.Typer(
    name="disclosure",
    help="Monitor Chinese government bodies' annual government-information-disclosure reports "
    "(政府信息公开工作年度报告): harvest, parse, flag, tell.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db_cmd.app, name="db")
app.add_typer(registry_cmd.app, name="registry")
app.command("demo")(demo_cmd)
app.command("parse")(parse_cmd)
app.command("crawl")(crawl_cmd)
app.command("reports")(reports_cmd)
app.command("check")(check_cmd)
app.command("ingest")(ingest_cmd)
app.add_typer(flags_app, name="flags")


@app.command("config")
def config_cmd(
    as_json: bool = typer.Option(False, "--json", help='Print {variable: {"value": ..., "origin": ...}} as JSON'),
) -> None:
    """Show the effective configuration (secrets masked) and where each value comes from."""
    rows = settings().describe()
    if as_json:
        typer.echo(
            json.dumps({k: {"value": v, "origin": o} for k, (v, o) in rows.items()}, ensure_ascii=False, indent=2)
        )
        return
    # Never "…": names stay whole, values fold (paths and URLs have no spaces to wrap at), origins wrap.
    table = Table(title="Effective configuration")
    table.add_column("variable", no_wrap=True, min_width=max(map(len, rows)))
    table.add_column("value", overflow="fold", ratio=1)
    table.add_column("from", overflow="fold", max_width=16)
    for name, (value, origin) in rows.items():
        table.add_row(name, "" if value is None else str(value), origin)
    console.print(table)


register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
