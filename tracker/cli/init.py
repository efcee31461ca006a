"""`tracker init`: start a team repository from the team's name, topic and reading list."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from tracker.cli.common import JsonOption, flag, verb
from tracker.cli.output import console, print_json, print_table
from tracker.errors import UsageError

HELP = """Start a team: write papers/team.yaml, mkdocs.yml, docs/, a README with the weekly
commands, .gitignore and a GitHub Pages workflow into DIR (new or empty).

With --sheet the team's reading list (a CSV/XLSX file or a Google Sheets URL) gives the column
mapping, proposed from its headers (번호, 제목, 저자, 담당자, 상태, ...; unknown headers are
listed and mapped to `ignore`) and the roster: everyone named in the readers and presenter
columns, each with a proposed handle. init prints both; edit papers/team.yaml to change them.
Without flags on a terminal it asks for what is missing.

Example: tracker init my-team --name "NLP 읽기 모임" --topic "자연어처리" --sheet 읽기목록.csv
"""


def _pairs(values: list[str], option: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values:
        left, sep, right = value.rpartition("=")
        if not sep or not left.strip() or not right.strip():
            raise UsageError(
                f"{option} {value!r}: expected LEFT=RIGHT", fix=f"e.g. {option} '비고=notes'"
            )
        out[left.strip()] = right.strip()
    return out


def register(app: typer.Typer) -> None:
    @verb(app, "init", HELP, "Example: tracker init demo --sample")
    def init(
        directory: Path = typer.Argument(..., help="The new team repository (new or empty)."),
        name: str = typer.Option(None, "--name", help="The team's name (the site's title)."),
        topic: str = typer.Option(None, "--topic", help="What the team reads about."),
        sheet: str = typer.Option(
            None, "--sheet", help="The reading list: a CSV/XLSX path or a Google Sheets URL/key."
        ),
        worksheet: str = typer.Option(None, "--worksheet", help="The Google Sheets tab to use."),
        site_url: str = typer.Option(None, "--site-url", help="Where the site will be published."),
        language: str = typer.Option("ko", "--language", help="The site's language (ko, en)."),
        column: list[str] = typer.Option(
            [], "--column", help="Map a header yourself: 'HEADER=FIELD' (FIELD may be ignore)."
        ),
        handle: list[str] = typer.Option(
            [], "--handle", help="Choose a member's handle: 'NAME=HANDLE'."
        ),
        member: list[str] = typer.Option(
            [], "--member", help="Add a member by name (besides those the sheet names)."
        ),
        sample: bool = flag("--sample", help="Copy the bundled sample team instead (a demo)."),
        as_json: bool = JsonOption,
    ) -> None:
        from tracker.init import copy_sample, plan_team, write_team

        if sample:
            written = copy_sample(directory)
            console.print(
                f"copied the sample team into {directory} ({len(written)} files); try: "
                f"cd {directory} && tracker week",
                markup=False,
            )
            return
        interactive = sys.stdin.isatty() and not as_json
        if name is None and interactive:
            name = typer.prompt("team name (팀 이름)")
        if topic is None and interactive:
            topic = typer.prompt("topic (주제)")
        if sheet is None and interactive:
            sheet = (
                typer.prompt(
                    "reading list: CSV/XLSX path or Google Sheets URL (empty: none yet)",
                    default="",
                    show_default=False,
                )
                or None
            )
        if not name or not topic:
            raise UsageError(
                "tracker init needs --name and --topic",
                fix=f'tracker init {directory} --name "팀 이름" --topic "주제"',
            )
        plan = plan_team(
            directory,
            name=name,
            topic=topic,
            sheet=sheet,
            worksheet=worksheet,
            site_url=site_url,
            language=language,
            column_overrides=_pairs(column, "--column"),
            handle_overrides=_pairs(handle, "--handle"),
            members=member,
        )
        written = write_team(plan)
        if as_json:
            print_json(plan.to_json())
            return
        console.print(f"started the team {plan.team.name!r} in {plan.directory}", markup=False)
        print_table(
            ["header", "field"],
            [[c.header, c.field] for c in plan.columns],
            title="column mapping (papers/team.yaml remote.columns)",
        )
        for header in plan.unknown_headers:
            console.print(
                f"  note: header {header!r} is not one the tracker knows; it is mapped to "
                "`ignore`: set its field in papers/team.yaml remote.columns to sync it",
                markup=False,
                style="yellow",
            )
        print_table(
            ["handle", "name"],
            [[m.handle, m.name] for m in plan.team.members],
            title="roster (papers/team.yaml members)",
        )
        console.print(f"wrote {len(written)} files: {', '.join(written)}", markup=False)
        console.print(f"next: cd {directory} && tracker sync --apply && tracker week", markup=False)
