"""The sync snapshot (papers/.sync/base.csv) and git: self-checking, rebuildable, tied to its
remote, and merged by a git merge driver so that a conflict resolves safely."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers.repo import (
    SHEET,
    assert_sync_refused,
    edit_paper,
    run_cli,
    set_cell,
)
from tracker import store
from tracker.sync import sync

BASE = store.SNAPSHOT_FILE


_cli = run_cli
_refused = assert_sync_refused


def _conflicted(text: str) -> str:
    lines = text.splitlines(keepends=True)
    return "".join(
        [lines[0], "<<<<<<< HEAD\n", lines[1], "=======\n", lines[1], ">>>>>>> theirs\n"]
        + lines[2:]
    )


@pytest.mark.parametrize(
    ("damage", "needle"),
    [
        (lambda t: _conflicted(t).encode(), "git conflict markers"),
        (lambda t: b"\x00\x01garbage\xff\xfe" * 20, "not UTF-8"),
        (lambda t: t.replace("id,", "ident,", 1).encode(), "no 'id' column"),
        (lambda t: ("id,title\n" + "x" * 50 + ',"unclosed\n').encode(), "cannot be read"),
        (lambda t: (t + t.splitlines()[1] + "\n").encode(), "twice"),
    ],
    ids=["conflict-markers", "binary", "no-id-column", "torn-quotes", "duplicate-id"],
)
def test_a_damaged_snapshot_is_refused_with_the_way_to_recover(
    synced_repo: Path,
    damage,
    needle: str,  # noqa: ANN001
) -> None:
    path = synced_repo / BASE
    path.write_bytes(damage(path.read_text(encoding="utf-8")))
    _refused(synced_repo, BASE, needle, "tracker sync --rebuild-snapshot")


def test_rebuild_snapshot_shows_what_it_assumes_then_settles(synced_repo: Path) -> None:
    (synced_repo / BASE).write_bytes(b"<<<<<<< HEAD\ngarbage\n")
    edit_paper(synced_repo, "007", venue="Local venue")  # only local: pushed
    set_cell(synced_repo, "2101.10000", "학회", "Sheet venue")  # only the sheet: pulled
    edit_paper(synced_repo, "1810.04805", title="Local title")
    set_cell(synced_repo, "1810.04805", "제목", "Sheet title")  # both, differently: conflict

    code, text = _cli(synced_repo, "sync", "--rebuild-snapshot")
    assert code == 1, text  # the conflict has to be settled first
    assert "rebuilding the snapshot" in text and "assume" in text
    assert "CONFLICT 1810.04805 title" in text
    assert "push  007" in text and "pull  2101.10000" in text
    assert "row deleted" not in text

    code, text = _cli(synced_repo, "sync", "--rebuild-snapshot", "--apply", "--take", "sheet")
    assert code == 0, text
    assert store.read_paper(store.paper_path(synced_repo, "2101.10000")).venue == "Sheet venue"
    assert store.read_paper(store.paper_path(synced_repo, "1810.04805")).title == "Sheet title"
    assert not sync(synced_repo).plan.has_changes
    assert store.read_snapshot(synced_repo)["007"]["venue"] == "Local venue"


def test_switching_the_remote_with_an_old_snapshot_is_refused_not_reported_as_deletions(
    synced_repo: Path,
) -> None:
    shutil.copy(synced_repo / SHEET, synced_repo / "papers" / "moved.csv")
    team = synced_repo / "papers" / "team.yaml"
    team.write_text(team.read_text("utf-8").replace("reading-list.csv", "moved.csv"), "utf-8")
    text = _refused(synced_repo, "file reading-list.csv", "file moved.csv", "--rebuild-snapshot")
    assert "row deleted" not in text
    code, text = _cli(synced_repo, "sync", "--rebuild-snapshot", "--apply")
    assert code == 0, text
    assert not sync(synced_repo).plan.has_changes


# --------------------------------------------------------------------------------------------
# git


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
    )


def test_git_merge_driver_merges_two_members_snapshots_without_reverting_either(
    tmp_path: Path,
) -> None:
    import sys

    from tests.helpers.repo import write_team_repo

    # The sheet lives outside the repository (a shared folder, like a Google Sheet).
    root = write_team_repo(tmp_path / "team")
    sheet = tmp_path / "shared" / "reading-list.csv"
    sheet.parent.mkdir()
    shutil.move(root / SHEET, sheet)
    team = root / "papers" / "team.yaml"
    team.write_text(team.read_text("utf-8").replace("papers/reading-list.csv", str(sheet)), "utf-8")
    sync(root, apply=True)
    (root / ".gitattributes").write_text(
        (Path(__file__).resolve().parents[1] / ".gitattributes").read_text("utf-8"), "utf-8"
    )
    assert _git(root, "init", "-q", "-b", "main").returncode == 0
    driver = f"{sys.executable} -m tracker.cli.main snapshot-merge %O %A %B"
    _git(root, "config", "merge.tracker-snapshot.driver", driver)
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "base")
    # Member A syncs an edit of 1810.04805 and commits on main. Member B, from the same base,
    # edits 2101.10000 and syncs (pulling A's edit too); the two snapshots differ in adjacent
    # rows, which git's line merge cannot combine.
    edit_paper(root, "1810.04805", venue="A's venue")
    sync(root, apply=True)
    _git(root, "commit", "-qam", "a syncs")
    _git(root, "checkout", "-qb", "member-b", "HEAD~1")
    edit_paper(root, "2101.10000", venue="B's venue")
    sync(root, apply=True)
    _git(root, "commit", "-qam", "b syncs")
    _git(root, "checkout", "-q", "main")
    merged = _git(root, "merge", "-q", "--no-edit", "member-b")
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert "<<<<<<<" not in (root / BASE).read_text("utf-8")
    base = store.read_snapshot(root)
    assert base["1810.04805"]["venue"] == "A's venue"
    assert base["2101.10000"]["venue"] == "B's venue"
    # The merged repository, the snapshot and the sheet agree: nothing to pull back over
    # either member's edit.
    plan = sync(root).plan
    assert plan.conflicts == [] and not plan.has_changes, (plan.pulls, plan.pushes)


def test_without_the_driver_git_would_conflict_on_the_snapshot(tmp_path: Path) -> None:
    from tracker.snapshot_merge import merge_snapshots

    fields = ["id", "venue"]
    ancestor = {"a": {"id": "a", "venue": ""}, "b": {"id": "b", "venue": ""}}
    ours = {"a": {"id": "a", "venue": "A"}, "b": {"id": "b", "venue": ""}}
    theirs = {"a": {"id": "a", "venue": "A"}, "b": {"id": "b", "venue": "B"}}
    merged, unknown = merge_snapshots(ancestor, ours, theirs, fields)
    assert merged == {"a": {"id": "a", "venue": "A"}, "b": {"id": "b", "venue": "B"}}
    assert unknown == 0
    theirs["a"]["venue"] = "other"
    merged, unknown = merge_snapshots(ancestor, ours, theirs, fields)
    assert merged["a"]["venue"] == "" and unknown == 1  # no agreed value: the next sync decides


def test_doctor_reports_a_damaged_snapshot_with_the_way_to_recover(synced_repo: Path) -> None:
    (synced_repo / BASE).write_text("<<<<<<< HEAD\n", encoding="utf-8")
    code, text = _cli(synced_repo, "doctor")
    assert code != 0 and "git conflict markers" in text and "--rebuild-snapshot" in text


def test_an_old_snapshot_without_its_remote_recorded_is_not_read_as_mass_deletion(
    synced_repo: Path,
) -> None:
    (synced_repo / store.SNAPSHOT_REMOTE_FILE).unlink()  # written by an older tracker
    other = synced_repo / "papers" / "other.csv"
    other.write_text("ID,제목\nlstm-1997,LSTM\n", encoding="utf-8")
    team = synced_repo / "papers" / "team.yaml"
    team.write_text(team.read_text("utf-8").replace("reading-list.csv", "other.csv"), "utf-8")
    text = _refused(synced_repo, "another remote", "--rebuild-snapshot")
    assert "row deleted" not in text
