"""`tracker papers list|show`: the reading list on a terminal or as JSON."""

from __future__ import annotations

from pathlib import Path

import typer

from tracker import store
from tracker.cli.common import JsonOption, RootOption, resolve_root
from tracker.cli.output import console, handle_errors, print_json, print_table
from tracker.errors import DataError, UsageError
from tracker.library import filter_papers
from tracker.models import Status

SCHEMA = 1


def register(app: typer.Typer) -> None:
    papers = typer.Typer(
        help="List, filter and show the papers of the reading list.\n\nExample: tracker papers list --status assigned",
        no_args_is_help=True,
    )
    app.add_typer(papers, name="papers")

    @papers.command(
        "list",
        help="List papers, optionally filtered; a table on a terminal, TSV when piped.",
        epilog="Example: tracker papers list --topic attention --reader jiwoo",
    )
    @handle_errors
    def list_papers(
        status: str = typer.Option(None, help=f"One of: {', '.join(s.value for s in Status)}."),
        topic: str = typer.Option(None, help="Papers with this topic."),
        reader: str = typer.Option(None, help="Papers this member reads or presents (handle)."),
        year: int = typer.Option(None, help="Papers of this year."),
        search: str = typer.Option(
            None,
            "--search",
            "-s",
            help="Text in the title, authors, topics or summary (Korean works).",
        ),
        as_json: bool = JsonOption,
        root: Path = RootOption,
    ) -> None:
        if status and status not in Status.__members__:
            raise UsageError(
                f"unknown status {status!r}", fix=f"use one of {', '.join(Status.__members__)}"
            )
        loaded = store.load_papers(resolve_root(root))
        for error in loaded.errors:
            console.print(f"warning: {error}", markup=False, style="yellow")
        rows = filter_papers(
            loaded.papers, status=status, topic=topic, reader=reader, year=year, search=search
        )
        if as_json:
            print_json({"schema": SCHEMA, "papers": [p.model_dump(mode="json") for p in rows]})
            return
        print_table(
            ["id", "title", "year", "status", "readers", "presenter"],
            [
                [p.id, _short(p.title), p.year, p.status.value, ", ".join(p.readers), p.presenter]
                for p in rows
            ],
            title=f"{len(rows)} paper(s)",
        )

    @papers.command(
        "show",
        help="Show one paper: its fields and the team's summary.",
        epilog="Example: tracker papers show 1810.04805",
    )
    @handle_errors
    def show_paper(
        paper_id: str = typer.Argument(..., help="The paper's id (an arXiv id or a slug)."),
        as_json: bool = JsonOption,
        root: Path = RootOption,
    ) -> None:
        root_path = resolve_root(root)
        path = store.paper_path(root_path, paper_id)
        if not path.is_file():
            ids = [p.stem for p in store.paper_files(root_path)]
            close = [i for i in ids if paper_id.lower() in i][:5]
            hint = f"did you mean: {', '.join(close)}" if close else "see `tracker papers list`"
            raise DataError(f"no paper {paper_id!r} in papers/", fix=hint)
        paper = store.read_paper(path)
        if as_json:
            print_json(
                {"schema": SCHEMA, "paper": {**paper.model_dump(mode="json"), "body": paper.body}}
            )
            return
        for key, value in store.paper_to_front_matter(paper).items():
            shown = ", ".join(value) if isinstance(value, list) else value
            console.print(f"{key:>13}: {shown}", markup=False)
        console.print(paper.body, markup=False)


def _short(text: str, width: int = 70) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
