"""`tracker dashboard`: run the Streamlit dashboard on the team repository."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import typer

from tracker.cli.common import RootOption, flag, resolve_root, verb
from tracker.cli.output import console
from tracker.dashboard import APP_PATH, ROOT_ENV
from tracker.errors import UsageError

HELP = """Open the group's dashboard (Streamlit): this week's meeting, the reading list, quota
progress, reproduction results and meeting notes.

It reads the repository through the same loader as the site and picks up edits to papers/,
docs/meetings/ and reproductions/*/results/ on the next page load. Stop it with Ctrl+C.

Example: tracker dashboard --port 8501
"""
EXAMPLE = "Example: tracker dashboard --root ~/nlp-group --address 0.0.0.0 --port 8080"


def streamlit_command(
    *, port: int, address: str, headless: bool, python: str | None = None
) -> list[str]:
    """The `streamlit run` command line for the dashboard's app."""
    return [
        python or sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP_PATH),
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.headless",
        "true" if headless else "false",
        # Nothing leaves the machine: no usage statistics.
        "--browser.gatherUsageStats",
        "false",
        # The meeting screen shows the dashboard, not Streamlit's "Deploy" button and dev menu.
        "--client.toolbarMode",
        "minimal",
    ]


def register(app: typer.Typer) -> None:
    @verb(app, "dashboard", HELP, EXAMPLE)
    def dashboard_command(
        port: int = typer.Option(8501, "--port", help="Port to serve on.", min=1, max=65535),
        address: str = typer.Option(
            "127.0.0.1",
            "--address",
            help="Address to listen on (0.0.0.0 shares it on the local network).",
        ),
        headless: bool = flag("--headless", help="Do not open a browser window (servers, CI)."),
        root: Path = RootOption,
    ) -> None:
        root_path = resolve_root(root)
        if not (root_path / "papers" / "team.yaml").is_file():
            raise UsageError(
                f"{root_path} is not a team repository (it has no papers/team.yaml)",
                fix="pass --root with the repository's folder, or run the command inside it",
            )
        from tracker.extras import require

        require("tracker dashboard", "streamlit")
        command = streamlit_command(port=port, address=address, headless=headless)
        env = {**os.environ, ROOT_ENV: str(root_path)}
        console.print(
            f"dashboard for {root_path} on http://{address}:{port} (Ctrl+C stops it)",
            markup=False,
        )
        process = subprocess.Popen(command, env=env)
        # A service manager stops us with SIGTERM: pass it on so the server does not outlive us.
        signal.signal(signal.SIGTERM, lambda signum, frame: process.send_signal(signum))
        try:
            code = process.wait()
        except KeyboardInterrupt:
            # The terminal sent Ctrl+C to Streamlit too; let it shut down cleanly.
            code = process.wait()
        raise typer.Exit(code)
