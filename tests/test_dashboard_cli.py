"""`tracker dashboard`: the help, and the `streamlit run` command it starts with the root in env."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tracker.cli import dashboard as dashboard_cli
from tracker.cli.main import app
from tracker.dashboard import APP_PATH


def test_dashboard_help_has_an_example() -> None:
    result = CliRunner().invoke(app, ["dashboard", "--help"])
    assert result.exit_code == 0
    assert "Example: tracker dashboard" in result.output
    for option in ("--port", "--address", "--root", "--headless"):
        assert option in result.output


def test_dashboard_runs_streamlit_on_the_app_with_the_root_in_env(
    team_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: dict = {}

    class FakeStreamlit:
        def __init__(self, command: list[str], env: dict[str, str]) -> None:
            started.update(command=command, env=env)

        def wait(self) -> int:
            return 3  # the server's exit status is the command's

    monkeypatch.setattr(dashboard_cli.subprocess, "Popen", FakeStreamlit)
    result = CliRunner().invoke(
        app,
        [
            "dashboard",
            "--port",
            "8765",
            "--address",
            "0.0.0.0",
            "--headless",
            "--root",
            str(team_repo),
        ],
    )
    assert result.exit_code == 3, result.output
    command = started["command"]
    assert command[1:5] == ["-m", "streamlit", "run", str(APP_PATH)]
    flags = dict(zip(command[5::2], command[6::2], strict=True))
    assert flags["--server.port"] == "8765"
    assert flags["--server.address"] == "0.0.0.0"
    assert flags["--server.headless"] == "true"
    assert flags["--browser.gatherUsageStats"] == "false"
    assert flags["--client.toolbarMode"] == "minimal"  # no "Deploy" button on the meeting screen
    assert started["env"]["TRACKER_ROOT"] == str(team_repo.resolve())


def test_dashboard_defaults_to_loopback_and_a_browser_window() -> None:
    command = dashboard_cli.streamlit_command(port=8501, address="127.0.0.1", headless=False)
    flags = dict(zip(command[5::2], command[6::2], strict=True))
    assert flags["--server.address"] == "127.0.0.1"
    assert flags["--server.headless"] == "false"


def test_dashboard_refuses_a_root_without_team_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_server(*args: object, **kwargs: object) -> None:
        raise AssertionError("no server may start for a folder that is not a team repository")

    monkeypatch.setattr(dashboard_cli.subprocess, "Popen", no_server)
    result = CliRunner().invoke(app, ["dashboard", "--root", str(tmp_path)])
    assert result.exit_code == 2  # UsageError
    assert "no papers/team.yaml" in result.output
