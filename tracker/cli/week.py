"""`tracker week`: the weekly prep in one command (the work is `tracker.week.prepare_week`).

This module parses the options and prints each step as it finishes, then where to look; the
exit code is 1 if any step needed a person.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from tracker import store
from tracker.cli.common import RootOption, resolve_root
from tracker.cli.output import console, handle_errors, print_table
from tracker.i18n import translator
from tracker.week import Table, WeekStep, prepare_week

HELP = """The weekly prep: sync the reading list, show it and what changed, propose reading quotas,
write the next meeting's agenda draft, and build the site.

Conflicting sheet edits are reported and left for a person; an agenda draft a person edited is
never overwritten; assignments are only proposed (apply them with `tracker assign --apply`).

Example: tracker week
"""


def register(app: typer.Typer) -> None:
    @app.command("week", help=HELP, epilog="Example: tracker week --no-site")
    @handle_errors
    def week(
        dry_run: bool = typer.Option(
            False, "--dry-run", help="Show what sync would do; write nothing."
        ),
        site: bool = typer.Option(
            True, "--site/--no-site", help="Build the site at the end (needs npm once)."
        ),
        root: Path = RootOption,
    ) -> None:
        root_path = resolve_root(root)
        team = store.load_team(root_path)
        # The lines the team reads come in its language; usage errors and --help stay English.
        _ = translator(team)
        today = store.today(root_path).isoformat()
        console.print(
            # The team's name is text, not markup ("[NLP] 모임" must print as written).
            f"[bold]{escape(team.name)}[/] — " + escape(_("weekly prep ({date})", date=today)),
            markup=True,
        )
        report = prepare_week(
            root_path,
            team=team,
            dry_run=dry_run,
            site=site,
            on_start=console.rule,
            on_step=_show_step,
        )
        console.rule(_("done"))
        for done in report.steps:
            mark = _("ok") if done.ok else _("BAD")
            console.print(f"  {mark} {done.title}: {done.detail}", markup=False)
        console.print(
            "\n"
            + _(
                "Where to look: papers/ (one file per paper), docs/meetings/ (the agenda draft), "
                "site/index.html (the built site; `tracker site serve` to browse it), "
                "`tracker dashboard` (the meeting dashboard)."
            ),
            markup=False,
        )
        if not report.ok:
            raise typer.Exit(1)


def _show_step(step: WeekStep) -> None:
    for item in step.output:
        if isinstance(item, Table):
            print_table(item.headers, item.rows)
        else:
            console.print(item, markup=False)
    if step.error is not None:
        console.print(f"  {step.error}", markup=False, style="red")
