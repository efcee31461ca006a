"""`tracker export`: the reading list as BibTeX."""

from __future__ import annotations

from pathlib import Path

import typer

from tracker import store
from tracker.cli.common import RootOption, resolve_root
from tracker.cli.output import console, handle_errors
from tracker.library import filter_papers, to_bibtex


def register(app: typer.Typer) -> None:
    @app.command(
        "export",
        help="Export papers as BibTeX (all, or filtered), to stdout or a file.",
        epilog="Example: tracker export --status presented -o presented.bib",
    )
    @handle_errors
    def export(
        output: Path = typer.Option(
            None, "--output", "-o", help="Write to this file instead of stdout."
        ),
        status: str = typer.Option(None, help="Only papers with this status."),
        topic: str = typer.Option(None, help="Only papers with this topic."),
        root: Path = RootOption,
    ) -> None:
        papers = filter_papers(
            store.load_papers_strict(resolve_root(root)), status=status, topic=topic
        )
        text = to_bibtex(papers)
        if output:
            store.atomic_write_text(output, text)
            console.print(f"wrote {len(papers)} entries to {output}", markup=False)
        else:
            typer.echo(text, nl=False)
