"""Fixtures shared by the tracker's tests: a small team repository in a temp directory."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.helpers.repo import REPO, snapshot_tree, write_team_repo  # noqa: F401

# Nothing in the suite may reach a model hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture
def team_repo(tmp_path: Path) -> Path:
    return write_team_repo(tmp_path / "team")


@pytest.fixture
def synced_repo(team_repo: Path) -> Path:
    """A team repository after its first `sync --apply`: files, sheet and snapshot agree."""
    from tracker.sync import sync

    sync(team_repo, apply=True)
    return team_repo


@pytest.fixture
def sample_repo(tmp_path: Path) -> Path:
    """A copy of the bundled sample team (papers/, docs/meetings/, reproductions results)."""
    target = tmp_path / "sample"
    shutil.copytree(REPO / "papers", target / "papers")
    if (REPO / "docs").is_dir():
        shutil.copytree(
            REPO / "docs", target / "docs", ignore=shutil.ignore_patterns("papers", "members")
        )
    return target


@pytest.fixture(autouse=True)
def _torch_threads_restored():
    """A train script run in-process sets torch to one thread (its small matrices run faster so);
    put the count back so the next test computes as it would alone."""
    import sys

    torch = sys.modules.get("torch")
    before = torch.get_num_threads() if torch is not None else None
    yield
    torch = sys.modules.get("torch")
    if torch is not None and before is not None and torch.get_num_threads() != before:
        torch.set_num_threads(before)
