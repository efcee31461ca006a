"""`tracker assign`: propose (and with --apply, write) the reading-quota assignment."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from tracker.assign import STABILITY_BONUS, apply_assignment, assign_reading_quota
from tracker.cli.common import JsonOption, RootOption, flag, resolve_root, strict_catalog, verb
from tracker.cli.output import console, err_console, print_json, print_table
from tracker.i18n import Translator, translator
from tracker.models import TeamSettings

HELP = """Assign each member their reading quota: the exact relevance-maximising assignment.

A dry run by default: prints the proposal (a table on a terminal, TSV when piped, --json for
scripts). --apply writes the readers into papers/*.md so that the next `tracker sync` pushes them.

Example: tracker assign --quota 20 --readers-per-paper 2
"""
EXAMPLE = "Example: tracker assign --explain minseo   (or: tracker assign --apply)"


def register(app: typer.Typer) -> None:
    @verb(app, "assign", HELP, EXAMPLE)
    def assign(
        quota: int = typer.Option(None, help="Papers per member (default: team.yaml quota)."),
        readers_per_paper: int = typer.Option(
            None, "--readers-per-paper", "-k", help="At most this many readers per paper."
        ),
        cover: bool = typer.Option(
            None, "--cover/--no-cover", help="Require every paper to get a reader."
        ),
        explain: str = typer.Option(
            None, "--explain", metavar="HANDLE", help="Why each paper went to this member."
        ),
        apply: bool = flag("--apply", help="Write readers into papers/*.md."),
        as_json: bool = JsonOption,
        root: Path = RootOption,
    ) -> None:
        root_path = resolve_root(root)
        catalog = strict_catalog(root_path, "cannot assign while files are broken")
        with console.status("solving the assignment (HiGHS)..."):
            result = assign_reading_quota(
                catalog, quota=quota, readers_per_paper=readers_per_paper, cover_every_paper=cover
            )
        team = catalog.team
        _ = translator(team)
        if as_json:
            print_json(result.to_json())
        elif explain:
            # Titles are cut to the terminal (or $COLUMNS); piped output keeps them whole.
            width = console.width if sys.stdout.isatty() or "COLUMNS" in os.environ else None
            for line in result.explain(explain, team=team, width=width, _=_):
                console.print(line, markup=False, highlight=False)
        else:
            print_table(
                [_("member"), _("load"), _("relevance"), _("best alone"), _("regret")],
                [
                    [
                        _person(team, m.handle),
                        m.load,
                        f"{m.total_relevance:.3f}",
                        f"{m.best_possible:.3f}",
                        f"{m.regret:.3f}",
                    ]
                    for m in result.members
                ],
                title=_(
                    "quota {quota}, at most {k} readers/paper",
                    quota=result.quota,
                    k=result.readers_per_paper,
                ),
            )
            new = [p for p in result.pairs if p.origin != "locked"]
            print_table(
                [
                    _("member"),
                    _("paper"),
                    _("title"),
                    _("score"),
                    _("rank"),
                    _("origin"),
                    _("keywords"),
                ],
                [
                    [
                        _person(team, p.member),
                        p.paper_id,
                        p.title,
                        f"{p.score:.3f}",
                        p.rank,
                        _("filler") if p.filler else _origin(p.origin, _),
                        ", ".join(p.keywords) if p.keywords else _("(fills the quota)"),
                    ]
                    for p in new
                ],
                title=_("proposed pairs (papers already being read are not listed)"),
                ellipsis={_("title"): 40},  # percent of the terminal's width
            )
        for reason in result.reasons:
            err_console.print(_("note: {reason}", reason=reason))
        churn = result.churn
        err_console.print(
            _(
                "churn: {kept} kept, {added} added, {moved} moved ({locked} already being read "
                "stay)",
                kept=churn["kept"],
                added=churn["added"],
                moved=churn["removed"],
                locked=churn["locked"],
            )
        )
        if result.moves and not as_json:
            if apply:
                heading = _(
                    "moved (a current reader moves only when the whole assignment gains more "
                    "than the stability bonus {bonus:.2f}):",
                    bonus=STABILITY_BONUS,
                )
            else:
                heading = _(
                    "would move (a current reader moves only when the whole assignment gains "
                    "more than the stability bonus {bonus:.2f}):",
                    bonus=STABILITY_BONUS,
                )
            err_console.print(heading)
            for move in result.moves:
                err_console.print("  - " + move.describe(team, _))
        if apply:
            written = apply_assignment(root_path, result)
            err_console.print(
                _(
                    "applied: {count} paper file(s) written; run `tracker sync` to push",
                    count=len(written),
                )
            )
        elif not as_json:
            err_console.print(_("dry run: nothing written (use --apply)"))


def _person(team: TeamSettings, handle: str) -> str:
    member = team.member(handle)
    return f"{member.name} ({handle})" if member else handle


def _origin(origin: str, _: Translator) -> str:
    return {"locked": _("reading"), "kept": _("kept"), "new": _("new")}.get(origin, origin)
