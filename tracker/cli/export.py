"""`tracker export`: the reading list as BibTeX."""

from __future__ import annotations

from pathlib import Path

import typer

from tracker import store
from tracker.cli.common import RootOption, resolve_root, verb
from tracker.cli.output import console
from tracker.library import filter_papers, to_bibtex

HELP = "Export papers as BibTeX (all, or filtered), to stdout or a file."
EXAMPLE = "Example: tracker export --status presented -o presented.bib"


def register(app: typer.Typer) -> None:
    @verb(app, "export", HELP, EXAMPLE)
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
