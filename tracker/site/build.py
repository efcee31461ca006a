"""Building and serving the site: generate the pages, vendor KaTeX, run MkDocs, sanitise."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker.errors import DataError
from tracker.site.katex import vendor_katex
from tracker.site.pages import SiteReport, generate_site

if TYPE_CHECKING:
    from tracker.catalog import Catalog


def _mkdocs(root: Path, *args: str, capture: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", *args, "--config-file", str(Path(root) / "mkdocs.yml")],
        cwd=root,
        capture_output=capture,
        text=True,
        env={**os.environ, "PYTHONUTF8": "1"},
    )


@dataclass
class BuildResult:
    generated: SiteReport
    site_dir: Path
    seconds: float
    warnings: list[str]


def build_site(
    root: Path,
    *,
    strict: bool = True,
    site_dir: Path | None = None,
    today: dt.date | None = None,
    catalog: Catalog | None = None,
) -> BuildResult:
    """Generate the pages, vendor KaTeX, and run `mkdocs build` (strict: warnings are errors);
    `catalog` as for `generate_site`."""
    root = Path(root)
    started = time.perf_counter()
    if not (root / "mkdocs.yml").is_file():
        raise DataError(
            f"no mkdocs.yml in {root}",
            fix="run inside the team repository (`tracker init` writes one for a new team)",
        )
    generated = generate_site(root, today=today, catalog=catalog)
    vendor_katex(root)
    site = Path(site_dir) if site_dir else root / "site"
    args = ["build", "--site-dir", str(site)]
    if strict:
        args.append("--strict")
    done = _mkdocs(root, *args)
    log = (done.stdout or "") + (done.stderr or "")
    warnings = [line for line in log.splitlines() if line.startswith(("WARNING", "ERROR"))]
    if done.returncode != 0:
        details = "\n".join(warnings[-20:]) or log.strip()[-2000:]
        raise DataError(
            f"mkdocs build{' --strict' if strict else ''} failed:\n{details}",
            fix="fix the pages named above (or build with --no-strict to see the site anyway)",
        )
    # What is published is sanitised as HTML, after rendering (see tracker.site_sanitize).
    from tracker.site_sanitize import sanitize_site

    sanitize_site(site)
    return BuildResult(
        generated=generated,
        site_dir=site,
        seconds=time.perf_counter() - started,
        warnings=warnings,
    )


def serve_site(root: Path, *, address: str = "127.0.0.1:8000", today: dt.date | None = None) -> int:
    """Generate the pages and run `mkdocs serve` (drafts shown) until interrupted.

    However we are stopped (Ctrl+C, SIGTERM from a service manager or `kill`, a closed
    terminal), the `mkdocs serve` child is stopped too: left running it keeps the port.
    """
    root = Path(root)
    generate_site(root, today=today)
    vendor_katex(root)
    command = [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", address]
    command += ["--config-file", str(root / "mkdocs.yml")]
    child = subprocess.Popen(command, cwd=root, env={**os.environ, "PYTHONUTF8": "1"})

    def stop(signum: int, frame: Any) -> None:
        raise _Stopped(signum)

    previous = {}
    for signum in (signal.SIGTERM, signal.SIGHUP):
        try:
            previous[signum] = signal.signal(signum, stop)
        except ValueError:  # not the main thread: the caller owns signals
            break
    try:
        return child.wait()
    except (KeyboardInterrupt, _Stopped):
        return 0
    finally:
        _stop_child(child)
        for signum, handler in previous.items():
            signal.signal(signum, handler)


class _Stopped(Exception):
    """A stop signal arrived while `mkdocs serve` ran."""


def _stop_child(child: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    """SIGTERM, then SIGKILL if the child is still there after `grace` seconds."""
    if child.poll() is not None:
        return
    child.terminate()
    try:
        child.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def search_index(site_dir: Path) -> dict[str, Any]:
    """The built site's search index (what the browser's search reads)."""
    path = Path(site_dir) / "search" / "search_index.json"
    return json.loads(path.read_text(encoding="utf-8"))


def iter_generated(report: SiteReport) -> Iterable[str]:
    yield from report.written
    yield from report.unchanged
