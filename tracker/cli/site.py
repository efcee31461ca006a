"""`tracker site build|serve`: generate the site's pages and run MkDocs."""

from __future__ import annotations

from pathlib import Path

import typer

from tracker.cli.common import JsonOption, RootOption, resolve_root, verb, verb_group
from tracker.cli.output import console, print_json, print_notes
from tracker.site import build_site, serve_site

SCHEMA = 1

HELP = (
    "The published site: paper, member and reproduction pages, meeting notes, "
    "agenda.\n\nExample: tracker site build"
)
BUILD_HELP = (
    "Generate the pages under docs/ from the catalog, vendor KaTeX (no CDN), and run "
    "`mkdocs build` into site/. Strict by default: any MkDocs warning fails the build."
)
SERVE_HELP = "Generate the pages and serve the site locally with live reload (drafts shown)."


def register(app: typer.Typer) -> None:
    site = verb_group(app, "site", HELP)

    @verb(site, "build", BUILD_HELP, "Example: tracker site build --site-dir public")
    def build_command(
        strict: bool = typer.Option(
            True, "--strict/--no-strict", help="Fail on MkDocs warnings (broken links, ...)."
        ),
        site_dir: Path = typer.Option(None, "--site-dir", help="Where to write (default site/)."),
        as_json: bool = JsonOption,
        root: Path = RootOption,
    ) -> None:
        with console.status("building the site ...", spinner="dots"):
            result = build_site(resolve_root(root), strict=strict, site_dir=site_dir)
        generated = result.generated
        if as_json:
            print_json(
                {
                    "schema": SCHEMA,
                    "site_dir": str(result.site_dir),
                    "seconds": round(result.seconds, 2),
                    "pages_written": len(generated.written),
                    "pages_unchanged": len(generated.unchanged),
                    "pages_removed": generated.removed,
                    "warnings": result.warnings + generated.warnings,
                }
            )
            return
        print_notes(generated.warnings + result.warnings)
        console.print(
            f"built {result.site_dir} in {result.seconds:.1f} s: "
            f"{len(generated.written)} page(s) written, {len(generated.unchanged)} unchanged, "
            f"{len(generated.removed)} removed",
            markup=False,
        )

    @verb(site, "serve", SERVE_HELP, "Example: tracker site serve --address 127.0.0.1:8001")
    def serve_command(
        address: str = typer.Option("127.0.0.1:8000", "--address", help="host:port to serve on."),
        root: Path = RootOption,
    ) -> None:
        raise typer.Exit(serve_site(resolve_root(root), address=address))
