"""The weekly reminder: its content from the sample team, holidays passed over, and posting to
a loopback Slack/Discord-style webhook with 429/500/timeout faults, once a day unless forced."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.loopback import Loopback
from tracker.agenda import open_action_items
from tracker.catalog import load_catalog
from tracker.cli.main import app
from tracker.errors import RemoteError
from tracker.progress import member_progress
from tracker.remind import build_reminder, payloads, post_reminder
from tracker.schedule import plan_schedule

REPO = Path(__file__).resolve().parents[1]
runner = CliRunner()
SECRET = "/services/T000/B000/very-secret-token"


def team_repo(tmp_path: Path) -> Path:
    root = tmp_path / "team"
    shutil.copytree(REPO / "papers", root / "papers")
    shutil.copytree(REPO / "docs" / "meetings", root / "docs" / "meetings")
    return root


def ok_handler(method: str, path: str, query: dict, body: bytes) -> tuple[int, str, bytes]:
    return 200, "text/plain", b"ok"


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch) -> None:
    monkeypatch.setenv("TRACKER_HTTP_BACKOFF", "0")


def test_message_has_time_place_talks_slides_laggards_and_open_items(tmp_path: Path) -> None:
    catalog = load_catalog(team_repo(tmp_path))
    today = dt.date(2025, 10, 4)
    reminder = build_reminder(catalog, today=today)
    text = reminder.text
    # 2025-10-07 is 추석: the message is for 10-14 and says why there is no meeting on the 7th.
    assert reminder.meeting == dt.date(2025, 10, 14)
    assert "2025-10-07 (화) 모임은 쉽니다 (추석 다음날)" in text
    assert "일시: 2025-10-14 (화) 20:00 (Asia/Seoul) · Zoom" in text
    meeting = plan_schedule(catalog, weeks=6, today=today).meeting(dt.date(2025, 10, 14))
    assert meeting is not None and meeting.talks
    papers = {p.id: p for p in catalog.papers}
    for talk in meeting.talks:
        line = next(line for line in text.splitlines() if f"({talk.paper})" in line)
        assert f"(@{talk.presenter})" in line
        slides = papers[talk.paper].slides
        assert (f"발표 자료: {slides}" if slides else "발표 자료: 아직 없음") in line
    behind = [p for p in member_progress(catalog, today=today) if p.behind]
    assert behind, "the sample team is behind pace in October"
    for row in behind:
        assert f"(@{row.handle}): {row.read}편 읽음" in text and f"{row.behind_by}편 뒤처짐" in text
    items = open_action_items(catalog.meetings, dt.date(2025, 10, 14))
    assert items
    for item in items:
        assert f"{item.weeks_open}주째, {item.meeting_date.isoformat()}부터" in text


def test_post_retries_429_and_500_then_sends_once_a_day(tmp_path: Path, monkeypatch) -> None:
    root = team_repo(tmp_path)
    monkeypatch.setenv("TRACKER_TODAY", "2025-07-07")
    printed = runner.invoke(app, ["remind", "--root", str(root)])
    assert printed.exit_code == 0 and "다음 모임 안내" in printed.stdout
    with Loopback(ok_handler, faults=[429, 500]) as hook:
        monkeypatch.setenv("TRACKER_WEBHOOK_URL", hook.url + SECRET)
        first = runner.invoke(app, ["remind", "--root", str(root), "--post"])
        assert first.exit_code == 0, first.output
        assert len(hook.requests) == 3  # 429, 500, then delivered
        assert hook.requests[-1].path == SECRET
        assert hook.requests[-1].json() == {"text": printed.stdout}
        again = runner.invoke(app, ["remind", "--root", str(root), "--post"])
        assert again.exit_code == 0 and "already posted today" in again.output
        assert len(hook.requests) == 3
        forced = runner.invoke(app, ["remind", "--root", str(root), "--post", "--force"])
        assert forced.exit_code == 0 and len(hook.requests) == 4
        monkeypatch.setenv("TRACKER_TODAY", "2025-07-08")
        next_day = runner.invoke(app, ["remind", "--root", str(root), "--post"])
        assert next_day.exit_code == 0 and len(hook.requests) == 5
    assert SECRET not in (root / "papers" / ".remind.json").read_text(encoding="utf-8")


def test_a_failing_webhook_exits_3_without_leaking_the_url_or_recording(
    tmp_path: Path, monkeypatch
) -> None:
    root = team_repo(tmp_path)
    monkeypatch.setenv("TRACKER_TODAY", "2025-07-07")
    with Loopback(ok_handler, faults=[500, 500, 500]) as hook:
        monkeypatch.setenv("TRACKER_WEBHOOK_URL", hook.url + SECRET)
        result = runner.invoke(app, ["remind", "--root", str(root), "--post"])
        assert result.exit_code == 3
        assert "HTTP 500 after 3 tries" in result.output and SECRET not in result.output
        assert "very-secret" not in result.output and "Traceback" not in result.output
        assert not (root / "papers" / ".remind.json").exists()
        retried = runner.invoke(app, ["remind", "--root", str(root), "--post"])
        assert retried.exit_code == 0 and hook.requests[-1].json()["text"]


def test_a_webhook_that_never_answers_times_out(tmp_path: Path, monkeypatch) -> None:
    root = team_repo(tmp_path)
    catalog = load_catalog(root)
    reminder = build_reminder(catalog, today=dt.date(2025, 7, 7))
    with Loopback(ok_handler, faults=["timeout", "timeout", "timeout"]) as hook:
        monkeypatch.setenv("TRACKER_WEBHOOK_URL", hook.url + SECRET)
        with pytest.raises(RemoteError) as caught:
            post_reminder(root, reminder, today=dt.date(2025, 7, 7), timeout=0.2)
    assert "no answer" in str(caught.value) and SECRET not in str(caught.value)
    assert len(hook.requests) == 3


def test_discord_gets_content_in_pieces_under_its_limit(tmp_path: Path, monkeypatch) -> None:
    root = team_repo(tmp_path)
    monkeypatch.setenv("TRACKER_TODAY", "2025-07-07")
    with Loopback(ok_handler) as hook:
        monkeypatch.setenv("HOOK", hook.url + "/api/webhooks/1/abc")
        result = runner.invoke(
            app,
            [
                "remind",
                "--root",
                str(root),
                "--post",
                "--webhook-env",
                "HOOK",
                "--flavour",
                "discord",
            ],
        )
        assert result.exit_code == 0, result.output
        assert set(hook.requests[0].json()) == {"content"}
    long_text = "\n".join(f"- 줄 {i} " + "가" * 50 for i in range(100)) + "\n"
    pieces = payloads(long_text, "discord")
    assert len(pieces) > 1 and all(len(p["content"]) <= 2000 for p in pieces)
    assert "".join(p["content"] for p in pieces) == long_text


def test_missing_webhook_variable_is_a_usage_error(tmp_path: Path, monkeypatch) -> None:
    root = team_repo(tmp_path)
    monkeypatch.delenv("TRACKER_WEBHOOK_URL", raising=False)
    result = runner.invoke(app, ["remind", "--root", str(root), "--post"])
    assert result.exit_code == 2 and "TRACKER_WEBHOOK_URL" in result.output


def test_json_carries_the_text_and_its_hash(tmp_path: Path, monkeypatch) -> None:
    root = team_repo(tmp_path)
    monkeypatch.setenv("TRACKER_TODAY", "2025-07-07")
    data = json.loads(runner.invoke(app, ["remind", "--root", str(root), "--json"]).stdout)
    assert data["meeting"] == "2025-07-08" and data["text"].startswith("[")


def test_the_webhook_flavour_follows_the_host() -> None:
    from tracker.remind import webhook_flavour

    assert webhook_flavour("https://discord.com/api/webhooks/1/x") == "discord"
    assert webhook_flavour("https://discordapp.com/api/webhooks/1/x") == "discord"
    assert webhook_flavour("https://hooks.slack.com/services/T/B/x") == "slack"
    assert webhook_flavour("https://chat.example.org/hooks/x") == "slack"
    assert payloads("안녕\n", "slack") == [{"text": "안녕\n"}]
