"""`tracker papers list|show`: the reading list on a terminal or as JSON."""

from __future__ import annotations

from pathlib import Path

import typer

from tracker import store
from tracker.cli.common import JsonOption, RootOption, resolve_root, verb, verb_group
from tracker.cli.output import console, print_json, print_table
from tracker.errors import UsageError
from tracker.library import filter_papers, find_paper
from tracker.models import Status, parse_status

SCHEMA = 1

HELP = "List, filter and show the papers of the reading list.\n\nExample: tracker papers list --status assigned"
LIST_HELP = "List papers, optionally filtered; a table on a terminal, TSV when piped."
SHOW_HELP = (
    "Show one paper: its fields and the team's summary. The paper may be named by id, "
    "by a known alias (BERT) or by words of its title; ambiguous names list the candidates."
)


def register(app: typer.Typer) -> None:
    papers = verb_group(app, "papers", HELP)

    @verb(
        papers, "list", LIST_HELP, "Example: tracker papers list --topic attention --reader jiwoo"
    )
    def list_papers(
        status: str = typer.Option(
            None,
            help=f"One of: {', '.join(s.value for s in Status)} (or as the sheet writes it: 읽음, ...).",
        ),
        topic: str = typer.Option(None, help="Papers with this topic."),
        reader: str = typer.Option(
            None, help="Papers this member reads or presents (handle or name, e.g. 김지우)."
        ),
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
        if status:
            try:
                status = parse_status(status).value
            except ValueError as exc:
                raise UsageError(str(exc)) from None
        root_path = resolve_root(root)
        if reader:
            reader = _member_handle(root_path, reader)
        loaded = store.load_papers(root_path)
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

    @verb(papers, "show", SHOW_HELP, "Example: tracker papers show BERT")
    def show_paper(
        paper_id: str = typer.Argument(..., help="The paper: id, alias (BERT) or title words."),
        as_json: bool = JsonOption,
        root: Path = RootOption,
    ) -> None:
        root_path = resolve_root(root)
        paper = find_paper(root_path, paper_id)
        if as_json:
            print_json(
                {"schema": SCHEMA, "paper": {**paper.model_dump(mode="json"), "body": paper.body}}
            )
            return
        for key, value in store.paper_to_front_matter(paper).items():
            shown = ", ".join(value) if isinstance(value, list) else value
            console.print(f"{key:>13}: {shown}", markup=False)
        console.print(paper.body, markup=False)


def _member_handle(root: Path, text: str) -> str:
    """The handle of the member a person typed (handle or name); UsageError when unknown."""
    from tracker.people import Roster

    team = store.load_team(root)
    try:
        return Roster(team.members).handle_of(text)
    except ValueError as exc:
        raise UsageError(
            str(exc).split(": add them")[0],
            fix="use a handle or a name from papers/team.yaml members",
        ) from None


def _short(text: str, width: int = 70) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
