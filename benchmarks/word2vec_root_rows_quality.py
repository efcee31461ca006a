"""Benchmark: why do per-thread rows near the Huffman root score higher?

The main benchmark (`word2vec_vs_gensim.py`) finds ours above gensim on WS353 and SimLex for
skip-gram HS on the mixed corpus once each thread keeps its own copy of the rows near the root
(`hot_rows`) and adds its changes to the shared rows every `sync_every` centre words. With one
worker ours is gensim's update step for step, so the gain can only come from the threads. Two
explanations are told apart here:

- lost updates: when two threads add to the same shared row at once, one write can overwrite the
  other; a thread's own copy, merged by adding its changes, loses none. Then one thread and two
  threads with per-thread rows score alike, and two threads writing the shared rows lower;
- late sight: with its own copy a thread sees the other's changes to those rows only at a merge.
  Then the score moves with `sync_every` (merging after every centre word is nearly the shared
  rows), and with which rows are kept (the root alone, or the 63 busiest). Late sight needs no
  second thread: one thread that reads the rows as they were at its last merge (`read_at_merge`,
  an experiment) sees its own changes late. If it scores like two threads, the delay is the
  cause, not anything between the threads.

Trains skip-gram HS with gensim's default settings (5 epochs) on the corpus for seeds 1..N under
each arrangement, in turn, and scores each (analogy, WS353, SimLex). Writes
benchmarks/results/word2vec-root-rows.json and the table between the ROOT-ROWS markers in
reproductions/word2vec/README.md (`--table-only` rewrites the table from the JSON).

Example: python benchmarks/word2vec_root_rows_quality.py --seeds 3
         python benchmarks/word2vec_root_rows_quality.py --seeds 1 --arrangements shared every-256
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from tqdm.auto import tqdm

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from word2vec_vs_gensim import (  # noqa: E402
    METRICS,
    MODES,
    README,
    SETTINGS,
    _write,
    run_provenance,
    welch_p,
    welch_t,
)

from reproductions.common.readme_block import replace_block  # noqa: E402
from reproductions.word2vec.corpora import CORPORA, checksums  # noqa: E402
from reproductions.word2vec.evaluate import evaluate, keyed_vectors  # noqa: E402
from reproductions.word2vec.model import Word2Vec, Word2VecConfig  # noqa: E402
from reproductions.word2vec.tables import corpus_name, cut  # noqa: E402

OUT = ROOT / "benchmarks" / "results" / "word2vec-root-rows.json"
# id: (what the table calls it, the settings)
ARRANGEMENTS = {
    "one": ("1 thread", {"workers": 1}),
    "shared": ("2 threads, shared rows", {"workers": 2, "hot_rows": 0}),
    "every-1": (
        "2 threads, 63 own rows, merged every centre word",
        {"workers": 2, "sync_every": 1},
    ),
    "every-16": ("2 threads, 63 own rows, merged every 16", {"workers": 2, "sync_every": 16}),
    "every-256": ("2 threads, 63 own rows, merged every 256 (as trained)", {"workers": 2}),
    "every-4096": ("2 threads, 63 own rows, merged every 4096", {"workers": 2, "sync_every": 4096}),
    "root-only": (
        "2 threads, the root's row only, merged every 256",
        {"workers": 2, "hot_rows": 1},
    ),
    "one-late-256": (
        "1 thread, 63 rows read as at its last merge, every 256",
        {"workers": 1, "read_at_merge": True},
    ),
    "one-late-4096": (
        "1 thread, 63 rows read as at its last merge, every 4096",
        {"workers": 1, "read_at_merge": True, "sync_every": 4096},
    ),
}
BASELINE = "shared"
LABELS = {
    "analogy_accuracy": "analogy %",
    "wordsim353_spearman": "WS353",
    "simlex999_spearman": "SimLex",
}


def summarise(runs: list[dict]) -> dict:
    """Mean ± sd per arrangement and metric, and each arrangement's difference from the shared
    rows with Welch's t and its p."""
    rows = {}
    base = {m: [r[m] for r in runs if r["arrangement"] == BASELINE] for m in METRICS}
    for name in dict.fromkeys(r["arrangement"] for r in runs):
        row = {}
        for m in METRICS:
            values = [r[m] for r in runs if r["arrangement"] == name]
            row[m] = {
                "mean": round(statistics.mean(values), 4),
                "sd": round(statistics.stdev(values), 4) if len(values) > 1 else None,
            }
            if name != BASELINE:
                t, p = welch_t(values, base[m]), welch_p(values, base[m])
                row[m]["minus_shared"] = round(
                    statistics.mean(values) - statistics.mean(base[m]), 4
                )
                row[m]["t"] = None if t is None else round(t, 2)
                row[m]["p"] = None if p is None else round(p, 3)
        rows[name] = row
    return rows


def markdown_table(report: dict) -> str:
    p = report["provenance"]
    lines = [
        f"Corpus: {report['corpus_name']}; skip-gram HS, 5 epochs, gensim's defaults; seeds 1 to "
        f"{report['seeds']} per arrangement. Commit `{(p['git_commit'] or '')[:10]}`. Mean ± sd; "
        "in brackets the difference from two threads writing the shared rows, and its p.",
        "",
        "| threads | " + " | ".join(LABELS[m] for m in METRICS) + " |",
        "|---|" + "---|" * len(METRICS),
    ]
    for name, row in report["rows"].items():
        label = report.get("arrangements", {}).get(name, name)
        cells = []
        for m in METRICS:
            c = row[m]
            digits = 2 if m == "analogy_accuracy" else 3
            cell = f"{c['mean']:.{digits}f} ± {c['sd'] or 0:.{digits}f}"
            if "minus_shared" in c:
                cell += f" ({c['minus_shared']:+.{digits}f}, p = {c['p']})"
            cells.append(cell)
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_readme(report: dict) -> None:
    replace_block(README, "ROOT-ROWS", markdown_table(report))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python benchmarks/word2vec_root_rows_quality.py",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--seeds", type=int, default=3, help="runs per arrangement (seeds 1..N)")
    parser.add_argument("--corpus", choices=CORPORA, default="mixed")
    parser.add_argument(
        "--arrangements",
        nargs="+",
        choices=list(ARRANGEMENTS),
        default=list(ARRANGEMENTS),
        help="which to train (the shared rows are always trained: the others are compared to it)",
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
    runs = []
    chosen = [a for a in ARRANGEMENTS if a in {BASELINE, *args.arrangements}]
    plan = [(seed, name) for seed in range(1, args.seeds + 1) for name in chosen]
    for seed, name in tqdm(plan, desc="runs", unit="run"):
        config = Word2VecConfig(**SETTINGS, **MODES["sg-hs"], seed=seed, **ARRANGEMENTS[name][1])
        model = Word2Vec(config).fit(sentences, progress=False)
        scores = evaluate(keyed_vectors(model.vocab.words, model.vectors))
        runs.append({"arrangement": name, "seed": seed, **{m: scores[m] for m in METRICS}})
    report = {
        "benchmark": "word2vec: the rows near the Huffman root, kept per thread or shared",
        "arrangements": {a: ARRANGEMENTS[a][0] for a in chosen},
        "corpus": args.corpus,
        "corpus_name": corpus_name(args.corpus, sum(map(len, sentences))),
        "seeds": args.seeds,
        "rows": summarise(runs),
        "runs": runs,
        "provenance": run_provenance(args, checksums(args.corpus), started),
    }
    _write(args.out, report)  # atomic, through the project's one writer
    if not args.no_readme:
        write_readme(report)
    print(markdown_table(report))


if __name__ == "__main__":
    main()
