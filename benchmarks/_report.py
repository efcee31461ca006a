"""What the tracker's benchmarks share: the common command-line arguments, the machine a run
measured on, the provenance its results file carries, and how that file is written.

Imported by `benchmarks/bench_*.py` run as scripts (their folder is on sys.path then); the
leading underscore keeps `make bench`, which runs every bench_*.py, from running it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

# A benchmark's start, for its provenance: the moment its script imported this module.
STARTED = time.time()


def bench_parser(doc: str | None, epilog: str | None = None) -> argparse.ArgumentParser:
    """The benchmark's command line, described by its module docstring as written."""
    return argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter, epilog=epilog
    )


def add_run_arguments(parser: argparse.ArgumentParser, *, repeat_help: str, out: str) -> None:
    """--repeat (timed runs), --seed (of the synthetic data) and --out (the results file)."""
    parser.add_argument("--repeat", type=int, default=3, help=repeat_help)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path(out))


def hardware() -> dict:
    """The machine and how busy it was: timings on a loaded machine read differently."""
    return {
        "python": platform.python_version(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


def bench_provenance(settings: dict) -> dict:
    """Commit, dirty flag, command, hardware and start time, as every benchmark file carries."""
    from reproductions.common.results import benchmark_provenance

    return benchmark_provenance(settings, STARTED)


def page_run_seconds(page: str, *, name: str | None = None) -> float:
    """Seconds for one Streamlit AppTest run of the dashboard's `page` (views/<file>.py); a
    page that raises ends the benchmark, named `name` (default: the page)."""
    from streamlit.testing.v1 import AppTest

    from tracker.dashboard import APP_PATH

    app = AppTest.from_file(str(APP_PATH), default_timeout=600)
    app.switch_page(page)
    began = time.perf_counter()
    app.run()
    elapsed = time.perf_counter() - began
    if app.exception:
        raise SystemExit(f"{name or page} raised: {[e.value for e in app.exception]}")
    return elapsed


def write_report(out: Path, report: dict) -> None:
    """The results file, written whole or not at all (the project's one atomic writer)."""
    from tracker.atomic import atomic_write_text

    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out, json.dumps(report, indent=2, ensure_ascii=False) + "\n")
