"""Shared timing harness for the "ours vs Hugging Face" benchmarks (BERT, GPT-2, Transformer).

Each benchmark script builds its two models with the same weights and hands this module one
callable per (model, pass); `compare` times forward (no grad, eval mode) and forward+backward
(train mode, dropout set to zero by the caller) for both, interleaved, as the median of
`repeats` runs after `warmup`, and `report` prints the table and writes the JSON record with provenance.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Reference models are built from configs: nothing may reach a hub at run time.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import torch  # noqa: E402
from tqdm.auto import tqdm  # noqa: E402

from reproductions.common.results import provenance  # noqa: E402
from tracker.atomic import atomic_write_text  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
PASSES = ("forward", "forward+backward")


def _timed(fn: Callable[[], object], device: torch.device) -> float:
    if device.type == "cuda":
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    fn()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - t0


def compare(
    ours: torch.nn.Module,
    hf: torch.nn.Module,
    run: Callable[[torch.nn.Module, str], object],
    device: torch.device,
    warmup: int,
    repeats: int,
) -> dict[str, dict[str, float]]:
    """Time `run(model, pass_name)` for both models and both passes; ratio = ours / HF.

    `run` must do the whole pass: for "forward" under no_grad, for "forward+backward" zero the
    grads, compute a scalar from the outputs and call backward(). The two models' runs are
    interleaved, and which goes first alternates, so drift in the machine's speed (a shared
    CPU's load, clock changes) falls on both alike; each time is the median of `repeats`.
    """
    rows = {}
    for name in PASSES:
        for model in (hf, ours):
            model.train(name != "forward")
        for _ in range(warmup):
            run(hf, name)
            run(ours, name)
        times: dict[str, list[float]] = {"hf": [], "ours": []}
        for i in tqdm(range(repeats), desc=name, leave=False):
            order = (("hf", hf), ("ours", ours)) if i % 2 == 0 else (("ours", ours), ("hf", hf))
            for side, model in order:
                times[side].append(_timed(lambda m=model, n=name: run(m, n), device))
        t_hf, t_ours = statistics.median(times["hf"]), statistics.median(times["ours"])
        rows[name] = {"ours_s": t_ours, "hf_s": t_hf, "ratio": t_ours / t_hf}
    return rows


def report(
    benchmark: str,
    title: str,
    rows: dict[str, dict[str, float]],
    config: dict,
    out: Path,
    started: float,
) -> dict:
    """Print the table, write `out` (JSON with provenance) and return the record."""
    print(title)
    print(f"{'pass':<18} {'ours (s)':>10} {'HF sdpa (s)':>12} {'ours/HF':>8}")
    for name, r in rows.items():
        print(f"{name:<18} {r['ours_s']:10.4f} {r['hf_s']:12.4f} {r['ratio']:8.3f}")
    record = {
        "benchmark": benchmark,
        "results": rows,
        "provenance": provenance(
            {k: str(v) if isinstance(v, Path) else v for k, v in config.items()},
            seed=0,
            data=None,
            started_at=started,
            command=f"python benchmarks/{benchmark}.py",
        ),
    }
    atomic_write_text(out, json.dumps(record, indent=2) + "\n")
    print(f"wrote {out}")
    return record


def timing_parser(
    description: str,
    example: str,
    out_name: str,
    sizes: dict[str, int],
    small: str | None = None,
) -> argparse.ArgumentParser:
    """The options of one comparison: an integer option per entry of `sizes` (`src_len` becomes
    --src-len, the value its default), --small when `small` says what it selects, then
    --repeats, --warmup and --out; `example` is one command line, shown under --help."""
    parser = argparse.ArgumentParser(description=description, epilog=f"Example: {example}")
    for name, default in sizes.items():
        parser.add_argument("--" + name.replace("_", "-"), type=int, default=default)
    if small is not None:
        parser.add_argument("--small", action="store_true", help=small)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--out", type=Path, default=RESULTS / out_name)
    return parser


def passes(
    forward: Callable[[torch.nn.Module], Any], loss: Callable[[Any], torch.Tensor]
) -> Callable[[torch.nn.Module, str], None]:
    """The `run(model, pass_name)` that `compare` times: `forward(model)` under no_grad, or
    zeroed gradients, `forward(model)` and backward() of `loss` of its output."""

    def run(model: torch.nn.Module, name: str) -> None:
        if name == "forward":
            with torch.no_grad():
                forward(model)
            return
        model.zero_grad(set_to_none=True)
        loss(forward(model)).backward()

    return run


def compare_and_report(
    benchmark: str,
    title: str,
    models: tuple[torch.nn.Module, torch.nn.Module],
    run: Callable[[torch.nn.Module, str], object],
    args: argparse.Namespace,
    started: float,
    config: dict[str, object],
) -> dict:
    """`compare` (ours, HF) on their device with the parsed options' warm-up and repeats, then
    `report`; the record's config is the options and `config` (which names the device)."""
    device = next(models[0].parameters()).device
    rows = compare(*models, run, device, args.warmup, args.repeats)
    return report(benchmark, title, rows, vars(args) | config, args.out, started)
