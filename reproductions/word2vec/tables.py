"""Mikolov's comparison tables at CPU scale, ours and gensim side by side, and an analogy demo.

2013a Tables 3/4 compare CBOW and skip-gram; 2013b Tables 1/3 compare hierarchical softmax with
negative sampling (k = 5, 15), with and without subsampling of frequent words. This command
trains every cell of that grid (at the dimensions asked for) with both implementations on the
same corpus, seed and threads, and records semantic and syntactic analogy accuracy (the two
halves of questions-words.txt), WordSim353 ρ and training words per second. Then it trains the
word vectors the TextCNN-static and non-static arms use (`classifiers.kim.train_vectors`, the
same function and settings) and prints the nearest neighbours of "king − man + woman" and of
country → capital questions whose words the vocabulary holds.

Writes `reproductions/word2vec/results/tables/tables.json` (with provenance; its own folder, since
it is not a train or parity record), the table between the
TABLES markers of the README, and `results/tables/accuracy.png`.

Example: python -m reproductions.word2vec.tables --corpus small --dims 100 300 --demo-corpus mixed
         python -m reproductions.word2vec.tables --demo-only   (the demo again, the grid kept)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from reproductions.common import cli
from reproductions.common.readme_block import replace_block
from reproductions.common.results import check_publishable, provenance
from reproductions.word2vec.corpora import CORPORA, checksums, corpus_file
from reproductions.word2vec.evaluate import evaluate, keyed_vectors
from reproductions.word2vec.model import MAX_SENTENCE_LEN, Word2Vec, Word2VecConfig, read_corpus
from reproductions.word2vec.reference import gensim_model, train_gensim
from tracker.atomic import atomic_write_text

HERE = Path(__file__).resolve().parent
OUT = HERE / "results" / "tables" / "tables.json"
README = HERE / "README.md"
OUTPUTS = {"HS": {"hs": True, "negative": 0}, "NS 5": {"hs": False, "negative": 5},
           "NS 15": {"hs": False, "negative": 15}}  # fmt: skip
DEMO = [("king", "man", "woman")]


def cut(corpus: str) -> list[list[str]]:
    """The corpus's lines cut into pieces of at most 10,000 words, as gensim and ours train."""
    lines = read_corpus(corpus_file(corpus))
    return [s[k : k + MAX_SENTENCE_LEN] for s in lines for k in range(0, len(s), MAX_SENTENCE_LEN)]


def corpus_name(corpus: str, words: int) -> str:
    return f"{corpus} ({words / 1e6:.2f}M words)"


def grid(dims: list[int]) -> list[dict]:
    cells = []
    for dim in dims:
        for arch in ("CBOW", "skip-gram"):
            for output, flags in OUTPUTS.items():
                for sample in (1e-3, 0.0):
                    cells.append(
                        {"arch": arch, "output": output, "sample": sample, "dim": dim,
                         "sg": arch == "skip-gram", **flags}
                    )  # fmt: skip
    return cells


def train_cell(sentences: list[list[str]], cell: dict, args: argparse.Namespace) -> dict:
    config = Word2VecConfig(
        sg=cell["sg"], hs=cell["hs"], negative=cell["negative"], sample=cell["sample"],
        dim=cell["dim"], window=5, min_count=5, epochs=args.epochs, workers=args.workers,
        seed=args.seed,
    )  # fmt: skip
    words = sum(map(len, sentences))
    ref = gensim_model(sentences, Word2Vec(Word2VecConfig(**vars(config))))
    start = time.perf_counter()
    train_gensim(ref, sentences, config.epochs)
    gensim_wps = words * config.epochs / (time.perf_counter() - start)
    ours = Word2Vec(Word2VecConfig(**vars(config))).fit(sentences, progress=False)
    return {
        **{k: cell[k] for k in ("arch", "output", "sample", "dim")},
        "ours": {**evaluate(keyed_vectors(ours.vocab.words, ours.vectors)),
                 "words_per_second": round(ours.words_per_second)},
        "gensim": {**evaluate(ref.wv), "words_per_second": round(gensim_wps)},
    }  # fmt: skip


def capital_questions(kv, limit: int = 4) -> list[tuple[str, str, str, str]]:  # noqa: ANN001
    """country → capital questions of questions-words.txt whose four words are in `kv`."""
    from reproductions.common import data

    out, section = [], ""
    for line in data.eval_file("questions-words.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith(":"):
            section = line[1:].strip()
            continue
        words = tuple(line.lower().split())
        if section == "capital-common-countries" and all(w in kv.key_to_index for w in words):
            out.append(words)
        if len(out) == limit:
            break
    return out


def demo_queries(kv) -> list[tuple[str, str, str, str | None]]:  # noqa: ANN001
    """(a, b, c, expected) for the nearest neighbours of a − b + c."""
    # A question "athens greece baghdad iraq" asks athens − greece + iraq → baghdad.
    return [(a, b, c, None) for a, b, c in DEMO] + [
        (capital, country, other_country, other_capital)
        for capital, country, other_capital, other_country in capital_questions(kv)
    ]


def demo_vectors(corpus: str) -> tuple[list[str], np.ndarray, int]:
    """The word vectors the TextCNN-static and non-static arms use: `kim.train_vectors` with
    `kim.SPEC` (our CLI, skip-gram NS, seed 1, 2 threads) on `corpus`; and its word count."""
    import tempfile

    from reproductions.classifiers import kim

    with tempfile.TemporaryDirectory() as tmp:
        table, corpus_words = kim.train_vectors(Path(tmp), kim.SPEC, corpus)
    words = list(table)
    return words, np.stack([table[w] for w in words]), corpus_words


def analogy_demo(corpus: str) -> tuple[list[dict], int]:
    """Nearest neighbours of a − b + c for the TextCNN arms' vectors of `corpus`, and the
    corpus's word count."""
    words, vectors, corpus_words = demo_vectors(corpus)
    kv = keyed_vectors(words, vectors)
    out = []
    for a, b, c, expected in demo_queries(kv):
        if not all(w in kv.key_to_index for w in (a, b, c)):
            continue
        answers = kv.most_similar(positive=[a, c], negative=[b], topn=5)
        out.append(
            {"query": f"{a} − {b} + {c}", "expected": expected,
             "nearest": [[w, round(float(s), 3)] for w, s in answers]}
        )  # fmt: skip
    return out, corpus_words


def markdown_table(report: dict) -> str:
    prov = report["provenance"]
    lines = [
        f"Corpus: {report['corpus_name']}; {report['epochs']} epochs, window 5, min_count 5, "
        f"{report['workers']} threads, seed {report['seed']}. Commit "
        f"`{(prov['git_commit'] or '')[:10]}`. Analogy accuracy (%) on the semantic and "
        "syntactic questions whose words are in the vocabulary.",
        "",
        "| model | output | subsampling | dim | semantic ours | semantic gensim | syntactic ours | syntactic gensim | WS353 ours | WS353 gensim | words/s ours | words/s gensim |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for c in report["cells"]:
        o, g = c["ours"], c["gensim"]
        lines.append(
            f"| {c['arch']} | {c['output']} | {'1e-3' if c['sample'] else 'off'} | {c['dim']} | "
            f"{o['analogy_semantic']:.2f} | {g['analogy_semantic']:.2f} | "
            f"{o['analogy_syntactic']:.2f} | {g['analogy_syntactic']:.2f} | "
            f"{o['wordsim353_spearman']:.3f} | {g['wordsim353_spearman']:.3f} | "
            f"{o['words_per_second']:,} | {g['words_per_second']:,} |"
        )
    if report.get("demo"):
        flags = report["demo_flags"]
        lines += [
            "",
            f"Analogy demo on the TextCNN-static/non-static vectors (skip-gram, NS "
            f"{flags['negative']}, {flags['dim']} dims, trained on {report['demo_corpus_name']}; "
            f"commit `{(report['demo_provenance']['git_commit'] or '')[:10]}`), nearest by cosine:",
            "",
        ]
        for d in report["demo"]:
            near = ", ".join(f"{w} ({s:.2f})" for w, s in d["nearest"])
            want = f" (expected: {d['expected']})" if d["expected"] else ""
            lines.append(f"- {d['query']} → {near}{want}")
    return "\n".join(lines)


def draw(report: dict, path: Path) -> Path:
    from reproductions.common.results import pyplot, save_figure

    plt = pyplot()
    cells = report["cells"]
    labels = [
        f"{c['arch']}\n{c['output']}, {'sub' if c['sample'] else 'no sub'}, {c['dim']}d"
        for c in cells
    ]
    fig, axes = plt.subplots(1, 2, figsize=(max(8, 0.9 * len(cells)), 4.5), sharey=True)
    for ax, kind in zip(axes, ("analogy_semantic", "analogy_syntactic"), strict=True):
        x = range(len(cells))
        ax.bar([i - 0.2 for i in x], [c["ours"][kind] for c in cells], width=0.4, label="ours")
        ax.bar([i + 0.2 for i in x], [c["gensim"][kind] for c in cells], width=0.4, label="gensim")
        ax.set_xticks(list(x), labels, rotation=90, fontsize=7)
        ax.set_title(kind.replace("analogy_", "") + " analogy accuracy (%)")
    axes[0].legend()
    fig.tight_layout()  # the rotated cell labels need the room below the bars
    return save_figure(fig, path)


def write_readme(report: dict) -> None:
    replace_block(README, "TABLES", markdown_table(report))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m reproductions.word2vec.tables",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--corpus", choices=CORPORA, default="mixed", help="the grid's corpus")
    parser.add_argument(
        "--demo-corpus",
        choices=CORPORA,
        default=None,
        help="the analogy demo's corpus (default: the grid's)",
    )
    parser.add_argument("--dims", type=int, nargs="+", default=[100])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--no-demo",
        action="store_true",
        help="skip the analogy demo (the one already in --out stays)",
    )
    parser.add_argument(
        "--demo-only",
        action="store_true",
        help="train the demo's vectors again and update the demo in --out (the grid stays)",
    )
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--table-only", action="store_true", help="redraw the figure and the README from --out"
    )
    cli.add_allow_dirty(parser)
    args = parser.parse_args(argv)
    if args.table_only:
        report = json.loads(args.out.read_text(encoding="utf-8"))
        draw(report, args.out.parent / "accuracy.png")
        write_readme(report)
        return
    check_publishable(args.out.parent)
    started = time.time()
    if args.demo_only:
        report = json.loads(args.out.read_text(encoding="utf-8"))
        add_demo(report, args.demo_corpus or report["corpus"], started)
        return publish(report, args.out)
    sentences = cut(args.corpus)
    prov = provenance(
        {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        args.seed,
        checksums(args.corpus),
        started,
        command="python -m reproductions.word2vec.tables " + " ".join(sys.argv[1:]),
    )
    report = {
        "corpus": args.corpus,
        "corpus_name": corpus_name(args.corpus, sum(map(len, sentences))),
        "epochs": args.epochs, "workers": args.workers, "seed": args.seed,
        "cells": [], "demo": [], "provenance": prov,
    }  # fmt: skip
    # Compile the numba kernels before anything is timed (one compilation serves every mode).
    Word2Vec(min_count=1, epochs=1, workers=args.workers).fit(sentences[:50], progress=False)
    for cell in tqdm(grid(args.dims), desc="Mikolov tables", unit="cell"):
        report["cells"].append(train_cell(sentences, cell, args))
    if not args.no_demo:
        add_demo(report, args.demo_corpus or args.corpus, time.time())
    elif args.out.is_file():  # the grid again: the demo already recorded stays, with its provenance
        old = json.loads(args.out.read_text(encoding="utf-8"))
        report.update({k: old[k] for k in DEMO_KEYS if k in old})
    report["provenance"]["wall_time_s"] = round(time.time() - started, 3)
    publish(report, args.out)


DEMO_KEYS = ("demo", "demo_corpus_name", "demo_flags", "demo_provenance")


def add_demo(report: dict, corpus: str, started: float) -> None:
    """Train the TextCNN arms' vectors on `corpus` and put their analogy demo in `report`,
    with its own provenance (a --demo-only run keeps the grid's)."""
    from reproductions.classifiers import kim

    report["demo"], words = analogy_demo(corpus)
    report["demo_corpus_name"] = corpus_name(corpus, words)
    report["demo_flags"] = dict(kim.SPEC["word2vec"])
    report["demo_provenance"] = provenance(
        {"corpus": corpus, **kim.vector_flags(kim.SPEC)},
        1,
        checksums(corpus),
        started,
        command="python -m reproductions.word2vec.tables " + " ".join(sys.argv[1:]),
    )


def publish(report: dict, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out, json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    draw(report, out.parent / "accuracy.png")
    write_readme(report)
    print(markdown_table(report))


if __name__ == "__main__":
    main()
