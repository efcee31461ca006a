"""KaTeX vendored at build time: fetched once from the npm registry into a cache, checked
against a pinned sha256 and copied into `docs/assets/vendor/katex/`, so math renders with no
network.

The download and the sha256 check are the data sets' own (`reproductions.common.data.fetching`:
the registry's client, the pinned digest), so the project has one pinned fetcher.
"""

from __future__ import annotations

import os
import tarfile
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from tracker import store
from tracker.errors import RemoteError

if TYPE_CHECKING:
    from reproductions.common.data.sources import Archive

KATEX_VERSION = "0.16.22"
KATEX_SHA256 = "e9e0d167db3175481cbadaff38e8d90b130f6a3ddb451a47e43c577fd511f365"
KATEX_DIR = "assets/vendor/katex"  # relative to docs/
CACHE_ENV = "TRACKER_CACHE_DIR"


def cache_dir() -> Path:
    base = (
        os.environ.get(CACHE_ENV) or os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    )
    path = Path(base) / "reading-group-tracker" if CACHE_ENV not in os.environ else Path(base)
    return path


def katex_archive() -> Archive:
    """The pinned download: what `npm pack katex@<version>` saves (`vendor_katex` picks the
    browser files of its package/dist/)."""
    from reproductions.common.data.sources import Archive

    filename = f"katex-{KATEX_VERSION}.tgz"
    return Archive("npm", "katex", KATEX_VERSION, filename, KATEX_SHA256, {"package/dist": "."})


def fetch_katex(cache: Path | None = None) -> Path:
    """The pinned KaTeX tarball in the cache, fetched with `npm pack` when missing."""
    # Imported here: the data layer is needed only when the site is built.
    from reproductions.common.data import fetching

    archive = katex_archive()
    cache = cache or cache_dir()
    tarball = cache / archive.filename
    if tarball.is_file() and fetching.sha256_file(tarball) == archive.sha256:
        return tarball
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as scratch:
        try:
            fetched = fetching.download(archive, Path(scratch))
            fetching.verify(fetched, archive)
        except fetching.ToolMissing as exc:
            raise RemoteError(
                f"KaTeX {KATEX_VERSION} is not in the cache ({tarball}): {exc}",
                fix="install npm (apt-get install npm) or put the tarball there by hand",
            ) from None
        except fetching.ChecksumMismatch as exc:
            raise RemoteError(
                str(exc), fix="the registry served a different file; do not use it"
            ) from None
        except fetching.DataError as exc:
            raise RemoteError(str(exc), fix="check access to registry.npmjs.org") from None
        store.atomic_write_bytes(tarball, fetched.read_bytes())
    return tarball


def vendor_katex(root: Path, cache: Path | None = None) -> list[str]:
    """Copy KaTeX's browser files into docs/assets/vendor/katex/; returns the files written."""
    tarball = fetch_katex(cache)
    target = Path(root) / "docs" / KATEX_DIR
    stamp = target / ".version"
    if stamp.is_file() and stamp.read_text().strip() == f"{KATEX_VERSION} {KATEX_SHA256}":
        return []
    written = []
    with tarfile.open(tarball, "r:gz") as archive:
        for member in archive.getmembers():
            name = member.name.removeprefix("package/dist/")
            if member.name == name or not member.isfile():
                continue
            keep = name in ("katex.min.js", "katex.min.css", "contrib/auto-render.min.js")
            if not (
                keep or (name.startswith("fonts/") and name.endswith((".woff2", ".woff", ".ttf")))
            ):
                continue
            data = archive.extractfile(member)
            if data is None:
                continue
            store.atomic_write_bytes(target / name, data.read())
            written.append(f"{KATEX_DIR}/{name}")
    store.atomic_write_text(stamp, f"{KATEX_VERSION} {KATEX_SHA256}\n")
    return written
