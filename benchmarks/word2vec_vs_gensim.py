"""Benchmark: our Word2Vec against gensim on the same corpus, settings and number of threads.

For skip-gram and CBOW (negative sampling): training words per second (corpus words × epochs /
training time, vocabulary building excluded for both), analogy accuracy on questions-words.txt,
Spearman ρ on WordSim353 and SimLex-999. Runs alternate between the two implementations; run r
of both uses seed r + 1. The table reports the median speed and the mean quality over the runs
(with its spread in the JSON): on a half-million-word corpus one run's WordSim353 ρ moves by about
0.02 from seed to seed, as much as the goal allows, so a single run cannot decide the goal. Our
numba kernels are compiled before timing (compile time is reported separately).

Writes benchmarks/results/word2vec.json and the table in reproductions/word2vec/README.md
(between the BENCHMARK markers).

Example: python benchmarks/word2vec_vs_gensim.py --repeats 5 --workers 2
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reproductions.common import data  # noqa: E402
from reproductions.common.results import provenance  # noqa: E402
from reproductions.word2vec.evaluate import evaluate, keyed_vectors  # noqa: E402
from reproductions.word2vec.model import Word2Vec, Word2VecConfig, read_corpus  # noqa: E402
from reproductions.word2vec.reference import gensim_model  # noqa: E402

GOALS = "speed ratio ≥ 1.0; analogy within 1 point; WordSim353 within 0.02"


def run_gensim(sentences: list[list[str]], c: Word2VecConfig, words: int) -> tuple[float, dict]:
    model = gensim_model(sentences, Word2Vec(Word2VecConfig(**vars(c))))
    start = time.perf_counter()
    model.train(sentences, total_examples=len(sentences), epochs=c.epochs)
    seconds = time.perf_counter() - start
    return words * c.epochs / seconds, evaluate(model.wv)


def run_ours(sentences: list[list[str]], c: Word2VecConfig) -> tuple[float, dict]:
    model = Word2Vec(Word2VecConfig(**vars(c))).fit(sentences, progress=False)
    return model.words_per_second, evaluate(keyed_vectors(model.vocab.words, model.vectors))


def _mean(runs: list[dict]) -> dict:
    """Metric-wise mean over runs (counts such as the number of questions are the same)."""
    return {
        k: round(statistics.fmean(r[k] for r in runs), 4) if isinstance(v, float) else v
        for k, v in runs[0].items()
    }


def _spread(runs: list[dict]) -> dict:
    """Sample standard deviation of each float metric over runs (0 for a single run)."""
    return {
        k: round(statistics.stdev([r[k] for r in runs]), 4) if len(runs) > 1 else 0.0
        for k, v in runs[0].items()
        if isinstance(v, float)
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=5, help="runs per side (seeds 1..N)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "word2vec.json"
    )
    parser.add_argument("--no-readme", action="store_true", help="do not rewrite the README table")
    args = parser.parse_args()

    sentences = list(read_corpus(data.enwiki_corpus_file()))
    words = sum(map(len, sentences))
    started = time.time()
    compile_start = time.perf_counter()
    Word2Vec(min_count=1, epochs=1, workers=args.workers, sg=True).fit(
        sentences[:50], progress=False
    )
    Word2Vec(min_count=1, epochs=1, workers=args.workers, sg=False).fit(
        sentences[:50], progress=False
    )
    compile_seconds = time.perf_counter() - compile_start

    rows = []
    for sg in (True, False):
        speeds: dict[str, list[float]] = {"ours": [], "gensim": []}
        runs: dict[str, list[dict]] = {"ours": [], "gensim": []}
        for r in tqdm(range(args.repeats), desc="skip-gram" if sg else "CBOW", unit="run"):
            config = Word2VecConfig(
                sg=sg,
                negative=5,
                window=5,
                dim=100,
                min_count=5,
                sample=1e-3,
                epochs=args.epochs,
                workers=args.workers,
                seed=r + 1,
            )
            wps, quality = run_gensim(sentences, config, words)
            speeds["gensim"].append(wps)
            runs["gensim"].append(quality)
            wps, quality = run_ours(sentences, config)
            speeds["ours"].append(wps)
            runs["ours"].append(quality)
        ours_wps, gensim_wps = (
            statistics.median(speeds["ours"]),
            statistics.median(speeds["gensim"]),
        )
        mean = {side: _mean(runs[side]) for side in runs}
        rows.append(
            {
                "architecture": "skip-gram" if sg else "CBOW",
                "ours_words_per_s": round(ours_wps),
                "gensim_words_per_s": round(gensim_wps),
                "speed_ratio": round(ours_wps / gensim_wps, 3),
                "ours": mean["ours"],
                "gensim": mean["gensim"],
                "spread": {side: _spread(runs[side]) for side in runs},
                "analogy_gap": round(
                    mean["ours"]["analogy_accuracy"] - mean["gensim"]["analogy_accuracy"], 3
                ),
                "ws353_gap": round(
                    mean["ours"]["wordsim353_spearman"] - mean["gensim"]["wordsim353_spearman"],
                    4,
                ),
                "all_speeds": speeds,
                "all_runs": runs,
            }
        )
    report = {
        "benchmark": "word2vec vs gensim",
        "corpus": f"gensim's Wikipedia sample ({words:,} words, {len(sentences):,} sentences)",
        "settings": {
            "negative": 5,
            "window": 5,
            "dim": 100,
            "min_count": 5,
            "sample": 1e-3,
            "epochs": args.epochs,
            "workers": args.workers,
        },
        "goals": GOALS,
        "numba_compile_seconds": round(compile_seconds, 2),
        "rows": rows,
        "provenance": provenance(
            {"repeats": args.repeats, **vars(args), "out": str(args.out)},
            1,
            data.checksums(["enwiki", "gensim-eval"]),
            started,
            command="python benchmarks/word2vec_vs_gensim.py " + " ".join(sys.argv[1:]),
        ),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(report, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    table = markdown_table(report)
    print(table)
    if not args.no_readme:
        readme = ROOT / "reproductions" / "word2vec" / "README.md"
        text = readme.read_text(encoding="utf-8")
        text = re.sub(
            r"(<!-- BENCHMARK:START -->\n).*?(<!-- BENCHMARK:END -->)",
            lambda m: m.group(1) + table + "\n" + m.group(2),
            text,
            flags=re.S,
        )
        readme.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")


def markdown_table(report: dict) -> str:
    lines = [
        f"Corpus: {report['corpus']}; {report['settings']['epochs']} epochs, negative sampling 5, "
        f"window 5, 100 dims, {report['settings']['workers']} threads each. Commit "
        f"`{(report['provenance']['git_commit'] or '')[:10]}`, {report['provenance']['hardware'].get('cpu', '?')}.",
        "",
        "| architecture | words/s ours | words/s gensim | ratio | analogy ours | analogy gensim | WS353 ours | WS353 gensim | SimLex ours | SimLex gensim |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in report["rows"]:
        o, g = r["ours"], r["gensim"]
        lines.append(
            f"| {r['architecture']} | {r['ours_words_per_s']:,} | {r['gensim_words_per_s']:,} | {r['speed_ratio']:.2f} | "
            f"{o['analogy_accuracy']:.2f}% | {g['analogy_accuracy']:.2f}% | {o['wordsim353_spearman']:.3f} | "
            f"{g['wordsim353_spearman']:.3f} | {o['simlex999_spearman']:.3f} | {g['simlex999_spearman']:.3f} |"
        )
    lines.append("")
    lines.append(
        f"Quality is the mean of {report['provenance']['config']['repeats']} runs per side "
        "(seeds 1 to N; standard deviations in `benchmarks/results/word2vec.json`), speed the "
        "median. "
        f"Analogy accuracy is over the {report['rows'][0]['ours']['analogy_questions']:,} questions whose words are all in the vocabulary. numba compile time (once, cached afterwards): {report['numba_compile_seconds']} s."
    )
    return "\n".join(lines)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
