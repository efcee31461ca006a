"""What several commands share: the --root and --json options, registering a verb, and loading
the catalog a command cannot work on while files are broken."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer

from tracker import store
from tracker.cli.output import handle_errors, print_notes
from tracker.errors import DataError

if TYPE_CHECKING:
    from tracker.catalog import Catalog

F = TypeVar("F", bound=Callable[..., Any])

RootOption = typer.Option(
    None,
    "--root",
    help="The team repository (holding papers/team.yaml). Default: $TRACKER_ROOT or the nearest parent.",
    show_default=False,
)
JsonOption = typer.Option(False, "--json", help="Print JSON (with a schema version) for scripts.")


def flag(*names: str, help: str) -> Any:
    """An on/off option, off unless given: `apply: bool = flag("--apply", help="...")`."""
    return typer.Option(False, *names, help=help)


def resolve_root(root: Path | None) -> Path:
    return Path(root).resolve() if root else store.find_root()


def verb(app: typer.Typer, name: str, help: str, epilog: str, **settings: Any) -> Callable[[F], F]:
    """Register a command `name` on `app` with its help and example (`epilog`); a TrackerError
    it raises becomes a one-line message and its exit code (see `handle_errors`)."""

    def register_command(func: F) -> F:
        guarded = handle_errors(func)
        app.command(name, help=help, epilog=epilog, **settings)(guarded)
        return guarded

    return register_command


def verb_group(app: typer.Typer, name: str, help: str) -> typer.Typer:
    """A verb with subcommands (`tracker papers list`); bare, it prints its help."""
    group = typer.Typer(help=help, no_args_is_help=True)
    app.add_typer(group, name=name)
    return group


def lenient_catalog(root: Path) -> Catalog:
    """The catalog; each broken file is a warning on stderr and the command goes on without it."""
    from tracker.catalog import load_catalog

    catalog = load_catalog(root)
    print_notes(catalog.errors)
    return catalog


def strict_catalog(root: Path, refusal: str) -> Catalog:
    """The catalog, or a DataError listing the broken files when there are any: commands that
    write a plan for the whole team (assign, schedule) must not plan around missing papers."""
    from tracker.catalog import load_catalog

    catalog = load_catalog(root)
    if catalog.errors:
        raise DataError.listing(
            refusal, catalog.errors, fix="fix the files named above (see `tracker doctor`)"
        )
    return catalog
