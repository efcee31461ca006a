"""The command reference (docs/dev/cli.md), generated from every command's --help.

Run `python -m tracker.cli.reference` to rewrite it; a test fails when it is out of date, so the
examples in the docs are the ones `--help` prints.
"""

from __future__ import annotations

import sys
from pathlib import Path

from typer.main import get_command

from tracker.atomic import atomic_write_text
from tracker.cli.main import app

WIDTH = 100
TARGET = Path(__file__).resolve().parents[2] / "docs" / "dev" / "cli.md"


def command_paths(*, hidden: bool = False) -> list[tuple[str, ...]]:
    """Every command and group, in the order `--help` lists them (with `hidden`, also those
    `--help` does not list)."""
    found: list[tuple[str, ...]] = []

    def walk(command: object, path: tuple[str, ...]) -> None:
        found.append(path)
        # typer vendors its own click: look for subcommands by attribute, not by class. The
        # root loads its verbs lazily, so ask each group for its commands rather than reading
        # its `commands` dict.
        if not hasattr(command, "list_commands"):
            return
        ctx = command.context_class(command)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if hidden or not getattr(sub, "hidden", False):
                walk(sub, (*path, name))

    walk(get_command(app), ())
    return found


def help_text(path: tuple[str, ...]) -> str:
    """What `tracker PATH --help` prints, at a fixed width."""
    command = get_command(app)
    # typer carries its own click: build contexts with the command's own class.
    ctx = command.context_class(
        command, info_name="tracker", terminal_width=WIDTH, max_content_width=WIDTH
    )
    for name in path:
        sub = command.get_command(ctx, name)
        ctx = sub.context_class(
            sub, info_name=name, parent=ctx, terminal_width=WIDTH, max_content_width=WIDTH
        )
        command = sub
    formatter = ctx.make_formatter()
    command.format_help(ctx, formatter)
    return formatter.getvalue().rstrip() + "\n"


def render() -> str:
    parts = [
        "# Command reference\n\n",
        "Generated from `tracker ... --help` by `python -m tracker.cli.reference`; do not edit.\n",
    ]
    for path in command_paths():
        title = " ".join(("tracker", *path))
        parts.append(f"\n## `{title}`\n\n```text\n{help_text(path)}```\n")
    return "".join(parts)


def main() -> None:
    text = render()
    if "--check" in sys.argv[1:]:
        current = TARGET.read_text(encoding="utf-8") if TARGET.is_file() else ""
        raise SystemExit(0 if current == text else 1)
    atomic_write_text(TARGET, text)
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
