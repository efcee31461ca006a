"""Benchmark: start-up time of commands that need no heavy library (goal: under 0.35 s each).

Runs `tracker --help` and `tracker papers list` on the bundled sample as whole processes,
median of `--runs` after one warm-up, beside `python -c pass` (the interpreter's own floor), and
lists which heavy modules (scipy, torch, streamlit, pandas, numpy, transformers) each command
imported. Writes benchmarks/results/cli_startup.json with provenance (or the file --out names).

Example: python benchmarks/bench_cli_startup.py --runs 7 --before /tmp/old-worktree
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
HEAVY = ("scipy", "torch", "streamlit", "pandas", "numpy", "transformers", "matplotlib")
GOAL_S = 0.35

COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "tracker --help": [sys.executable, "-m", "tracker.cli.main", "--help"],
    "tracker papers list": [sys.executable, "-m", "tracker.cli.main", "papers", "list"],
}


def _env(checkout: Path) -> dict[str, str]:
    # PYTHONPATH first: the checkout's own `tracker` wins over an installed one.
    return {
        **os.environ,
        "TRACKER_TODAY": "2025-07-07",
        "COLUMNS": "120",
        "PYTHONPATH": str(checkout),
    }


def time_command(argv: list[str], runs: int, checkout: Path) -> list[float]:
    times = []
    for i in range(runs + 1):
        t0 = time.perf_counter()
        subprocess.run(argv, cwd=checkout, env=_env(checkout), check=True, capture_output=True)
        if i:  # the first run warms the file cache
            times.append(time.perf_counter() - t0)
    return times


def heavy_imports(argv: list[str], checkout: Path) -> list[str]:
    """Top-level packages from HEAVY that the command imported (read from -X importtime)."""
    proc = subprocess.run(
        [argv[0], "-X", "importtime", *argv[1:]],
        cwd=checkout,
        env=_env(checkout),
        capture_output=True,
        text=True,
    )
    found = set()
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:"):
            continue
        name = line.rsplit("|", 1)[-1].strip()
        if name.split(".")[0] in HEAVY:
            found.add(name.split(".")[0])
    return sorted(found)


def _commit(checkout: Path) -> str | None:
    proc = subprocess.run(
        ["git", "-C", str(checkout), "rev-parse", "HEAD"], capture_output=True, text=True
    )
    return proc.stdout.strip() or None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--before",
        type=Path,
        help="a checkout of the older commit to time in the same run (e.g. a git worktree)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=RESULTS / "cli_startup.json",
        help="where the record goes (default: the published benchmarks/results/cli_startup.json)",
    )
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from reproductions.common.results import provenance

    started = time.time()
    checkouts = {"after": ROOT}
    if args.before is not None:
        checkouts = {"before": args.before.resolve(), **checkouts}
    measurements = {}
    for label, checkout in checkouts.items():
        rows = {}
        for name, command in COMMANDS.items():
            times = time_command(command, args.runs, checkout)
            rows[name] = {
                "median_s": round(statistics.median(times), 3),
                "min_s": round(min(times), 3),
                "max_s": round(max(times), 3),
                "heavy_imports": heavy_imports(command, checkout)
                if name != "python -c pass"
                else [],
            }
            print(
                f"{label:6s} {name:24s} median {rows[name]['median_s']:.3f} s  "
                f"heavy: {rows[name]['heavy_imports']}"
            )
        measurements[label] = {"commit": _commit(checkout), "commands": rows}
    # One write at the end: the record's own provenance must see the tree as it was measured.
    record = {
        "goal_s": GOAL_S,
        "measurements": measurements,
        "provenance": provenance({"runs": args.runs}, 0, None, started),
    }
    from _report import write_report

    write_report(args.out, record)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
