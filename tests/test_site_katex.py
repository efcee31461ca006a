"""`tracker.site.katex`: KaTeX comes through the data sets' pinned fetcher (registry client,
sha256 check) into the cache, and a wrong file never lands there."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import tracker.site.katex as katex
from reproductions.common.data import fetching
from tracker.errors import RemoteError


def _fake_npm(monkeypatch: pytest.MonkeyPatch, payload: bytes) -> list[str]:
    """Replace the shared fetcher's download with one that saves `payload`; returns the specs
    it was asked for."""
    asked: list[str] = []

    def download(archive, dest: Path) -> Path:  # noqa: ANN001
        asked.append(archive.spec)
        (dest / archive.filename).write_bytes(payload)
        return dest / archive.filename

    monkeypatch.setattr(fetching, "download", download)
    return asked


def test_katex_is_fetched_by_the_shared_fetcher_once_into_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    payload = b"a tarball"
    monkeypatch.setattr(katex, "KATEX_SHA256", hashlib.sha256(payload).hexdigest())
    asked = _fake_npm(monkeypatch, payload)
    tarball = katex.fetch_katex(tmp_path)
    assert asked == [f"katex@{katex.KATEX_VERSION}"]
    assert tarball == tmp_path / f"katex-{katex.KATEX_VERSION}.tgz"
    assert tarball.read_bytes() == payload
    assert sorted(p.name for p in tmp_path.iterdir()) == [tarball.name], "no scratch left"
    assert katex.fetch_katex(tmp_path) == tarball and len(asked) == 1, "the cache is reused"


def test_a_katex_tarball_with_another_sha256_is_refused_and_not_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_npm(monkeypatch, b"not katex")
    with pytest.raises(RemoteError, match="sha256") as refused:
        katex.fetch_katex(tmp_path)
    assert katex.KATEX_SHA256 in str(refused.value)
    assert list(tmp_path.iterdir()) == []


def test_no_npm_and_no_cached_katex_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fetching.shutil, "which", lambda tool: None)
    with pytest.raises(RemoteError, match="npm") as refused:
        katex.fetch_katex(tmp_path)
    assert "apt-get install npm" in str(refused.value)
