"""`tracker site serve` stops its `mkdocs serve` child when it is stopped itself."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from site_helpers import TODAY, make_team_repo


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has exited and only waits to be reaped


def test_stopping_site_serve_leaves_no_mkdocs_child(tmp_path: Path) -> None:
    # SIGTERM (a service manager, `kill`): unlike Ctrl+C in a terminal, it reaches our process
    # alone, so the child is stopped only if we stop it.
    stop_with = signal.SIGTERM
    root = make_team_repo(tmp_path / "team", results=False)
    port = _free_port()
    command = [sys.executable, "-m", "tracker.cli.main", "site", "serve", "--root", str(root)]
    command += ["--address", f"127.0.0.1:{port}"]
    log = (tmp_path / "serve.log").open("wb")
    # Its own session, like a service manager's unit: the signal goes to our process alone,
    # not to a terminal's whole foreground group.
    serve = subprocess.Popen(
        command,
        env={**os.environ, "TRACKER_TODAY": TODAY},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert serve.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "mkdocs serve did not answer"
            time.sleep(0.25)  # polling a server that is starting, not waiting for time
        children = _children(serve.pid)
        assert children, "mkdocs serve runs as a child process"
        os.kill(serve.pid, stop_with)
        assert serve.wait(timeout=30) in (0, -stop_with, 128 + stop_with)
        assert [c for c in children if _alive(c)] == []
        with pytest.raises(ProcessLookupError):
            os.killpg(serve.pid, 0)  # nothing of its process group is left
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGKILL)
        log.close()
