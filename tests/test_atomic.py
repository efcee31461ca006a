"""The project's one writer: old file or new file, never half of one, modes kept, no litter."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tracker.atomic import atomic_write_batch, atomic_write_text, atomic_writer, write_if_changed


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "results.json"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_writer(target, "text") as handle:
        handle.write("half of the new")
        raise RuntimeError("killed mid-write")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.json"]


def test_rewriting_keeps_the_mode_and_secrets_are_0600_from_the_start(tmp_path: Path) -> None:
    shared = tmp_path / "reading-list.csv"
    shared.write_text("a\n", encoding="utf-8")
    os.chmod(shared, 0o664)
    atomic_write_text(shared, "b\n")
    assert stat.S_IMODE(shared.stat().st_mode) == 0o664
    token = tmp_path / "token.json"
    atomic_write_text(token, '{"refresh_token": "x"}', mode=0o600)
    assert stat.S_IMODE(token.stat().st_mode) == 0o600


def test_streaming_binary_writes_and_write_if_changed(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "vectors.bin"
    with atomic_writer(target) as handle:
        handle.write(b"\x00\x01")
        handle.write(b"\x02")
    assert target.read_bytes() == b"\x00\x01\x02"
    page = tmp_path / "page.md"
    assert write_if_changed(page, "x") is True
    before = page.stat().st_mtime_ns
    assert write_if_changed(page, "x") is False
    assert page.stat().st_mtime_ns == before


def test_a_batch_writes_every_file_and_fsyncs_each_folder_once_after_the_last(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = tmp_path / "papers" / "kept.md"
    kept.parent.mkdir()
    kept.write_text("old\n", encoding="utf-8")
    os.chmod(kept, 0o664)
    files = [(tmp_path / "papers" / f"{i}.md", f"paper {i}\n".encode()) for i in range(20)]
    files += [(kept, b"new\n"), (tmp_path / "docs" / "page.md", b"page\n")]
    synced: list[bool] = []  # per fsync: was it a directory?
    real_fsync = os.fsync

    def recording(fd: int) -> None:
        synced.append(stat.S_ISDIR(os.fstat(fd).st_mode))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording)
    old_umask = os.umask(0o022)
    try:
        atomic_write_batch(files)
        assert os.umask(0o022) == 0o022  # the umask is left as it was
    finally:
        os.umask(old_umask)
    assert all(path.read_bytes() == data for path, data in files)
    assert synced.count(False) == len(files)  # every file's data, before its rename
    assert synced[-2:] == [True, True] and synced.count(True) == 2  # each folder once, last
    assert stat.S_IMODE(kept.stat().st_mode) == 0o664
    assert stat.S_IMODE((tmp_path / "papers" / "0.md").stat().st_mode) == 0o644
    assert not [p.name for p in tmp_path.rglob(".*")], "temp files were left behind"


def test_a_failed_write_in_a_batch_keeps_that_file_old_and_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text("old\n", encoding="utf-8")
    real_replace = os.replace

    def failing(src: str, dst: str | Path) -> None:
        if Path(dst).name == "bad.md":
            raise OSError("disk full")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_batch([(tmp_path / "a.md", b"a"), (bad, b"new"), (tmp_path / "c.md", b"c")])
    assert bad.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md", "bad.md", "c.md"]


def test_atomic_is_the_only_module_that_renames_files_into_place() -> None:
    # One writer: everything the project writes goes through tracker.atomic. A second copy of
    # temp-file-then-rename (os.replace / os.rename / Path.replace on a temp path) fails here.
    import re

    repo = Path(__file__).resolve().parents[1]
    pattern = re.compile(r"\bos\.(replace|rename)\(|\btmp\w*\.(replace|rename)\(")
    found = [
        f"{path.relative_to(repo)}:{n}"
        for folder in ("tracker", "reproductions", "benchmarks")
        for path in sorted((repo / folder).rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line) and not line.lstrip().startswith("#")
    ]
    assert [place.split(":")[0] for place in found] == ["tracker/atomic.py"]
