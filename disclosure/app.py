"""The `disclosure` command line."""

from __future__ import annotations

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
def config_cmd() -> None:
    """Show the effective configuration (secrets masked) and where each value comes from."""
    table = Table(title="Effective configuration")
    table.add_column("variable")
    table.add_column("value")
    table.add_column("from")
    for name, value, origin in settings().describe():
        table.add_row(name, value, origin)
    console.print(table)


register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
