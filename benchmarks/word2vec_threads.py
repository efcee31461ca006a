"""Benchmark: what two threads cost on the rows near the Huffman root, epoch by epoch.

Every hierarchical-softmax step walks from the root of the Huffman tree, so two threads that share
the output weights both write the root's row (and its children's) at every step, and the cache
lines holding them move between the cores all the time. Ours with two or more workers keeps a
per-thread copy of the busiest rows and merges it every 256 centre words (`hot_rows`, see
`reproductions/word2vec/model.py`). This benchmark times one training epoch of three sides in
turn, round after round, so a change in the machine's speed falls on all three alike:

- `ours`: the model as it trains (`hot_rows` = 63);
- `ours, shared rows`: the same with `hot_rows` = 0 (every thread writes the shared rows);
- `gensim`: gensim 4 with the same settings, sentences and threads.

The side that goes first rotates by round. Each round trains one more epoch of each side's own
model (ours through the learning-rate schedule of a 5-epoch run, gensim a one-epoch schedule per
call); only the time is compared here, the quality is the main benchmark's
(`word2vec_vs_gensim.py`). Reported per side: the median and the quartiles of the seconds per
epoch, the median CPU seconds (all threads), and the ratios of the medians.

Writes benchmarks/results/word2vec-threads.json and the table between the THREADS markers in
reproductions/word2vec/README.md (`--table-only` rewrites the table from the JSON).

Example: python benchmarks/word2vec_threads.py --rounds 9 --modes sg-hs cbow-hs sg-ns
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from word2vec_vs_gensim import (  # noqa: E402
    MODE_NAMES,
    MODES,
    README,
    SETTINGS,
    _write,
    run_provenance,
)

from reproductions.common.readme_block import replace_block  # noqa: E402
from reproductions.word2vec.corpora import CORPORA, checksums  # noqa: E402
from reproductions.word2vec.model import Word2Vec, Word2VecConfig  # noqa: E402
from reproductions.word2vec.reference import gensim_model, train_gensim  # noqa: E402
from reproductions.word2vec.tables import corpus_name, cut  # noqa: E402

OUT = ROOT / "benchmarks" / "results" / "word2vec-threads.json"
SIDES = ("ours", "ours, shared rows", "gensim")


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def time_mode(sentences: list[list[str]], mode: str, workers: int, rounds: int, bar) -> dict:  # noqa: ANN001
    """Seconds and CPU seconds per epoch of each side, `rounds` epochs each, sides rotating."""
    config = {**SETTINGS, **MODES[mode], "epochs": 5, "workers": workers, "seed": 1}
    ours = Word2Vec(Word2VecConfig(**config))
    shared = Word2Vec(Word2VecConfig(**config, hot_rows=0))
    for model in (ours, shared):
        model.prepare(sentences)
    ref = gensim_model(sentences, Word2Vec(Word2VecConfig(**config)))
    rngs = {side: np.random.default_rng([1, 2013]) for side in SIDES[:2]}
    models = dict(zip(SIDES[:2], (ours, shared), strict=True))
    seconds: dict[str, list[float]] = {side: [] for side in SIDES}
    cpu: dict[str, list[float]] = {side: [] for side in SIDES}
    for r in range(rounds):
        for side in SIDES[r % 3 :] + SIDES[: r % 3]:
            if side == "gensim":
                start, c0 = time.perf_counter(), cpu_seconds()
                train_gensim(ref, sentences, 1)
            else:
                model = models[side]
                plan = model.plan_epoch(r % 5, rngs[side])
                start, c0 = time.perf_counter(), cpu_seconds()
                model.train_epoch(plan)
            seconds[side].append(round(time.perf_counter() - start, 3))
            cpu[side].append(round(cpu_seconds() - c0, 3))
        bar.update(1)
    return {"seconds": seconds, "cpu_seconds": cpu}


def summarise(timing: dict) -> dict:
    out = {}
    for side in SIDES:
        s = timing["seconds"][side]
        q = statistics.quantiles(s, n=4) if len(s) > 1 else [s[0]] * 3
        out[side] = {
            "median_s": round(statistics.median(s), 2),
            "quartiles_s": [round(q[0], 2), round(q[2], 2)],
            "median_cpu_s": round(statistics.median(timing["cpu_seconds"][side]), 2),
        }
    gensim = out["gensim"]["median_s"]
    out["ours_vs_gensim"] = round(gensim / out["ours"]["median_s"], 2)
    out["shared_vs_gensim"] = round(gensim / out["ours, shared rows"]["median_s"], 2)
    out["ours_vs_shared"] = round(out["ours, shared rows"]["median_s"] / out["ours"]["median_s"], 2)
    wins = sum(
        a < b
        for a, b in zip(
            timing["seconds"]["ours"], timing["seconds"]["ours, shared rows"], strict=True
        )
    )
    out["rounds_ours_faster_than_shared"] = int(wins)
    return out


def markdown_table(report: dict) -> str:
    p = report["provenance"]
    lines = [
        f"Corpus: {report['corpus_name']}; {report['workers']} threads per side; one epoch of each "
        f"side per round, {report['rounds']} rounds, the first side rotating. Commit "
        f"`{(p['git_commit'] or '')[:10]}`, {p['hardware']['cpu']} "
        f"({p['hardware']['cpu_count']} cores). Seconds per epoch: median (quartiles); speed is "
        "gensim's median over the side's.",
        "",
        "| mode | ours | ours, shared rows | gensim | ours ÷ gensim speed | shared rows ÷ gensim "
        "| ours faster than shared rows |",
        "|---|---|---|---|---|---|---|",
    ]
    for mode, row in report["rows"].items():
        cells = [
            f"{row[s]['median_s']:.2f} ({row[s]['quartiles_s'][0]:.2f}–"
            f"{row[s]['quartiles_s'][1]:.2f})"
            for s in SIDES
        ]
        lines.append(
            f"| {MODE_NAMES[mode]} | {' | '.join(cells)} | {row['ours_vs_gensim']:.2f} | "
            f"{row['shared_vs_gensim']:.2f} | {row['rounds_ours_faster_than_shared']} of "
            f"{report['rounds']} rounds |"
        )
    controls = [MODE_NAMES[m] for m in report["rows"] if not MODES[m]["hs"]]
    if controls:
        lines += [
            "",
            f"{', '.join(controls)}: no hierarchical softmax, so no per-thread rows; both of our "
            "sides run the same code there, and their difference is the machine's noise.",
        ]
    return "\n".join(lines)


def write_readme(report: dict) -> None:
    replace_block(README, "THREADS", markdown_table(report))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python benchmarks/word2vec_threads.py",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--rounds", type=int, default=9, help="epochs timed per side and mode")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--corpus", choices=CORPORA, default="mixed")
    parser.add_argument(
        "--modes", nargs="+", choices=list(MODES), default=["sg-hs", "cbow-hs", "sg-ns"]
    )
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--no-readme", action="store_true", help="do not rewrite the README table")
    parser.add_argument(
        "--table-only", action="store_true", help="rewrite the README table from --out"
    )
    args = parser.parse_args(argv)
    if args.table_only:
        write_readme(json.loads(args.out.read_text(encoding="utf-8")))
        return
    started = time.time()
    sentences = cut(args.corpus)
    for mode in args.modes:  # compile the kernels before anything is timed
        Word2Vec(min_count=1, epochs=1, workers=args.workers, **MODES[mode]).fit(
            sentences[:50], progress=False
        )
    timings = {}
    with tqdm(total=args.rounds * len(args.modes), desc="epochs", unit="round") as bar:
        for mode in args.modes:
            timings[mode] = time_mode(sentences, mode, args.workers, args.rounds, bar)
    report = {
        "benchmark": "word2vec: per-thread rows near the Huffman root, epoch by epoch",
        "corpus": args.corpus,
        "corpus_name": corpus_name(args.corpus, sum(map(len, sentences))),
        "workers": args.workers,
        "rounds": args.rounds,
        "settings": {**SETTINGS, "epochs_in_schedule": 5},
        "rows": {mode: summarise(t) for mode, t in timings.items()},
        "timings": timings,
        "provenance": run_provenance(args, checksums(args.corpus), started),
    }
    _write(args.out, report)  # atomic, through the project's one writer
    if not args.no_readme:
        write_readme(report)
    print(markdown_table(report))


if __name__ == "__main__":
    main()
