"""Train Word2Vec on a corpus file and write the word2vec text format.

Two uses:
- the plain tool: `--corpus FILE --out VECTORS.txt` with word2vec's usual flags;
- the reproduction's baseline: `--config small|paper` trains on the Wikipedia sample fetched from
  gensim's test data, evaluates analogies, WordSim353 and SimLex-999, draws the pictures, and
  records everything in `reproductions/word2vec/results/<run>.json` with provenance.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from reproductions.common.spec import RunSpec
from reproductions.word2vec import PAPER_ID
from reproductions.word2vec.model import Word2Vec, Word2VecConfig, read_corpus
from tracker.atomic import atomic_write_text

RESULTS = Path(__file__).resolve().parent / "results"

# Mikolov et al. 2013a, Table 4 (public vectors; 300 dimensions, 783M words of Google News):
# total accuracy on the semantic-syntactic word relationship test set.
PAPER_METRICS = {
    "sg": {
        "analogy_accuracy": {
            "value": 53.3,
            "note": "2013a Table 4, skip-gram, 300 dim, 783M words; ours: 0.47M words of Wikipedia",
        }
    },
    "cbow": {
        "analogy_accuracy": {
            "value": 36.1,
            "note": "2013a Table 4, CBOW, 300 dim, 783M words; ours: 0.47M words of Wikipedia",
        }
    },
}


@dataclass(frozen=True, kw_only=True)
class BaselineSpec(RunSpec):
    """A baseline's `Word2VecConfig` settings (a flag given on the command line overrides one)."""

    epochs: int
    dim: int
    window: int
    min_count: int
    negative: int
    sample: float


CONFIGS = {
    "small": BaselineSpec(epochs=5, dim=100, window=5, min_count=5, negative=5, sample=1e-3),
    "paper": BaselineSpec(epochs=15, dim=300, window=10, min_count=5, negative=10, sample=1e-4),
}


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m reproductions.word2vec.train",
        description=__doc__,
        epilog=(
            "Example: python -m reproductions.word2vec.train --corpus text.txt --out vectors.txt "
            "--sg 1 --negative 5 --window 5 --dim 100 --epochs 5 --workers 2"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--corpus", type=Path, help="text file, one sentence per line, tokens split by spaces"
    )
    p.add_argument("--out", type=Path, help="where to write the vectors (word2vec text format)")
    p.add_argument(
        "--config",
        choices=sorted(CONFIGS),
        help="run the baseline on the Wikipedia sample and record results",
    )
    p.add_argument(
        "--sg",
        type=int,
        choices=(0, 1),
        default=None,
        help="1 skip-gram, 0 CBOW (default 0; --config runs both)",
    )
    p.add_argument(
        "--hs", type=int, choices=(0, 1), default=0, help="hierarchical softmax (default 0)"
    )
    p.add_argument(
        "--negative", type=int, default=None, help="negative samples (default 5; 0 = none)"
    )
    p.add_argument("--window", type=int, default=None, help="maximum context window (default 5)")
    p.add_argument("--dim", type=int, default=None, help="vector size (default 100)")
    p.add_argument("--epochs", type=int, default=None, help="passes over the corpus (default 5)")
    p.add_argument("--min-count", type=int, default=None, help="drop rarer words (default 5)")
    p.add_argument(
        "--sample", type=float, default=None, help="subsampling threshold (default 1e-3)"
    )
    p.add_argument("--alpha", type=float, default=0.025, help="initial learning rate")
    p.add_argument("--min-alpha", type=float, default=0.0001, help="final learning rate")
    p.add_argument(
        "--cbow-mean",
        type=int,
        choices=(0, 1),
        default=1,
        help="CBOW: mean (1) or sum (0) of context",
    )
    p.add_argument("--workers", type=int, default=2, help="training threads")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--exact-sigmoid", action="store_true", help="exact σ instead of the C tool's table"
    )
    p.add_argument(
        "--run", default=None, help="results name for --config runs (default: the config)"
    )
    p.add_argument(
        "--steps", type=int, default=None, help="(shared flag) ignored: word2vec counts epochs"
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def make_config(args: argparse.Namespace, base: BaselineSpec, sg: bool) -> Word2VecConfig:
    def pick(name: str, default: object) -> object:
        value = getattr(args, name)
        return default if value is None else value

    return Word2VecConfig(
        dim=pick("dim", base.dim),
        window=pick("window", base.window),
        sg=sg,
        hs=bool(args.hs),
        negative=pick("negative", base.negative),
        min_count=pick("min_count", base.min_count),
        sample=pick("sample", base.sample),
        alpha=args.alpha,
        min_alpha=args.min_alpha,
        epochs=pick("epochs", base.epochs),
        cbow_mean=bool(args.cbow_mean),
        workers=args.workers,
        seed=args.seed,
        exact_sigmoid=args.exact_sigmoid,
    )


def run_tool(args: argparse.Namespace) -> None:
    if not args.corpus or not args.out:
        sys.exit("error: give --corpus FILE and --out VECTORS.txt (or --config small|paper)")
    if not args.corpus.is_file():
        sys.exit(f"error: corpus {args.corpus} not found")
    sentences = list(read_corpus(args.corpus))
    config = make_config(args, CONFIGS["small"], sg=bool(args.sg))
    model = Word2Vec(config).fit(sentences, progress=not args.quiet)
    model.save_word2vec_format(args.out)
    print(
        f"wrote {len(model.vocab)} vectors of {config.dim} dims to {args.out} "
        f"({model.raw_words:,} corpus words, {model.words_per_second:,.0f} words/s)"
    )


def run_baseline(args: argparse.Namespace) -> None:
    from reproductions.common import data
    from reproductions.common.results import (
        check_publishable,
        provenance,
        tree_is_dirty,
        write_results,
    )
    from reproductions.word2vec.evaluate import (
        analogy_examples,
        draw_pictures,
        evaluate,
        keyed_vectors,
    )

    check_publishable(RESULTS)
    # The tree's state when the run starts: the files this run writes for one architecture must
    # not mark the next one's results as coming from a dirty tree.
    dirty_at_start = tree_is_dirty()
    corpus = args.corpus or data.enwiki_corpus_file()
    sentences = list(read_corpus(corpus))
    base = CONFIGS[args.config]
    archs = [bool(args.sg)] if args.sg is not None else [True, False]
    for sg in archs:
        name = "sg" if sg else "cbow"
        config = make_config(args, base, sg=sg)
        started = time.time()
        model = Word2Vec(config).fit(sentences, progress=not args.quiet)
        kv = keyed_vectors(model.vocab.words, model.vectors)
        metrics = evaluate(kv)
        metrics.update(
            words_per_second=round(model.words_per_second),
            vocabulary=len(model.vocab),
            corpus_words=model.raw_words,
            train_seconds=round(model.train_seconds, 2),
        )
        run = f"{args.run or args.config}-{name}"
        out_dir = RESULTS
        pictures = draw_pictures(kv, out_dir / run, f"word2vec {name}")
        curves = {"epoch_seconds": [[h["epoch"], round(h["seconds"], 3)] for h in model.history]}
        path = write_results(
            "word2vec",
            run,
            kind="train",
            metrics=metrics,
            curves=curves,
            paper_metrics=PAPER_METRICS[name],
            paper_id=PAPER_ID,
            provenance=provenance(
                vars(config),
                config.seed,
                data.checksums(["enwiki", "gensim-eval"]) if not args.corpus else {},
                started,
                command=" ".join(["python -m reproductions.word2vec.train", *sys.argv[1:]]),
            )
            | {"git_dirty": dirty_at_start},
            out_dir=out_dir,
        )
        extra = {
            "analogy_examples": analogy_examples(kv),
            "pictures": [str(p.relative_to(out_dir)) for p in pictures],
        }
        _add_extra(path, extra)
        print(f"{name}: {metrics} -> {path}")


def _add_extra(path: Path, extra: dict) -> None:
    import json

    record = json.loads(path.read_text(encoding="utf-8"))
    record["metrics_detail"] = extra
    atomic_write_text(path, json.dumps(record, indent=1, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    if args.config:
        run_baseline(args)
    else:
        run_tool(args)


if __name__ == "__main__":
    main()
