"""One clock for the sample: every command on the bundled sample shows its week; a real team
runs on the real date; $TRACKER_TODAY wins over both."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tracker import store
from tracker.agenda import build_agenda
from tracker.catalog import load_catalog
from tracker.progress import expected_by, member_progress

SAMPLE_DAY = dt.date(2025, 7, 7)


@pytest.fixture(autouse=True)
def _real_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRACKER_TODAY", raising=False)
    monkeypatch.delenv("TRACKER_ROOT", raising=False)


def test_the_sample_pins_its_week_for_agenda_progress_and_dashboard(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert store.today(sample_repo) == SAMPLE_DAY
    catalog = load_catalog(sample_repo)
    assert build_agenda(catalog).date == dt.date(2025, 7, 8)  # the Tuesday after
    rows = member_progress(catalog)
    assert {r.expected_by_now for r in rows} == {expected_by(catalog.team, SAMPLE_DAY)}
    # The dashboard finds its team through $TRACKER_ROOT.
    monkeypatch.setenv("TRACKER_ROOT", str(sample_repo))
    from tracker.dashboard import data

    assert data.today() == SAMPLE_DAY


def test_a_real_team_runs_on_the_real_date(team_repo: Path) -> None:
    assert store.today(team_repo) == dt.date.today()
    assert store.today(team=store.load_team(team_repo)) == dt.date.today()


def test_tracker_today_wins_over_the_pin(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_TODAY", "2025-09-01")
    assert store.today(sample_repo) == dt.date(2025, 9, 1)
    assert build_agenda(load_catalog(sample_repo)).date == dt.date(2025, 9, 2)
