"""`tracker suggest`: candidate papers when the reading list is too short for the quota."""

from __future__ import annotations

from pathlib import Path

import typer

from tracker import store
from tracker.cli.common import JsonOption, RootOption, lenient_catalog, resolve_root, verb
from tracker.cli.output import err_console, print_json, print_notes, print_table
from tracker.errors import UsageError

HELP = """Suggest papers to add when the list is too short for every member's quota: the
references and citations of papers already on the list and keyword search on the members'
interests, from the Semantic Scholar Graph API and the arXiv API. Papers already listed (same
arXiv id, DOI or title) are refused; the rest are ranked by the relevance `tracker assign` uses,
each with why it was suggested. --add N writes the top N as proposed papers (the next
`tracker sync` pushes them).

Network use is bounded (--max-requests, --timeout, a few retries on 429/5xx). Endpoints:
TRACKER_S2_ENDPOINT and TRACKER_ARXIV_ENDPOINT; SEMANTIC_SCHOLAR_API_KEY is sent if set.

Example: tracker suggest --limit 10 --add 3
"""


def register(app: typer.Typer) -> None:
    @verb(app, "suggest", HELP, "Example: tracker suggest --json --max-requests 10")
    def suggest(
        limit: int = typer.Option(
            None, "--limit", help="Candidates to list (default: what the quota lacks, >= 10)."
        ),
        add: int = typer.Option(0, "--add", metavar="N", help="Add the top N to papers/."),
        seeds: int = typer.Option(5, "--seeds", help="Listed papers whose neighbours to read."),
        keywords: int = typer.Option(3, "--keywords", help="Interests to search for."),
        max_requests: int = typer.Option(30, "--max-requests", help="Request budget."),
        timeout: float = typer.Option(10.0, "--timeout", help="Seconds per request."),
        as_json: bool = JsonOption,
        root: Path = RootOption,
    ) -> None:
        from tracker.suggest import add_candidates, suggest_papers

        for name, value in (("--add", add), ("--seeds", seeds), ("--keywords", keywords)):
            if value < 0:
                raise UsageError(f"{name} {value}: give a number >= 0")
        if max_requests < 1 or timeout <= 0:
            raise UsageError("--max-requests must be >= 1 and --timeout > 0")
        root_path = resolve_root(root)
        catalog = lenient_catalog(root_path)
        count = max(limit or 0, add) or None
        result = suggest_papers(
            catalog,
            limit=count,
            seeds=seeds,
            keywords=keywords,
            budget=max_requests,
            timeout=timeout,
        )
        if as_json:
            print_json(result.to_json())
        else:
            print_table(
                ["#", "score", "title", "year", "arxiv/doi", "matches", "why"],
                [
                    [
                        i,
                        f"{c.score:.3f}",
                        c.title,
                        c.year,
                        c.arxiv or c.doi or "",
                        f"{c.member}: {', '.join(c.keywords)}" if c.member else "",
                        "; ".join(c.reasons),
                    ]
                    for i, c in enumerate(result.candidates, 1)
                ],
                title=f"the list lacks {result.needed} paper(s) for every member's quota",
            )
        print_notes(result.warnings, style=None)
        err_console.print(
            f"{len(result.candidates)} candidate(s), {len(result.refused)} already on the list, "
            f"{result.requests} request(s)"
        )
        if add:
            written, refused = add_candidates(
                root_path, result.candidates[:add], today=store.today(root_path)
            )
            for line in refused:
                err_console.print(f"not added: {line}")
            err_console.print(
                f"added {len(written)} paper(s): "
                + ", ".join(str(p.relative_to(root_path)) for p in written)
                + "; run `tracker sync` to push"
            )
