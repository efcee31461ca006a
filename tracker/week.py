"""The weekly prep as one library call: sync, reading list, quota, agenda draft, site.

`prepare_week` runs the steps in order and returns a `WeekReport`; it prints nothing (the
`tracker week` command shows each step as it finishes, through `on_step`). Each step reports its
own problem and the others still run. The catalog is loaded once, after the sync has written
papers/, and shared by the quota and the agenda.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker import store
from tracker.catalog import Catalog, load_catalog, reread_meeting
from tracker.errors import TrackerError
from tracker.i18n import Translator, translator
from tracker.models import Status, TeamSettings


@dataclass
class Table:
    """A table a step shows: its headers and rows."""

    headers: list[str]
    rows: list[list[Any]]


@dataclass
class WeekStep:
    """One step: what it showed (lines and tables, in order), whether it worked, a summary."""

    title: str
    ok: bool = True
    detail: str = ""
    output: list[str | Table] = field(default_factory=list)
    error: str | None = None  # the whole message (with its fix) of a step that failed

    def say(self, line: str) -> None:
        self.output.append(line)


@dataclass
class WeekReport:
    team: TeamSettings
    today: str
    steps: list[WeekStep] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(step.ok for step in self.steps)


def prepare_week(
    root: Path,
    *,
    team: TeamSettings | None = None,
    dry_run: bool = False,
    site: bool = True,
    on_start: Callable[[str], None] | None = None,
    on_step: Callable[[WeekStep], None] | None = None,
) -> WeekReport:
    """Run the weekly prep in `root`; `on_start` gets each step's title before it runs and
    `on_step` the step when it finishes (so a terminal can show progress as it goes)."""
    team = team or store.load_team(root)
    # The lines the team reads come in its language.
    _ = translator(team)
    report = WeekReport(team=team, today=store.today(root).isoformat())
    loaded: list[Catalog] = []

    def catalog() -> Catalog:
        if not loaded:
            loaded.append(load_catalog(root))
        return loaded[0]

    def step(title: str, action: Callable[[WeekStep], str]) -> None:
        current = WeekStep(title)
        if on_start is not None:
            on_start(title)
        try:
            current.detail = action(current)
        except TrackerError as exc:
            current.ok, current.error = False, str(exc)
            current.detail = exc.message.splitlines()[0]
        report.steps.append(current)
        if on_step is not None:
            on_step(current)

    step(_("1. sync with the sheet"), lambda s: _sync(s, root, team, dry_run, _))
    step(_("2. reading list"), lambda s: _reading_list(s, root, _))
    step(_("3. reading quota"), lambda s: _quota(s, catalog(), _))
    if not dry_run:
        step(_("4. next meeting"), lambda s: _agenda(s, root, catalog(), _))
        if site:
            step(_("5. site"), lambda s: _site(s, root, catalog(), _))
    return report


def _sync(step: WeekStep, root: Path, team: TeamSettings, dry_run: bool, _: Translator) -> str:
    from tracker.cli.sync import describe_plan
    from tracker.sync import apply_plan, plan_sync

    plan = plan_sync(root, team=team)
    nothing = ["  " + _("nothing to do: papers/ and the sheet agree")]
    for line in describe_plan(plan) or nothing:
        step.say(line)
    if plan.conflicts:
        raise TrackerError(
            _("{count} conflicting cell(s): nothing synced", count=len(plan.conflicts)),
            fix=_("settle them with `tracker sync --take local|sheet` or by editing one side"),
        )
    if not plan.has_changes:
        return _("nothing to do")
    if dry_run:
        return _("dry run: nothing written")
    result = apply_plan(root, plan, team=team)
    summary = _(
        "pulled {pulls} cell(s) and {new} new paper(s), pushed {pushed} cell(s) and {rows} "
        "row(s); {files} file(s) written",
        pulls=len(plan.pulls),
        new=len(plan.new_from_sheet),
        pushed=result.cells_pushed,
        rows=result.rows_appended,
        files=len(result.files_written),
    )
    step.say("  " + _("synced: {summary}", summary=summary))
    return summary


def _reading_list(step: WeekStep, root: Path, _: Translator) -> str:
    from tracker.site import status_label

    papers = store.load_papers_strict(root)
    counts = Counter(p.status for p in papers)
    step.output.append(
        Table(
            [_("status"), _("papers")],
            [[status_label(s.value, _), counts.get(s, 0)] for s in Status],
        )
    )
    return _("{count} papers", count=len(papers))


def _quota(step: WeekStep, catalog: Catalog, _: Translator) -> str:
    from tracker.assign import assign_reading_quota
    from tracker.progress import member_progress

    progress = member_progress(catalog)
    step.output.append(
        Table(
            [
                _("member"),
                _("assigned"),
                _("read"),
                _("summarised"),
                _("expected by now"),
                _("behind"),
            ],
            [
                [
                    f"{p.name} (@{p.handle})" if p.name != p.handle else p.handle,
                    f"{p.assigned}/{p.quota}",
                    p.read,
                    p.summarised,
                    p.expected_by_now or "",
                    _("by {count}", count=p.behind_by) if p.behind else "",
                ]
                for p in progress
            ],
        )
    )
    result = assign_reading_quota(catalog)
    proposed = Counter(
        p.member for p in result.pairs if p.paper_id not in _current(catalog, p.member)
    )
    for reason in result.reasons:
        step.say("  " + _("note: {reason}", reason=reason))
    behind = [p.handle for p in progress if p.behind]
    detail = _(
        "proposal adds {count} reading(s); apply with `tracker assign --apply`",
        count=sum(proposed.values()),
    )
    if behind:
        detail += "; " + _("behind pace: {members}", members=", ".join(behind))
    step.say(f"  {detail}")
    return detail


def _current(catalog: Catalog, member: str) -> set[str]:
    return {p.id for p in catalog.papers if member in p.readers}


def _agenda(step: WeekStep, root: Path, catalog: Catalog, _: Translator) -> str:
    from tracker.agenda import build_agenda, write_agenda

    agenda = build_agenda(catalog)
    path = write_agenda(root, agenda)
    # The site (step 5) is built from this catalog: it must hold the draft just written. Only
    # that file changed (write_agenda replaces nothing but an absent file or our own untouched
    # draft, so no error of the old file is left behind); the rest stays as loaded.
    reread_meeting(catalog, path)
    rel = path.relative_to(root)
    counts = _(
        "{talks} presentation(s), {items} open action item(s), {new} new paper(s)",
        talks=len(agenda.presentations),
        items=len(agenda.open_items),
        new=len(agenda.new_papers),
    )
    step.say(f"  {rel}: {counts}")
    return _("agenda draft {path}", path=str(rel))


def _site(step: WeekStep, root: Path, catalog: Catalog, _: Translator) -> str:
    from tracker.site import build_site

    result = build_site(root, catalog=catalog)
    detail = _(
        "{pages} generated page(s), built into {folder}/ in {seconds} s",
        pages=result.generated.pages,
        folder=str(result.site_dir.relative_to(root)),
        seconds=round(result.seconds),
    )
    step.say(f"  {detail}")
    return detail
