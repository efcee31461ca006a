"""Benchmark: first render of each lab view (tracker/dashboard/views/lab_*.py) once its models are
cached.

Each page is run once under `streamlit.testing.v1.AppTest` to load what a running server keeps
(MiniLM, the word vectors, the toy Transformer: `st.cache_resource`), then rendered `--repeat`
times in fresh sessions with `st.cache_data` cleared, so each timed run computes the view's
numbers and draws its figures as a person's first visit does. Writes
benchmarks/results/lab.json with the commit, the time and the machine's load.

Example: python benchmarks/bench_lab.py --repeat 3
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import streamlit as st
from _report import bench_parser, bench_provenance, hardware, page_run_seconds, write_report

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from dashboard_helpers import TODAY, write_tiny_repo  # noqa: E402

from tracker.dashboard import ROOT_ENV  # noqa: E402

GOAL_S = 3.0
VIEWS = ("vectors", "attention", "positions", "depth", "decoding")


def render(view: str) -> float:
    return page_run_seconds(f"views/lab_{view}.py", name=f"lab_{view}")


def git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], capture_output=True, text=True, check=False
    ).stdout.strip()


def main() -> None:
    parser = bench_parser(__doc__)
    parser.add_argument(
        "--repeat", type=int, default=3, help="timed renders per view (median kept)"
    )
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/lab.json"))
    args = parser.parse_args()
    os.environ["TRACKER_TODAY"] = TODAY
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    views = {}
    with tempfile.TemporaryDirectory(prefix="bench-lab-") as tmp:
        os.environ[ROOT_ENV] = str(write_tiny_repo(Path(tmp) / "team"))
        for view in VIEWS:
            began = time.perf_counter()
            render(view)  # loads and caches the view's models
            cold = time.perf_counter() - began
            times = []
            for _ in range(args.repeat):
                st.cache_data.clear()
                times.append(render(view))
            median = statistics.median(times)
            views[view] = {
                "first_render_s": round(median, 3),
                "runs_s": [round(t, 3) for t in times],
                "with_model_loading_s": round(cold, 3),
                "under_goal": median < GOAL_S,
            }
            print(f"{view}: {median:.2f} s after models are cached (cold {cold:.1f} s)")
    report = {
        "schema": 1,
        "benchmark": "lab views first render (models cached)",
        "goal_s": GOAL_S,
        "views": views,
        "provenance": bench_provenance(vars(args)) | {"hardware": hardware()},
    }
    write_report(args.out, report)
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
