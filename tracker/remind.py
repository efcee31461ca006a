"""The weekly reminder posted in the team chat: when and where, who presents what (with slides),
who is behind on reading, and the action items still open with their age.

`build_reminder` writes the message (Korean, plain text that reads the same in Slack, Discord
and a terminal); `post_reminder` sends it to an incoming webhook whose URL comes from an
environment variable and is never stored or printed. `papers/.remind.json` records the days a
message was sent, so running twice the same day sends once (unless forced).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker import store
from tracker.agenda import open_action_items
from tracker.catalog import Catalog
from tracker.errors import UsageError
from tracker.http import request
from tracker.progress import member_progress
from tracker.schedule import plan_schedule

STATE_FILE = "papers/.remind.json"
WEBHOOK_ENV = "TRACKER_WEBHOOK_URL"
DISCORD_LIMIT = 2000  # characters per Discord message
WEEKDAYS = "월화수목금토일"


@dataclass
class Reminder:
    meeting: dt.date | None
    text: str
    skipped: list[str] = field(default_factory=list)

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def _day(date: dt.date) -> str:
    return f"{date.isoformat()} ({WEEKDAYS[date.weekday()]})"


def build_reminder(catalog: Catalog, *, today: dt.date | None = None) -> Reminder:
    """The message for the next meeting that is held (holidays and skip dates passed over)."""
    today = today or store.today(catalog.root)
    team = catalog.team
    schedule = team.schedule
    plan = plan_schedule(catalog, weeks=6, today=today)
    names = {m.handle: m.name for m in team.members}
    papers = {p.id: p for p in catalog.papers}
    lines: list[str] = []
    if not plan.meetings:
        text = f"[{team.name}] 앞으로 6주 동안 모임이 없습니다."
        return Reminder(None, text, [s.reason for s in plan.skipped])
    meeting = plan.meetings[0]
    skipped = [s for s in plan.skipped if s.date < meeting.date]
    where = f" · {schedule.location}" if schedule.location else ""
    lines.append(f"[{team.name}] 다음 모임 안내")
    for s in skipped:
        lines.append(f"{_day(s.date)} 모임은 쉽니다 ({s.reason}).")
    lines.append(
        f"일시: {_day(meeting.date)} {schedule.time.strftime('%H:%M')} ({schedule.timezone}){where}"
    )
    lines += ["", "발표"]
    if not meeting.talks:
        lines.append("- 정해진 발표가 없습니다")
    for talk in meeting.talks:
        paper = papers.get(talk.paper)
        who = f"{names.get(talk.presenter, talk.presenter)} (@{talk.presenter})"
        slides = f"발표 자료: {paper.slides}" if paper and paper.slides else "발표 자료: 아직 없음"
        link = f" {paper.link}" if paper and paper.link else ""
        pending = " (미확정)" if talk.origin == "new" else ""
        lines.append(f"- {who}: {talk.title} ({talk.paper}){link}{pending} · {slides}")
    for _ in range(meeting.open_slots):
        lines.append("- (발표자 없음)")
    behind = [p for p in member_progress(catalog, today=today) if p.behind]
    lines += ["", "읽기 진도"]
    if behind:
        for row in behind:
            lines.append(
                f"- {row.name} (@{row.handle}): {row.read}편 읽음, 지금까지 "
                f"{row.expected_by_now}편이 목표 ({row.behind_by}편 뒤처짐)"
            )
    else:
        lines.append("- 모두 순조롭습니다")
    items = open_action_items(catalog.meetings, meeting.date)
    lines += ["", "남은 할 일"]
    if not items:
        lines.append("- 없음")
    for item in items:
        owner = f" @{item.owner}" if item.owner and f"@{item.owner}" not in item.text else ""
        age = f"{item.weeks_open}주째" if item.weeks_open else "이번 주"
        lines.append(f"- [ ] {item.text}{owner} ({age}, {item.meeting_date.isoformat()}부터)")
    if any(t.origin == "new" for t in meeting.talks):
        lines += ["", "(미확정) 발표는 `tracker schedule --apply`로 확정하기 전의 제안입니다."]
    return Reminder(meeting.date, "\n".join(lines) + "\n", [s.reason for s in skipped])


# --------------------------------------------------------------------------------------------
# Sending


def read_state(root: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads((Path(root) / STATE_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
        return []
    sent = data.get("sent") if isinstance(data, dict) else None
    return [s for s in sent or [] if isinstance(s, dict)]


def sent_today(root: Path, today: dt.date) -> dict[str, Any] | None:
    return next((s for s in read_state(root) if s.get("day") == today.isoformat()), None)


def webhook_flavour(url: str) -> str:
    """Discord's webhooks take {"content"}; Slack's (and most compatible ones) take {"text"}."""
    host = url.split("/")[2] if "://" in url else ""
    return "discord" if host.endswith(("discord.com", "discordapp.com")) else "slack"


def payloads(text: str, flavour: str) -> list[dict[str, str]]:
    if flavour == "discord":
        chunks: list[str] = []
        current = ""
        for line in text.splitlines(keepends=True):
            while len(line) > DISCORD_LIMIT:  # one huge line: cut it
                if current:
                    chunks.append(current)
                    current = ""
                chunks.append(line[:DISCORD_LIMIT])
                line = line[DISCORD_LIMIT:]
            if len(current) + len(line) > DISCORD_LIMIT:
                chunks.append(current)
                current = ""
            current += line
        if current:
            chunks.append(current)
        return [{"content": c} for c in chunks]
    return [{"text": text}]


def post_reminder(
    root: Path,
    reminder: Reminder,
    *,
    env: str = WEBHOOK_ENV,
    flavour: str | None = None,
    force: bool = False,
    today: dt.date | None = None,
    timeout: float = 10.0,
) -> bool:
    """Send the message; False (nothing sent) when one was sent today already and not `force`."""
    today = today or store.today()
    url = os.environ.get(env, "").strip()
    if not url:
        raise UsageError(
            f"no webhook: the environment variable {env} is empty",
            fix=f"export {env}=<your Slack/Discord incoming webhook URL> (keep it out of the repo)",
        )
    if not url.startswith(("https://", "http://")):
        raise UsageError(f"{env} does not hold an http(s) URL", fix="copy the webhook URL again")
    if not force and sent_today(root, today):
        return False
    kind = flavour or webhook_flavour(url)
    for body in payloads(reminder.text, kind):
        request("POST", url, what="posting the reminder", json=body, timeout=timeout, retries=2)
    state = [s for s in read_state(root) if s.get("day") != today.isoformat()]
    state.append(
        {
            "day": today.isoformat(),
            "meeting": reminder.meeting.isoformat() if reminder.meeting else None,
            "sha256": reminder.digest,
            "flavour": kind,
        }
    )
    text = json.dumps({"schema": 1, "sent": state[-20:]}, ensure_ascii=False, indent=2) + "\n"
    store.atomic_write_text(Path(root) / STATE_FILE, text)
    return True
