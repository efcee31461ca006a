"""KaTeX vendored at build time: fetched once from the npm registry into a cache, checked
against a pinned sha256 and copied into `docs/assets/vendor/katex/`, so math renders with no
network.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from tracker import store
from tracker.errors import RemoteError

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


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch_katex(cache: Path | None = None) -> Path:
    """The pinned KaTeX tarball in the cache, fetched with `npm pack` when missing."""
    cache = cache or cache_dir()
    tarball = cache / f"katex-{KATEX_VERSION}.tgz"
    if tarball.is_file() and _sha256(tarball) == KATEX_SHA256:
        return tarball
    npm = shutil.which("npm")
    if npm is None:
        raise RemoteError(
            f"KaTeX {KATEX_VERSION} is not in the cache ({tarball}) and npm is not installed",
            fix="install npm (apt-get install npm) or put the tarball there by hand",
        )
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as scratch:
        done = subprocess.run(
            [npm, "pack", f"katex@{KATEX_VERSION}", "--pack-destination", scratch, "--silent"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        fetched = Path(scratch) / f"katex-{KATEX_VERSION}.tgz"
        if done.returncode != 0 or not fetched.is_file():
            raise RemoteError(
                f"npm pack katex@{KATEX_VERSION} failed: {done.stderr.strip()[-500:]}",
                fix="check access to registry.npmjs.org",
            )
        digest = _sha256(fetched)
        if digest != KATEX_SHA256:
            raise RemoteError(
                f"katex-{KATEX_VERSION}.tgz has sha256 {digest}, expected {KATEX_SHA256}",
                fix="the registry served a different file; do not use it",
            )
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
