"""Hostile or damaged paper files: alias bombs, duplicate keys, control characters; file modes
kept on rewrite; temp files left by a kill -9 cleaned up."""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

import pytest

from tests.helpers.repo import edit_paper
from tracker import store
from tracker.errors import DataError
from tracker.sync import sync

BOMB = """---
id: bomb
title: &a ["x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
---
"""


def test_yaml_alias_bomb_is_refused_quickly_naming_the_file(
    synced_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (synced_repo / "papers" / "bomb.md").write_text(BOMB, encoding="utf-8")
    started = time.perf_counter()
    loaded = store.load_papers(synced_repo)
    assert time.perf_counter() - started < 2
    assert [str(e).split(":")[0] for e in loaded.errors] == ["papers/bomb.md"]
    assert "anchors and aliases" in str(loaded.errors[0])
    cache = store.cache_path(synced_repo)
    assert cache.stat().st_size < 100_000
    with pytest.raises(DataError, match="bomb.md"):
        sync(synced_repo)


def test_an_asterisk_or_ampersand_in_text_is_not_an_alias(synced_repo: Path) -> None:
    text = '---\nid: ok\ntitle: "R&D *matters* & more"\nabstract: a *b* c & d\n---\n'
    paper = store.parse_paper(text, source="papers/ok.md")
    assert paper.title == "R&D *matters* & more"


def test_parse_cache_is_size_bounded(synced_repo: Path, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(store, "MAX_CACHE_BYTES", 200)
    store.load_papers(synced_repo)
    assert not store.cache_path(synced_repo).exists()  # too big to keep: not written
    store.cache_path(synced_repo).parent.mkdir(parents=True, exist_ok=True)
    store.cache_path(synced_repo).write_text(json.dumps({"version": 1, "files": {}}) + " " * 500)
    assert len(store.load_papers(synced_repo).papers) == 3  # an oversized cache is ignored


def test_duplicate_front_matter_keys_are_refused_with_the_file_and_key(synced_repo: Path) -> None:
    path = synced_repo / "papers" / "007.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title:", "title: Overridden\ntitle:", 1), encoding="utf-8")
    with pytest.raises(DataError, match=r"papers/007\.md:4: .*duplicate key 'title'"):
        sync(synced_repo)


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b[31m"], ids=["NUL", "BEL", "ANSI"])
def test_control_characters_in_a_field_are_refused_with_a_message(
    synced_repo: Path, char: str
) -> None:
    from tests.helpers.repo import set_cell

    set_cell(synced_repo, "007", "제목", f"Licence{char}to Parse")
    with pytest.raises(DataError, match="control character"):
        sync(synced_repo)
    path = synced_repo / "papers" / "2101.10000.md"
    escaped = json.dumps(f"bad{char}title")  # a YAML double-quoted escape reads it back
    path.write_text(
        path.read_text("utf-8").replace("title: 숫자처럼 보이는 아이디", f"title: {escaped}")
    )
    with pytest.raises(DataError, match=r"2101\.10000\.md.*control character"):
        store.load_papers_strict(synced_repo)


def test_rewritten_files_keep_their_mode(synced_repo: Path) -> None:
    path = synced_repo / "papers" / "007.md"
    os.chmod(path, 0o664)
    edit_paper(synced_repo, "007", status="presented")
    assert stat.S_IMODE(path.stat().st_mode) == 0o664
    old_umask = os.umask(0o022)
    try:
        new = synced_repo / "papers" / "new.md"
        store.atomic_write_text(new, "x")
        assert stat.S_IMODE(new.stat().st_mode) == 0o644
    finally:
        os.umask(old_umask)


def test_stale_temp_files_from_a_kill_are_removed_by_the_next_run(synced_repo: Path) -> None:
    stale = synced_repo / "papers" / ".007.md.abc123.tmp"
    fresh = synced_repo / "papers" / ".2101.10000.md.def456.tmp"
    in_sync = synced_repo / "papers" / ".sync" / ".base.csv.xyz.tmp"
    for path in (stale, fresh, in_sync):
        path.write_text("half")
    hour_ago = time.time() - 3600
    os.utime(stale, (hour_ago, hour_ago))
    os.utime(in_sync, (hour_ago, hour_ago))
    sync(synced_repo, apply=True)
    assert not stale.exists() and not in_sync.exists()
    assert fresh.exists(), "a temp file this young may belong to a sync running right now"
    ignored = (Path(__file__).resolve().parents[1] / ".gitignore").read_text("utf-8")
    assert ".*.tmp" in ignored.splitlines()
