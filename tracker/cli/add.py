"""`tracker add`: add a paper to the reading list by arXiv id or by its fields."""

from __future__ import annotations

from pathlib import Path

import typer
from pydantic import ValidationError

from tracker import store
from tracker.cli.common import RootOption, resolve_root, verb
from tracker.cli.output import console
from tracker.errors import DataError, UsageError
from tracker.library import fetch_arxiv, slugify
from tracker.models import Paper

HELP = (
    "Add a paper to papers/ (synced to the sheet by the next `tracker sync --apply`). "
    "With only an arXiv id the title, authors and year are looked up on arXiv. "
    "Duplicates (same id, arXiv id or title) are refused."
)
EXAMPLES = (
    "Example: tracker add --arxiv 1810.04805 --topics pretraining,transformer\n\n"
    "Example: tracker add --id glove-2014 --title 'GloVe: Global Vectors for Word "
    "Representation' --authors 'Jeffrey Pennington, Richard Socher, Christopher D. Manning' --year 2014"
)


def register(app: typer.Typer) -> None:
    @verb(app, "add", HELP, EXAMPLES)
    def add(
        arxiv: str = typer.Option(None, help="arXiv id, e.g. 1810.04805 (also the paper's id)."),
        paper_id: str = typer.Option(
            None, "--id", help="The id for a paper without an arXiv id (a slug)."
        ),
        title: str = typer.Option(None, help="Title (looked up on arXiv when omitted)."),
        authors: str = typer.Option(None, help="Authors, comma-separated."),
        year: str = typer.Option(None, help="Publication year."),
        venue: str = typer.Option(None, help="Venue, e.g. NeurIPS."),
        url: str = typer.Option(None, help="Link to the paper."),
        topics: str = typer.Option(None, help="Topics, comma-separated."),
        root: Path = RootOption,
    ) -> None:
        root_path = resolve_root(root)
        fields: dict = {}
        if arxiv and not title:
            fields.update(fetch_arxiv(arxiv))
        if not (arxiv or title):
            raise UsageError("give --arxiv ID, or --title (with --id or not)")
        fields.update(
            {
                k: v
                for k, v in dict(
                    title=title,
                    authors=authors,
                    year=year,
                    venue=venue,
                    url=url,
                    topics=topics,
                    arxiv=arxiv,
                ).items()
                if v
            }
        )
        fields["id"] = paper_id or arxiv or slugify(f"{fields['title']} {year or ''}")
        fields["added_on"] = store.today(root_path)
        try:
            paper = Paper.model_validate(fields)
        except ValidationError as exc:
            problems = "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())
            raise DataError(f"cannot add the paper: {problems}") from exc
        from tracker.library import add_paper

        path = add_paper(root_path, paper)
        console.print(f"added {path.relative_to(root_path)}: {paper.title}", markup=False)
        console.print("run `tracker sync --apply` to push it to the sheet", markup=False)
