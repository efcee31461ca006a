"""The group's upcoming meetings as an iCalendar (.ics) file, with presenters and papers.

UIDs are derived from the team name and the meeting date, so re-exporting updates the events a
calendar already imported instead of duplicating them. DTSTAMP is the export day (store.today()),
which keeps the file byte-identical across runs on the same day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from tracker import store
from tracker.catalog import Catalog
from tracker.i18n import translator
from tracker.models import Status

PRODID = "-//reading-group-tracker//agenda//KO"


def meeting_uid(team_name: str, date: dt.date) -> str:
    team_key = hashlib.sha1(team_name.encode("utf-8")).hexdigest()[:12]  # noqa: S324 - an id
    return f"{date.isoformat()}-{team_key}@reading-group-tracker"


def upcoming_dates(catalog: Catalog, weeks: int, today: dt.date) -> list[dt.date]:
    from tracker.agenda import next_meeting_date

    first = next_meeting_date(catalog.team, today)
    return [first + dt.timedelta(weeks=i) for i in range(max(weeks, 0))]


def build_calendar(catalog: Catalog, *, weeks: int = 8, today: dt.date | None = None) -> bytes:
    """One VEVENT per upcoming meeting; papers presented that day are in the description."""
    today = today or store.today(catalog.root)
    team = catalog.team
    _ = translator(team)
    schedule = team.schedule
    zone = ZoneInfo(schedule.timezone)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", team.name)
    dates = upcoming_dates(catalog, weeks, today)
    first = dates[0] if dates else None
    from tracker.schedule import upcoming_rota

    rota = {row["date"]: row for row in upcoming_rota(catalog, weeks=weeks, today=today)}
    for date in dates:
        talks = [
            p
            for p in sorted(catalog.papers, key=lambda p: p.id)
            if p.presenter
            and (
                p.presented_on == date
                or (p.presented_on is None and p.status != Status.presented and date == first)
            )
        ]
        row = rota.get(date) or {"skipped": None, "talks": []}
        listed = {p.id for p in talks}
        # The rota's proposals for this day, beside what the papers already say.
        proposed = [t for t in row["talks"] if t["paper"] not in listed]
        start = dt.datetime.combine(date, schedule.time, tzinfo=zone)
        event = Event()
        event.add("uid", meeting_uid(team.name, date))
        event.add("dtstamp", dt.datetime.combine(today, dt.time(0, 0), tzinfo=dt.UTC))
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(minutes=schedule.duration_minutes))
        if row["skipped"] and not talks:
            # Same UID, so a calendar that imported the meeting before shows it cancelled.
            event.add("status", "CANCELLED")
            event.add("summary", f"{team.name}: 쉼 ({row['skipped']})")
            event.add("description", f"모임 없음: {row['skipped']}")
            calendar.add_component(event)
            continue
        names = ", ".join(
            [f"{p.aliases[0] if p.aliases else p.id} (@{p.presenter})" for p in talks]
            + [f"{_alias(catalog, t['paper'])} (@{t['presenter']})" for t in proposed]
        )
        event.add("summary", f"{team.name}: {names}" if names else team.name)
        lines = []
        for paper in talks:
            when = "" if paper.presented_on else " " + _("(date not set)")
            member = team.member(paper.presenter or "")
            who = f"{member.name} (@{paper.presenter})" if member else f"@{paper.presenter}"
            lines.append(f"{who}: {paper.title} ({paper.id}){when}")
            if paper.slides:
                lines.append("  " + _("slides:") + f" {paper.slides}")
        for talk in proposed:
            member = team.member(talk["presenter"])
            who = f"{member.name} (@{talk['presenter']})" if member else f"@{talk['presenter']}"
            lines.append(f"{who}: {talk['title']} ({talk['paper']}) " + _("(proposed)"))
            if talk.get("slides"):
                lines.append("  " + _("slides:") + f" {talk['slides']}")
        event.add("description", "\n".join(lines) or _("no presentation scheduled"))
        if schedule.location:
            event.add("location", schedule.location)
        calendar.add_component(event)
    # Clients that do not know the IANA zone name need its VTIMEZONE definition in the file.
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _alias(catalog: Catalog, paper_id: str) -> str:
    paper = catalog.paper(paper_id)
    return paper.aliases[0] if paper and paper.aliases else paper_id


def write_calendar(
    path: Path, catalog: Catalog, *, weeks: int = 8, today: dt.date | None = None
) -> bool:
    """Write the calendar atomically; False when the file already held exactly these bytes."""
    data = build_calendar(catalog, weeks=weeks, today=today)
    path = Path(path)
    if path.exists() and path.read_bytes() == data:
        return False
    store.atomic_write_bytes(path, data)
    return True
