"""The next meeting's agenda: presenters, carried-over action items, progress, what is new.

`build_agenda` reads everything through the catalog; `write_agenda` writes the draft note
`docs/meetings/<date>.md` through the store. The note ends with a hash of the text we generated,
so a re-run can tell our own untouched draft (regenerated freely; identical text is not even
rewritten) from one a person edited (never overwritten without `force`).

Action items (rules, also in docs/dev/assignment.md):

* a checkbox `- [ ] text` stays open until a later note ticks `- [x]` the same text (compared after
  normalising case, spacing, punctuation, markdown and our own "— _since ..._" suffix, and with a
  small fuzzy allowance); the item is dated from its first open appearance after the last tick;
* a bullet in a "next week" / "다음 주에 하기" section is the plan for the following meeting:
  it is carried into that meeting's agenda, and after that meeting only if its note lists it
  again as an unticked checkbox (or never ticks it after re-listing);
* drafts (`draft: true`, e.g. our own agendas) are not meeting notes: they never count.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tracker import store
from tracker.catalog import Catalog, ReproResult
from tracker.errors import DataError
from tracker.i18n import Translator, translator
from tracker.models import Meeting, Status, TeamSettings
from tracker.progress import MemberProgress, member_progress

SCHEMA = 1
HASH_MARK = re.compile(r"^<!-- tracker-agenda sha256=([0-9a-f]{64}) -->\n?", re.MULTILINE)
NEXT_WEEK_HEADING = re.compile(r"next\s*week|다음\s*주|다음\s*모임|todo\s+for\s+next", re.I)
CHECKBOX = re.compile(r"^\s*[-*+]\s+\[([ xX])\]\s+(.+?)\s*$")
BULLET = re.compile(r"^\s*[-*+]\s+(?!\[[ xX]\])(.+?)\s*$")
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
OWNER = re.compile(r"@([a-z0-9][a-z0-9_-]*)")
SUFFIX = re.compile(r"\s+—\s+_[^_]*_\s*$")
FUZZY_RATIO = 0.92


def next_meeting_date(team: TeamSettings, today: dt.date | None = None) -> dt.date:
    """The first meeting day on or after `today` (a meeting today is still the next one)."""
    today = today or store.today(team=team)
    return today + dt.timedelta(days=(team.schedule.weekday - today.weekday()) % 7)


# --------------------------------------------------------------------------------------------
# Action items


def normalise_item(text: str) -> str:
    """The form two writings of one item are compared in."""
    text = SUFFIX.sub("", text)
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[`*_~]|\[([^\]]*)\]\([^)]*\)", lambda m: m.group(1) or "", text)
    text = re.sub(r"[\s.,;:!?·…]+", " ", text)
    return text.strip()


@dataclass
class NoteItem:
    """An item as written in one note."""

    text: str
    done: bool
    next_week: bool
    meeting: Meeting
    checkbox: bool = True


@dataclass
class CarriedItem:
    text: str
    owner: str | None
    source_path: str
    meeting_date: dt.date
    weeks_open: int
    meeting_title: str = ""
    kind: str = "checkbox"  # 'checkbox' or 'next_week'

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["meeting_date"] = self.meeting_date.isoformat()
        return data


def note_items(meeting: Meeting) -> list[NoteItem]:
    """Checkbox items anywhere, and plain bullets of next-week sections, in note order."""
    items: list[NoteItem] = []
    in_next_week = False
    in_fence = False
    for line in meeting.body.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        heading = HEADING.match(line)
        if heading:
            in_next_week = bool(NEXT_WEEK_HEADING.search(heading.group(2)))
            continue
        box = CHECKBOX.match(line)
        if box:
            items.append(NoteItem(box.group(2), box.group(1) != " ", in_next_week, meeting))
            continue
        bullet = BULLET.match(line)
        if bullet and in_next_week and not line.startswith((" " * 4, "\t")):
            items.append(NoteItem(bullet.group(1), False, True, meeting, checkbox=False))
    return items


def _same_item(a: str, b: str) -> bool:
    if a == b:
        return True
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= FUZZY_RATIO


def open_action_items(meetings: list[Meeting], date: dt.date) -> list[CarriedItem]:
    """Items still open at the meeting on `date`, from notes of earlier (non-draft) meetings."""
    notes = sorted((m for m in meetings if m.date < date and not m.draft), key=lambda m: m.date)
    groups: list[tuple[str, list[NoteItem]]] = []
    for meeting in notes:
        for item in note_items(meeting):
            key = normalise_item(item.text)
            if not key:
                continue
            for group_key, events in groups:
                if _same_item(group_key, key):
                    events.append(item)
                    break
            else:
                groups.append((key, [item]))
    carried: list[CarriedItem] = []
    for _key, events in groups:
        last = events[-1]
        if last.done:
            continue
        if not last.checkbox:
            later = [m for m in notes if m.date > last.meeting.date]
            if later:  # the meeting it was planned for happened and did not re-list it
                continue
        last_done = max((i for i, e in enumerate(events) if e.done), default=-1)
        origin = events[last_done + 1]
        owner = OWNER.search(origin.text)
        carried.append(
            CarriedItem(
                text=SUFFIX.sub("", origin.text).strip(),
                owner=owner.group(1) if owner else None,
                source_path=origin.meeting.path,
                meeting_date=origin.meeting.date,
                weeks_open=(date - origin.meeting.date).days // 7,
                meeting_title=origin.meeting.title,
                kind="checkbox" if origin.checkbox else "next_week",
            )
        )
    carried.sort(key=lambda c: (c.meeting_date, c.source_path))
    return carried


# --------------------------------------------------------------------------------------------
# The agenda


@dataclass
class Agenda:
    date: dt.date
    team_name: str
    presentations: list[dict[str, Any]]
    open_items: list[CarriedItem]
    progress: list[MemberProgress]
    new_papers: list[str]
    changed_results: list[dict[str, Any]]
    last_meeting: dt.date | None = None
    paper_titles: dict[str, str] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    language: str = "ko"
    # `changed_results` as sentences ("BERT: 미세조정 정확도 79.0% (이전 71.3%)"), same order.
    changed_summaries: list[str] = field(default_factory=list)
    member_names: dict[str, str] = field(default_factory=dict)
    # The presenter rota of the coming weeks (tracker.schedule.upcoming_rota).
    rota: list[dict[str, Any]] = field(default_factory=list)

    def _person(self, handle: str) -> str:
        name = self.member_names.get(handle)
        return f"{name} (@{handle})" if name else f"@{handle}"

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "date": self.date.isoformat(),
            "last_meeting": self.last_meeting.isoformat() if self.last_meeting else None,
            "presentations": self.presentations,
            "open_items": [i.to_json() for i in self.open_items],
            "progress": [p.to_json() for p in self.progress],
            "new_papers": self.new_papers,
            "changed_results": self.changed_results,
            "rota": [{**row, "date": row["date"].isoformat()} for row in self.rota],
        }

    def front_matter(self) -> dict[str, Any]:
        _ = translator(self.language)
        return {
            "title": _("{date} meeting agenda", date=self.date.isoformat()),
            "date": self.date,
            "draft": True,
            "categories": ["Agenda"],
            "tags": self.tags,
            "generated_by": "tracker agenda",
        }

    def to_markdown(self) -> str:
        """The draft note, ending with the hash that marks it as untouched generated text."""
        _ = translator(self.language)
        lines = ["# " + _("{date} meeting agenda", date=self.date.isoformat()), ""]
        skipped = next((r for r in self.rota if r["date"] == self.date and r["skipped"]), None)
        if skipped:
            held = next((r["date"] for r in self.rota if not r["skipped"]), None)
            note = _("No meeting on this day ({reason}).", reason=skipped["skipped"])
            if held:
                note += " " + _("The next meeting is on {date}.", date=held.isoformat())
            lines += [f"> {note}", ""]
        lines += ["## " + _("Presentations"), ""]
        if not self.presentations:
            lines.append("- " + _("(no presentations scheduled)"))
        for talk in self.presentations:
            slides = (
                f" · [{_('slides')}]({talk['slides']})"
                if talk.get("slides")
                else " · " + _("no slides yet")
            )
            when = "" if talk.get("date_set") else " " + _("(date not set)")
            who = self._person(talk["presenter"])
            lines.append(f"- **{talk['title']}** ({talk['paper_id']}) — {who}{slides}{when}")
        if self.rota:
            lines += ["", "## " + _("Presenters of the coming weeks"), ""]
            lines += rota_lines(self.rota, _)
        lines += ["", "## " + _("Carried-over action items"), ""]
        if not self.open_items:
            lines.append("- " + _("(no open action items)"))
        for item in self.open_items:
            weeks = _("week {weeks}", weeks=item.weeks_open)
            lines.append(
                f"- [ ] {item.text} — _{item.meeting_date.isoformat()} {item.meeting_title}, "
                f"{weeks}_"
            )
        lines += ["", "## " + _("Reading progress"), ""]
        header = [
            _("member"), _("assigned"), _("read"), _("summarised"), _("presented"),
            _("expected by now"), _("state"),
        ]  # fmt: skip
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|---|---:|---:|---:|---:|---:|---|")
        for row in self.progress:
            expected = "-" if row.expected_by_now is None else str(row.expected_by_now)
            state = _("{count} behind", count=row.behind_by) if row.behind else _("on pace")
            lines.append(
                f"| {row.name} (@{row.handle}) | {row.assigned}/{row.quota} | {row.read} | "
                f"{row.summarised} | {row.presented} | {expected} | {state} |"
            )
        behind = [self._person(r.handle) for r in self.progress if r.behind]
        lines += ["", _("Behind pace:") + " " + (", ".join(behind) if behind else _("nobody"))]
        since = self.last_meeting.isoformat() if self.last_meeting else None
        heading = _("New papers (since {date})", date=since) if since else _("New papers")
        lines += ["", "## " + heading, ""]
        if not self.new_papers:
            lines.append("- " + _("(none)"))
        for paper_id in self.new_papers:
            lines.append(f"- {self.paper_titles.get(paper_id, paper_id)} ({paper_id})")
        heading = (
            _("Reproduction results that changed (since {date})", date=since)
            if since
            else _("Reproduction results that changed")
        )
        lines += ["", "## " + heading, ""]
        if not self.changed_results:
            lines.append("- " + _("(none)"))
        lines += [f"- {line}" for line in self.changed_summaries]
        body = "\n".join(lines) + "\n"
        text = store.join_front_matter(self.front_matter(), "\n" + body)
        return text + f"\n<!-- tracker-agenda sha256={_digest(text)} -->\n"


def rota_lines(
    rota: list[dict[str, Any]],
    _: Translator | None = None,
    *,
    talk: Callable[[dict[str, Any]], str] | None = None,
    text: Callable[[str], str] = str,
    bold: bool = False,
    footnote: bool = True,
) -> list[str]:
    """One Markdown bullet per coming meeting: its talks, or why there is no meeting.

    The draft and the site's agenda page both render the rota here; the page passes `talk`
    (each talk linked to its paper page), `text` (escaping) and `bold` dates, and no footnote.
    """
    _ = _ or translator("ko")
    weekdays = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]

    def plain(t: dict[str, Any]) -> str:
        proposal = " _" + _("(proposed)") + "_" if t["origin"] == "new" else ""
        return f"@{t['presenter']} {t['title']} ({t['paper']})" + proposal

    lines = []
    for row in rota:
        day = row["date"]
        stamp = f"{day.isoformat()} ({weekdays[day.weekday()]})"
        head = f"- **{stamp}**" if bold else f"- {stamp}"
        if row["skipped"]:
            lines.append(f"{head}: " + _("no meeting") + f" — {text(row['skipped'])}")
            continue
        talks = [(talk or plain)(t) for t in row["talks"]]
        talks += [_("no presenter")] * int(row.get("open_slots") or 0)
        lines.append(f"{head}: " + ("; ".join(talks) if talks else _("no presentation scheduled")))
    if not footnote:
        return lines
    if any(t["origin"] == "new" for row in rota for t in row["talks"]):
        lines += [
            "",
            "_"
            + _("(proposed)")
            + "_ "
            + _("marks a proposal until `tracker schedule --apply` makes it the plan."),
        ]
    return lines


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def generated_and_untouched(text: str) -> bool:
    """True when `text` is an agenda we wrote and nobody edited since."""
    mark = list(HASH_MARK.finditer(text))
    if not mark:
        return False
    last = mark[-1]
    generated = text[: last.start()].removesuffix("\n")
    return _digest(generated) == last.group(1) and not text[last.end() :].strip()


def _result_date(result: ReproResult) -> dt.datetime | None:
    if not result.started_at:
        return None
    try:
        stamp = dt.datetime.fromisoformat(str(result.started_at).replace("Z", "+00:00"))
    except ValueError:
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    return stamp


def build_agenda(
    catalog: Catalog, date: dt.date | None = None, today: dt.date | None = None
) -> Agenda:
    """Everything the meeting on `date` (default: the next one) should look at."""
    today = today or store.today(catalog.root)
    date = date or next_meeting_date(catalog.team, today)
    notes = [m for m in catalog.meetings if not m.draft and m.date < date]
    last_meeting = max((m.date for m in notes), default=None)
    next_date = next_meeting_date(catalog.team, today)

    presentations = []
    for paper in sorted(catalog.papers, key=lambda p: p.id):
        if not paper.presenter:
            continue
        scheduled = paper.presented_on == date
        # Presenters without a date yet belong to the next meeting's agenda, not later ones.
        pending = (
            paper.presented_on is None and paper.status != Status.presented and date == next_date
        )
        if scheduled or pending:
            presentations.append(
                {
                    "paper_id": paper.id,
                    "title": paper.title,
                    "presenter": paper.presenter,
                    "slides": paper.slides,
                    "date_set": scheduled,
                }
            )

    new_papers = sorted(
        p.id
        for p in catalog.papers
        if p.added_on is not None
        and p.added_on <= date
        and (last_meeting is None or p.added_on > last_meeting)
    )
    changed = []
    for result in catalog.results:
        stamp = _result_date(result)
        if stamp is None:
            continue
        local_day = stamp.date()
        if (last_meeting is None or local_day > last_meeting) and local_day <= date:
            changed.append(
                {
                    "reproduction": result.reproduction,
                    "kind": result.kind,
                    "run": result.run,
                    "path": result.path,
                    "started_at": result.started_at,
                    "passed": result.passed,
                }
            )
    changed.sort(key=lambda r: (r["reproduction"], r["kind"], r["run"]))
    tags = ["agenda"] + sorted(
        {
            (catalog.paper(t["paper_id"]).aliases or [t["paper_id"]])[0].lower()  # type: ignore[union-attr]
            for t in presentations
        }
    )
    from tracker.result_text import describe_changes
    from tracker.schedule import upcoming_rota

    _ = translator(catalog.team)
    return Agenda(
        rota=upcoming_rota(catalog, weeks=4, today=today),
        date=date,
        team_name=catalog.team.name,
        presentations=presentations,
        open_items=open_action_items(catalog.meetings, date),
        progress=member_progress(catalog, today=today),
        new_papers=new_papers,
        changed_results=changed,
        last_meeting=last_meeting,
        paper_titles={p.id: p.title for p in catalog.papers},
        tags=tags,
        language=_.language,
        changed_summaries=describe_changes(catalog, changed, _, last_meeting),
        member_names={m.handle: m.name for m in catalog.team.members},
    )


def agenda_path(root: Path, date: dt.date) -> Path:
    return Path(root) / "docs" / "meetings" / f"{date.isoformat()}.md"


def write_agenda(root: Path, agenda: Agenda, force: bool = False) -> Path:
    """Write `docs/meetings/<date>.md`; refuse to overwrite a person's edits unless `force`."""
    path = agenda_path(root, agenda.date)
    text = agenda.to_markdown()
    if path.exists() and not force:
        existing = path.read_text(encoding="utf-8")
        if existing != text and not generated_and_untouched(existing):
            raise DataError(
                f"{path.relative_to(root)} was edited by a person since it was generated; "
                "not overwriting it",
                fix="merge by hand, or run `tracker agenda --force` to replace it",
            )
    store.write_doc(root, f"meetings/{agenda.date.isoformat()}.md", text)
    return path
