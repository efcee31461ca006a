"""The `tracker` command: a thin layer that parses arguments, calls the library, and prints.

Each verb lives in its own module under `tracker/cli/` and exposes `register(app)`. Exit codes are
stable: 0 ok, 1 the data has a problem the user must fix (bad sheet, conflict), 2 usage error,
3 a remote (spreadsheet, registry) failed.
"""

from __future__ import annotations

import importlib

import typer

EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2
EXIT_REMOTE = 3

# Verb modules, in the order `tracker --help` lists them.
COMMAND_MODULES = [
    "init",
    "week",
    "sync",
    "papers",
    "add",
    "export",
    "assign",
    "agenda",
    "notes",
    "site",
    "dashboard",
    "repro",
    "data",
    "doctor",
]

app = typer.Typer(
    name="tracker",
    help=(
        "The reading group's weekly tool: sync the reading list, assign reading quotas, prepare "
        "the meeting, publish the site, and check reproductions.\n\n"
        "Example: tracker week"
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register_all() -> None:
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"tracker.cli.{name}")
        module.register(app)


_register_all()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
