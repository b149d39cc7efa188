"""Commands of the CLI contract that later roadmap steps build; until then they say so and exit 2."""

from __future__ import annotations

import typer

from disclosure.context import err_console

# Contract commands not built yet: command -> (roadmap step, what it will do). Remove a line when built.
PENDING: dict[str, tuple[int, str]] = {
    "schedule": (5, "Run the scheduler: crawls, checks and weekly digests."),
    "digest": (5, "Render and e-mail the weekly digests."),
    "serve": (6, "Serve the dashboard for oversight bodies."),
    "worker": (7, "Run a Celery worker for scale-out crawling."),
}


def _make(name: str, step: int, summary: str) -> typer.models.CommandFunctionType:
    def command(ctx: typer.Context) -> None:
        err_console.print(
            f"`disclosure {name}` is not built yet: it arrives with roadmap step {step} of docs/architecture.md."
        )
        raise typer.Exit(2)

    command.__doc__ = f"{summary} Arrives with roadmap step {step}."
    return command


def register(app: typer.Typer) -> None:
    """Add a placeholder for every contract command not yet implemented."""
    for name, (step, summary) in PENDING.items():
        app.command(
            name,
            context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
            rich_help_panel="Not built yet",
        )(_make(name, step, summary))
