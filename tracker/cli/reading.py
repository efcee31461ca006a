"""`tracker read` and `tracker summarise`: a member marks their own progress on a paper."""

from __future__ import annotations

import datetime as dt
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import typer

from tracker import store
from tracker.cli.common import JsonOption, RootOption, resolve_root, verb
from tracker.cli.output import console, print_json
from tracker.errors import DataError, UsageError
from tracker.models import Member, Paper, has_summary

SCHEMA = 1

READ_HELP = """Mark a paper read by one member (their handle joins read_by, with the date).

The paper may be named by id, alias (BERT) or title words; the member by handle or name.

Example: tracker read BERT --member jiwoo
"""

SUMMARISE_HELP = """Write one member's own summary of a paper: their section of papers/<id>.md
(## 요약 — name (@handle)), from a template asking 핵심 아이디어, 방법, 결과, 질문.

The text comes from --file, or from stdin when it is not a terminal; on a terminal $EDITOR opens
on the template (or the member's earlier summary). Summarising marks the paper read too. Only
this member counts as having summarised it.

Example: tracker summarise BERT --member jiwoo --file bert-summary.md
"""
SUMMARISE_EXAMPLE = "Example: echo '### 핵심 아이디어 ...' | tracker summarise BERT -m jiwoo"


# Both commands name a paper, a member and the day.
PAPER_ARGUMENT = typer.Argument(..., help="The paper: id, alias (BERT) or title words.")
DAY_OPTION = typer.Option(None, "--date", help="The day (default today), YYYY-MM-DD.")


def _paper_and_member(root: Path | None, paper: str, member: str) -> tuple[Path, Paper, Member]:
    """The repository, the paper and the member a command names (UsageError when unknown)."""
    from tracker.library import find_paper

    root_path = resolve_root(root)
    who = _member(root_path, member)
    return root_path, find_paper(root_path, paper), who


def _member(root: Path, text: str) -> Member:
    from tracker.people import Roster

    team = store.load_team(root)
    member = Roster(team.members).find(text)
    if member is None:
        known = ", ".join(f"{m.handle} ({m.name})" for m in team.members) or "nobody yet"
        raise UsageError(
            f"--member {text!r} is not on the team's roster ({known})",
            fix="use a handle or a name from papers/team.yaml members",
        )
    return member


def _day(date: str | None, root: Path) -> dt.date:
    if date is None:
        return store.today(root)
    try:
        return dt.date.fromisoformat(date)
    except ValueError:
        raise UsageError(f"--date {date!r} is not a date", fix="use YYYY-MM-DD") from None


def _progress_line(root: Path, handle: str) -> str:
    from tracker.catalog import load_catalog
    from tracker.progress import member_progress

    rows = {r.handle: r for r in member_progress(load_catalog(root), today=store.today(root))}
    row = rows.get(handle)
    if row is None:
        return ""
    return f"{row.name}: read {row.read}/{row.quota}, summarised {row.summarised}/{row.quota}"


def _stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def _edit(initial: str) -> str:
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    with tempfile.NamedTemporaryFile("w", suffix=".md", delete=False, encoding="utf-8") as handle:
        handle.write(initial)
        path = handle.name
    try:
        done = subprocess.run([*shlex.split(editor), path], check=False)
        if done.returncode != 0:
            raise UsageError(f"{editor} exited with {done.returncode}; nothing was written")
        return Path(path).read_text(encoding="utf-8")
    finally:
        os.unlink(path)


def register(app: typer.Typer) -> None:
    @verb(app, "read", READ_HELP, "Example: tracker read 1810.04805 --member 김지우")
    def read(
        paper: str = PAPER_ARGUMENT,
        member: str = typer.Option(..., "--member", "-m", help="Who read it (handle or name)."),
        date: str = DAY_OPTION,
        as_json: bool = JsonOption,
        root: Path = RootOption,
    ) -> None:
        from tracker.reading import mark_read

        root_path, found, who = _paper_and_member(root, paper, member)
        updated = mark_read(found, who.handle, _day(date, root_path))
        store.write_paper(root_path, updated)
        _report(root_path, updated, who, "read", as_json)

    @verb(app, "summarise", SUMMARISE_HELP, SUMMARISE_EXAMPLE)
    def summarise(
        paper: str = PAPER_ARGUMENT,
        member: str = typer.Option(..., "--member", "-m", help="Whose summary (handle or name)."),
        file: Path = typer.Option(
            None, "--file", "-f", help="Read the summary from this file ('-' for stdin)."
        ),
        date: str = DAY_OPTION,
        as_json: bool = JsonOption,
        root: Path = RootOption,
    ) -> None:
        from tracker.reading import mark_summarised, member_sections, summary_template

        root_path, found, who = _paper_and_member(root, paper, member)
        if file is not None and str(file) != "-":
            if not file.is_file():
                raise UsageError(f"--file {file}: no such file")
            text = file.read_text(encoding="utf-8")
        elif file is not None or not _stdin_is_terminal():
            text = sys.stdin.read()
        else:
            earlier = member_sections(found.body).get(who.handle)
            start = summary_template(who)
            if earlier is not None and has_summary(earlier):
                start = f"## 요약 — {who.name} (@{who.handle})\n{earlier}\n"
            text = _edit(start)
        if not has_summary(_without_headings(text)):
            raise DataError(
                f"the summary of {found.id} by {who.handle} is empty (only headings or "
                "template comments); nothing was written",
                fix="write at least a sentence under 핵심 아이디어, 방법, 결과 or 질문",
            )
        updated = mark_summarised(found, who, text, _day(date, root_path))
        store.write_paper(root_path, updated)
        _report(root_path, updated, who, "summarised", as_json)


def _without_headings(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def _report(root: Path, paper: Paper, who: Member, what: str, as_json: bool) -> None:
    day = (paper.summarised_on if what == "summarised" else paper.read_on).get(who.handle)
    if as_json:
        print_json(
            {
                "schema": SCHEMA,
                "paper": paper.id,
                "member": who.handle,
                what: day.isoformat() if day else None,
                "status": paper.status.value,
            }
        )
        return
    console.print(
        f"{who.name} (@{who.handle}) {what} {paper.id} ({paper.title}) on {day}; "
        f"papers/{paper.id}.md updated",
        markup=False,
    )
    line = _progress_line(root, who.handle)
    if line:
        console.print(f"  {line}", markup=False)
