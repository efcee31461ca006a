"""`kill -9` in the middle of `sync --apply` leaves every file old or new, and a rerun converges.

A driver process runs the real sync and SIGKILLs itself at the k-th file operation (before a
rename, or after data was written to a temp file but before it was renamed), for every k.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.helpers.repo import REPO, edit_paper, set_cell, snapshot_tree
from tracker.sync import sync

DRIVER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path

    root, hook, k = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    calls = {"n": 0}
    real = getattr(os, hook)

    def dying(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == k:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)

    setattr(os, hook, dying)
    from tracker.sync import sync
    sync(root, apply=True)
    """
)


def prepare(base: Path, target: Path) -> Path:
    shutil.copytree(base, target)
    set_cell(target, "1810.04805", "발표일", "2025-07-15")
    set_cell(target, "007", "제목", "Licence to Parse 2")
    edit_paper(target, "2101.10000", status="read")
    return target


def visible(tree: dict[str, bytes]) -> dict[str, bytes]:
    # Temp files of an interrupted write start with '.' and are ignored by every reader.
    return {k: v for k, v in tree.items() if not Path(k).name.startswith(".")}


@pytest.mark.parametrize("hook", ["replace", "fsync"])
def test_kill_at_every_write_leaves_old_or_new_files_and_rerun_converges(
    synced_repo: Path, tmp_path: Path, hook: str
) -> None:
    reference = prepare(synced_repo, tmp_path / "reference")
    old = visible(snapshot_tree(reference))
    sync(reference, apply=True)
    new = visible(snapshot_tree(reference))
    assert old != new

    killed = 0
    for k in range(1, 40):
        work = prepare(synced_repo, tmp_path / f"{hook}-{k}")
        run = subprocess.run(
            [sys.executable, "-c", DRIVER, str(work), hook, str(k)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if run.returncode == 0:
            break  # k is past the last file operation: the sync completed
        assert run.returncode == -signal.SIGKILL, run.stderr
        killed += 1
        state = visible(snapshot_tree(work))
        assert set(state) <= set(old) | set(new)
        for name, data in state.items():
            assert data in (old.get(name), new.get(name)), (
                f"{name} is neither old nor new after kill at {hook} #{k}"
            )
        sync(work, apply=True)
        assert visible(snapshot_tree(work)) == new, (
            f"rerun after kill at {hook} #{k} did not converge"
        )
    assert killed >= 3, "the sync should have been killed at several points"


def test_pulled_papers_are_on_disk_before_the_snapshot_is_replaced(
    team_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The papers are written as one batch that fsyncs papers/ once: that fsync must come
    # after every paper's rename and before the snapshot's, or a power cut could keep a
    # snapshot that claims papers whose renames were lost.
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    papers_inode = (team_repo / "papers").stat().st_ino

    def fsync(fd: int) -> None:
        if os.fstat(fd).st_ino == papers_inode:
            events.append("fsync papers/")
        real_fsync(fd)

    def replace(src: str, dst: str | Path) -> None:
        events.append(f"replace {Path(dst).name}")
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    sync(team_repo, apply=True)
    papers = [i for i, e in enumerate(events) if e.startswith("replace") and e.endswith(".md")]
    folder = events.index("fsync papers/")
    assert len(papers) == 3 and max(papers) < folder < events.index("replace base.csv")
    assert events.count("fsync papers/") == 1
