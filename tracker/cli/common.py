"""Options shared by several commands."""

from __future__ import annotations

from pathlib import Path

import typer

from tracker import store

RootOption = typer.Option(
    None,
    "--root",
    help="The team repository (holding papers/team.yaml). Default: $TRACKER_ROOT or the nearest parent.",
    show_default=False,
)
JsonOption = typer.Option(False, "--json", help="Print JSON (with a schema version) for scripts.")


def resolve_root(root: Path | None) -> Path:
    return Path(root).resolve() if root else store.find_root()
