"""`tracker schedule`: the presenter rota for the coming weeks (and with --apply, write it)."""

from __future__ import annotations

from pathlib import Path

import typer

from tracker import store
from tracker.cli.common import JsonOption, RootOption, flag, resolve_root, strict_catalog, verb
from tracker.cli.output import console, err_console, print_json, print_notes, print_table
from tracker.errors import UsageError

HELP = """Plan who presents which paper at each meeting of the coming weeks.

Meetings on public holidays (schedule.holidays, default KR) and on schedule.skip dates are
skipped; each meeting gets schedule.slots presentations (default 2). Counts stay within one of
each other (presentations already held count), nobody presents twice in a row where the roster
allows, members' away dates are respected, and each talk is a paper the presenter reads and
that was not presented yet. Solved exactly; the same data always gives the same plan, and a
re-plan keeps the slots already applied unless they no longer fit (and says what moved).

A dry run by default. --apply writes presenter and presented_on into papers/*.md (the next
`tracker sync` pushes them); a slot a person set by hand is never replaced unless --force.

Example: tracker schedule --weeks 8 --apply
"""
EXAMPLE = "Example: tracker schedule --weeks 12 --json   (or: --explain jiwoo)"


def register(app: typer.Typer) -> None:
    @verb(app, "schedule", HELP, EXAMPLE)
    def schedule(
        weeks: int = typer.Option(8, "--weeks", "-w", help="How many weeks ahead to plan."),
        apply: bool = flag("--apply", help="Write presenter/presented_on into papers/*.md."),
        force: bool = flag("--force", help="Let the rota replace slots a person set by hand."),
        explain: str = typer.Option(
            None, "--explain", metavar="HANDLE", help="Why this member presents when they do."
        ),
        as_json: bool = JsonOption,
        root: Path = RootOption,
    ) -> None:
        from tracker.schedule import apply_schedule, plan_schedule

        if weeks < 0 or weeks > 520:
            raise UsageError(f"--weeks {weeks}: give 0 to 520 weeks", fix="e.g. --weeks 8")
        root_path = resolve_root(root)
        catalog = strict_catalog(root_path, "cannot plan the rota while files are broken")
        with console.status("solving the rota (HiGHS)..."):
            plan = plan_schedule(catalog, weeks=weeks, today=store.today(root_path), force=force)
        if as_json:
            print_json(plan.to_json())
        elif explain:
            if explain not in {load.handle for load in plan.loads}:
                known = ", ".join(load.handle for load in plan.loads)
                raise UsageError(f"no active member {explain!r}", fix=f"use one of {known}")
            load = next(x for x in plan.loads if x.handle == explain)
            console.print(
                f"{explain}: {load.held} held, {load.fixed} set by hand, {load.planned} planned "
                f"= {load.total}; away on {', '.join(load.away) or 'no meeting day'}",
                markup=False,
            )
            for talk in plan.talks():
                if talk.presenter == explain:
                    console.print(f"  {talk.date} {talk.paper} [{talk.origin}]", markup=False)
                    for reason in talk.why:
                        console.print(f"      - {reason}", markup=False)
        else:
            rows = []
            for meeting in plan.meetings:
                for talk in meeting.talks:
                    rows.append([talk.date, talk.presenter, talk.paper, talk.title, talk.origin])
                for _ in range(meeting.open_slots):
                    rows.append([meeting.date, "-", "-", "(nobody free with a paper)", "unfilled"])
            for skip in plan.skipped:
                rows.append([skip.date, "-", "-", f"skipped: {skip.reason}", skip.kind])
            rows.sort(key=lambda r: (str(r[0]), r[4] == "skipped"))
            print_table(
                ["date", "presenter", "paper", "title", "origin"],
                rows,
                title=f"rota for {weeks} week(s), {catalog.team.schedule.slots} slot(s) a meeting",
            )
            print_table(
                ["member", "held", "by hand", "planned", "total", "away"],
                [
                    [x.handle, x.held, x.fixed, x.planned, x.total, ", ".join(x.away)]
                    for x in plan.loads
                ],
            )
        for move in plan.moves:
            where = move.new_date.isoformat() if move.new_date else "dropped"
            err_console.print(
                f"moved: {move.presenter} {move.paper} {move.old_date} -> {where} ({move.reason})"
            )
        print_notes(plan.notes, "note", style=None)
        err_console.print(
            f"{'balanced' if plan.balanced else 'NOT balanced'}, {plan.consecutive} talk(s) at "
            f"two meetings in a row; solved in {plan.seconds:.2f} s"
        )
        if apply:
            report = apply_schedule(root_path, plan, force=force)
            for refused in report.refused:
                err_console.print(f"kept (set by hand): {refused}")
            err_console.print(
                f"applied: {len(report.written)} paper file(s) written, {len(report.cleared)} "
                "cleared; run `tracker sync` to push"
            )
        elif not as_json:
            err_console.print("dry run: nothing written (use --apply)")
