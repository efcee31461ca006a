"""Meeting prep: next date, carried-over action items from the sample notes, idempotent
writing, protection of edited drafts, new papers/results, and the ICS calendar."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from icalendar import Calendar
from typer.testing import CliRunner

from tracker.agenda import build_agenda, next_meeting_date, write_agenda
from tracker.catalog import load_catalog
from tracker.cli.main import app
from tracker.errors import DataError
from tracker.ics import build_calendar
from tracker.models import TeamSettings

REPO = Path(__file__).resolve().parents[1]
NOTES = REPO / "docs" / "meetings" / "posts"
MEETING = dt.date(2025, 7, 8)
TODAY = dt.date(2025, 7, 5)


def team_repo(tmp_path: Path) -> Path:
    root = tmp_path / "team"
    shutil.copytree(REPO / "papers", root / "papers")
    shutil.copytree(REPO / "docs" / "meetings", root / "docs" / "meetings")
    return root


def expected_open_items(before: dt.date) -> set[str]:
    """The documented rule, computed straight from the notes' text: a checkbox is open when its
    last appearance is unticked; bullets under 다음 주에 하기 count only from the latest note."""
    notes = sorted(NOTES.glob("*.md"))
    notes = [n for n in notes if dt.date.fromisoformat(n.name[:10]) < before]
    last_state: dict[str, bool] = {}
    next_week: list[str] = []
    for note in notes:
        next_week = []
        section = ""
        for line in note.read_text(encoding="utf-8").splitlines():
            if line.startswith("## "):
                section = line[3:].strip()
            box = re.match(r"- \[([ x])\] (.+)$", line)
            if box:
                last_state[box.group(2).strip()] = box.group(1) == "x"
            elif section == "다음 주에 하기" and line.startswith("- "):
                next_week.append(line[2:].strip())
    return {text for text, done in last_state.items() if not done} | set(next_week)


def test_next_meeting_is_the_next_tuesday_or_today() -> None:
    team = TeamSettings(name="t", topic="x", schedule={"weekday": "tuesday"})
    assert next_meeting_date(team, dt.date(2025, 7, 5)) == dt.date(2025, 7, 8)
    assert next_meeting_date(team, dt.date(2025, 7, 8)) == dt.date(2025, 7, 8)
    assert next_meeting_date(team, dt.date(2025, 7, 9)) == dt.date(2025, 7, 15)


def test_sample_notes_carry_exactly_the_open_items() -> None:
    agenda = build_agenda(load_catalog(REPO), date=MEETING, today=TODAY)
    carried = {item.text for item in agenda.open_items}
    assert carried == expected_open_items(MEETING)
    hmm = next(i for i in agenda.open_items if "Rabiner" in i.text)
    assert hmm.meeting_date == dt.date(2025, 6, 3) and hmm.weeks_open == 5
    assert hmm.owner == "hyunwoo"
    assert hmm.source_path.endswith("2025-06-03-week-01-word2vec.md")


def test_item_ticked_in_a_later_note_is_not_carried(tmp_path: Path) -> None:
    root = team_repo(tmp_path)
    ticked = "@minseo 공유 시트에 발표자료 열 추가하기"  # open on 06-03, ticked on 06-10
    week1 = (NOTES / "2025-06-03-week-01-word2vec.md").read_text(encoding="utf-8")
    assert f"- [ ] {ticked}" in week1
    agenda = build_agenda(load_catalog(root), date=MEETING, today=TODAY)
    assert ticked not in {i.text for i in agenda.open_items}
    # A new note ticks the HMM item with different spacing and a trailing full stop.
    (root / "docs/meetings/posts/2025-07-06-extra.md").write_text(
        "---\ntitle: 번외\ndate: 2025-07-06\n---\n\n"
        "- [x]  @hyunwoo  Rabiner HMM 튜토리얼 읽는 순서 정하기.\n",
        encoding="utf-8",
    )
    agenda = build_agenda(load_catalog(root), date=MEETING, today=TODAY)
    assert not any("Rabiner" in i.text for i in agenda.open_items)


def test_agenda_is_idempotent_and_ignores_its_own_draft(tmp_path: Path) -> None:
    root = team_repo(tmp_path)
    first = write_agenda(root, build_agenda(load_catalog(root), date=MEETING, today=TODAY))
    text = first.read_text(encoding="utf-8")
    mtime = first.stat().st_mtime_ns
    again = build_agenda(load_catalog(root), date=MEETING, today=TODAY)
    write_agenda(root, again)
    assert first.read_text(encoding="utf-8") == text
    assert first.stat().st_mtime_ns == mtime
    assert len(again.open_items) == len({i.text for i in again.open_items})
    assert text.count("Rabiner HMM") == 1
    front = text.split("---")[1]
    assert "draft: true" in front and "categories: [Agenda]" in front
    meeting = next(m for m in load_catalog(root).meetings if m.path.endswith("2025-07-08.md"))
    assert meeting.draft and meeting.date == MEETING


def test_edited_draft_is_refused_without_force(tmp_path: Path) -> None:
    root = team_repo(tmp_path)
    path = write_agenda(root, build_agenda(load_catalog(root), date=MEETING, today=TODAY))
    edited = path.read_text(encoding="utf-8").replace("## 발표", "## 발표 (순서 바꿈)")
    path.write_text(edited, encoding="utf-8")
    agenda = build_agenda(load_catalog(root), date=MEETING, today=TODAY)
    with pytest.raises(DataError, match="edited by a person"):
        write_agenda(root, agenda)
    assert path.read_text(encoding="utf-8") == edited
    write_agenda(root, agenda, force=True)
    assert "순서 바꿈" not in path.read_text(encoding="utf-8")


def test_presenters_new_papers_and_changed_results(tmp_path: Path) -> None:
    root = team_repo(tmp_path)
    results = root / "reproductions" / "bert" / "results"
    results.mkdir(parents=True)
    for name, started in (("old", "2025-06-20T10:00:00+00:00"), ("fresh", "2025-07-03T10:00:00Z")):
        (results / f"{name}.json").write_text(
            json.dumps(
                {
                    "schema": 1,
                    "reproduction": "bert",
                    "kind": "train",
                    "run": name,
                    "passed": True,
                    "provenance": {"started_at": started},
                }
            ),
            encoding="utf-8",
        )
    agenda = build_agenda(load_catalog(root), date=MEETING, today=TODAY)
    talks = {(t["paper_id"], t["presenter"]) for t in agenda.presentations}
    # Presenters of papers not yet presented, read from the files with a plain YAML reader:
    # without a date, or dated on the meeting itself (as after a sync pulls the sheet's date),
    # they are the next meeting's.
    pending = set()
    for path in (root / "papers").glob("*.md"):
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
        when = front.get("presented_on")
        if (
            front.get("presenter")
            and front.get("status") != "presented"
            and (when is None or when >= MEETING)
        ):
            pending.add((path.stem, front["presenter"]))
    assert talks == pending and ("1810.04805", "jiwoo") in talks
    added = {
        p.stem
        for p in (root / "papers").glob("*.md")
        if re.search(r"^added_on: '?2025-07-0[2-8]'?$", p.read_text(encoding="utf-8"), re.M)
    }
    assert set(agenda.new_papers) == added and added
    assert [r["run"] for r in agenda.changed_results] == ["fresh"]


def test_calendar_has_stable_uids_and_presenters() -> None:
    catalog = load_catalog(REPO)
    first = Calendar.from_ical(build_calendar(catalog, weeks=4, today=TODAY))
    second = Calendar.from_ical(build_calendar(catalog, weeks=4, today=TODAY))
    events = list(first.walk("VEVENT"))
    assert len(events) == 4
    assert [str(e["uid"]) for e in events] == [str(e["uid"]) for e in second.walk("VEVENT")]
    assert events[0].decoded("dtstart").date() == MEETING
    assert "김지우 (@jiwoo)" in str(events[0]["description"])  # people by name
    assert events[0].decoded("dtstart").hour == 20
    assert [str(tz["tzid"]) for tz in first.walk("VTIMEZONE")] == ["Asia/Seoul"]


def test_cli_agenda_writes_the_note_and_the_calendar(tmp_path: Path, monkeypatch) -> None:
    root = team_repo(tmp_path)
    monkeypatch.setenv("TRACKER_TODAY", TODAY.isoformat())
    runner = CliRunner()
    ics = tmp_path / "m.ics"
    result = runner.invoke(app, ["agenda", "--root", str(root), "--ics", str(ics)])
    assert result.exit_code == 0, result.output
    assert (root / "docs/meetings/2025-07-08.md").is_file() and ics.is_file()
    help_text = runner.invoke(app, ["agenda", "--help"]).output
    assert "Example:" in help_text


def test_agenda_draft_and_calendar_follow_the_team_language(tmp_path: Path) -> None:
    root = team_repo(tmp_path)
    catalog = load_catalog(root)
    korean = build_agenda(catalog, today=TODAY).to_markdown()
    assert "# 2025-07-08 모임 안건" in korean and "## 읽기 진행 상황" in korean
    assert "— 김지우 (@jiwoo)" in korean
    settings = root / "papers" / "team.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "language: en\n", "utf-8")
    catalog = load_catalog(root)
    english = build_agenda(catalog, today=TODAY).to_markdown()
    assert "# 2025-07-08 meeting agenda" in english and "## Reading progress" in english
    assert "모임 안건" not in english and "읽기 진행" not in english
    events = list(Calendar.from_ical(build_calendar(catalog, weeks=1, today=TODAY)).walk("VEVENT"))
    assert "(date not set)" in str(events[0]["description"])
