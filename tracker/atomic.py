"""The one way this project writes a file: atomically.

Every file the tracker and the reproductions write (papers, the snapshot, the spreadsheet file,
generated site pages, results JSON, training checkpoints, word vectors, the Google token cache)
goes through here: a temp file in the same directory, fsync, os.replace, then an fsync of the
directory, so a reader or a crash sees the old file or the new one, never half of one. Standard
library only, so `reproductions` can use it without importing the tracker's dependencies.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Literal


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def _replacing(
    path: Path, kind: Literal["binary", "text"], *, durable: bool, mode: int | None
) -> Iterator[IO]:
    """The temp file, its fsync and the os.replace of `atomic_writer`, without the fsync of the
    directory (the caller does that, once per file or once per batch)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if mode is None:
            try:
                mode = stat.S_IMODE(path.stat().st_mode)
            except FileNotFoundError:
                mode = 0o666 & ~_umask()
        os.chmod(tmp_name, mode)  # mkstemp makes 0600 files
        opened = os.fdopen(fd, "wb") if kind == "binary" else os.fdopen(fd, "w", encoding="utf-8")
        with opened as handle:
            yield handle
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


@contextlib.contextmanager
def atomic_writer(
    path: Path | str,
    kind: Literal["binary", "text"] = "binary",
    *,
    durable: bool = True,
    mode: int | None = None,
) -> Iterator[IO]:
    """A handle to write `path` through; the file appears (replacing the old one) only when the
    block ends without an exception, and the temp file is removed when it does not.

    `mode` sets the permission bits (0o600 for secrets: never readable by others, not even
    while being written); by default an existing file keeps its mode and a new one gets what
    the umask gives. `durable=False` skips the fsyncs: still never torn, but a power loss may
    lose it — only for derived files the next run rewrites (generated site pages).
    """
    path = Path(path)
    with _replacing(path, kind, durable=durable, mode=mode) as handle:
        yield handle
    if durable:
        _fsync_dir(path.parent)


# Threads that write a batch: each mostly waits in fsync, and the file system commits the
# fsyncs of concurrent writers together, so a few threads cut a batch's time several-fold.
BATCH_WRITERS = 8


def atomic_write_batch(files: Iterable[tuple[Path | str, bytes]]) -> None:
    """Write each `(path, data)` durably and atomically, as `atomic_write_bytes` does: a temp
    file beside it, fsync, os.replace. The fsync of each directory happens once, after the
    whole batch, instead of once per file. `files` may be a generator: each file is written
    while the next is being produced.

    That is still durable when the batch is followed by what makes it count: a file's data is
    on disk before its rename (a crash never shows a torn or empty file), and every rename is on
    disk once this returns, because the directory fsync comes after the last one. A crash in
    between may leave some files old and some new, which a single-file writer leaves too when
    it dies half-way through a list; callers that must survive that (the sync) write their
    record of completion (the snapshot) only after this returns. The directories are fsynced
    even when a write fails, so the files already replaced are kept.
    """
    # The umask is process-wide and can only be read by setting it: read once, before any
    # thread starts, never while another thread creates a file or folder.
    new_file_mode = 0o666 & ~_umask()
    directories: dict[Path, None] = {}

    def write_one(path: Path, data: bytes) -> None:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            mode = new_file_mode
        with _replacing(path, "binary", durable=True, mode=mode) as handle:
            handle.write(data)

    try:
        with ThreadPoolExecutor(max_workers=BATCH_WRITERS) as pool:
            writes = []
            for name, data in files:
                path = Path(name)
                if path.parent not in directories:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    directories[path.parent] = None
                writes.append(pool.submit(write_one, path, data))
            for write in writes:
                write.result()  # raises the first failure; the pool still ends every write
    finally:
        for directory in directories:
            _fsync_dir(directory)


def atomic_write_bytes(
    path: Path | str, data: bytes, *, durable: bool = True, mode: int | None = None
) -> None:
    """Write `data` to `path` atomically (see `atomic_writer`)."""
    with atomic_writer(path, durable=durable, mode=mode) as handle:
        handle.write(data)


def atomic_write_text(
    path: Path | str,
    text: str,
    *,
    bom: bool = False,
    durable: bool = True,
    mode: int | None = None,
) -> None:
    """Write `text` as UTF-8 (with a byte-order mark when `bom`) atomically."""
    data = text.encode("utf-8")
    if bom:
        data = b"\xef\xbb\xbf" + data
    atomic_write_bytes(path, data, durable=durable, mode=mode)


def write_if_changed(path: Path | str, text: str, *, durable: bool = True) -> bool:
    """Atomically write `text` unless the file already holds exactly it; True when written."""
    path = Path(path)
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    atomic_write_bytes(path, data, durable=durable)
    return True
