"""`tracker remind`: the weekly chat message; printed, or posted to an incoming webhook."""

from __future__ import annotations

from pathlib import Path

import typer

from tracker import store
from tracker.cli.common import JsonOption, RootOption, flag, lenient_catalog, resolve_root, verb
from tracker.cli.output import err_console, print_json
from tracker.errors import UsageError

HELP = """The message to post in the team chat before the meeting (Korean): date, time and
place, presenters and papers with slides links, who is behind on reading, and the action items
still open with their age. Printed as plain text by default.

--post sends it to a Slack- or Discord-compatible incoming webhook whose URL is read from an
environment variable (TRACKER_WEBHOOK_URL unless --webhook-env names another); the URL is never
stored or printed. A message already sent today is not sent again unless --force.

Example: TRACKER_WEBHOOK_URL=https://hooks.slack.com/services/... tracker remind --post
"""


def register(app: typer.Typer) -> None:
    @verb(app, "remind", HELP, "Example: tracker remind   (prints the message)")
    def remind(
        post: bool = flag("--post", help="Send it to the webhook."),
        webhook_env: str = typer.Option(
            "TRACKER_WEBHOOK_URL", "--webhook-env", help="Environment variable with the URL."
        ),
        flavour: str = typer.Option(
            None, "--flavour", help="slack or discord (default: from the webhook's host)."
        ),
        force: bool = flag("--force", help="Send even if sent today already."),
        as_json: bool = JsonOption,
        root: Path = RootOption,
    ) -> None:
        from tracker.remind import build_reminder, post_reminder, sent_today

        if flavour not in (None, "slack", "discord"):
            raise UsageError(f"--flavour {flavour!r}", fix="use slack or discord")
        root_path = resolve_root(root)
        catalog = lenient_catalog(root_path)
        today = store.today(root_path)
        reminder = build_reminder(catalog, today=today)
        if as_json:
            print_json(
                {
                    "schema": 1,
                    "meeting": reminder.meeting.isoformat() if reminder.meeting else None,
                    "text": reminder.text,
                    "sha256": reminder.digest,
                }
            )
        elif not post:
            typer.echo(reminder.text, nl=False)
        if not post:
            return
        sent = post_reminder(
            root_path, reminder, env=webhook_env, flavour=flavour, force=force, today=today
        )
        if sent:
            err_console.print(f"posted the reminder for {reminder.meeting}")
        else:
            previous = sent_today(root_path, today) or {}
            err_console.print(
                f"already posted today (for {previous.get('meeting')}); not sent again "
                "(--force to send anyway)"
            )
