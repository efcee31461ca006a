"""ALBERT baseline: NSP vs SOP pre-training at small scale, each model scored on both tasks.

Owns the runnable experiment behind ALBERT's Table 4 ("the effect of sentence-prediction
loss"): two tiny ALBERTs pre-trained on Brown documents with MLM + a pair task, one with
next-sentence prediction, one with sentence-order prediction; each is then evaluated on
held-out NSP *and* SOP pairs (valid split) with its one 2-way head (class 0 = "coherent,
in order" in both tasks). Runs ``small-nsp`` and ``small-sop`` write one results file each.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any

import torch

from reproductions.bert.train import (
    brown_documents,
    evaluate_pairs,
    pretraining_batch_maker,
    pretraining_loss,
    special_ids,
    tokenizer_from_minilm,
)
from reproductions.common import data
from reproductions.common.results import plot_curves
from reproductions.common.training import TrainConfig, train, warmup_linear_decay

from . import PAPER_ID
from .model import AlbertConfig, AlbertForPreTraining

os.environ.setdefault("HF_HUB_OFFLINE", "1")

CONFIGS: dict[str, dict[str, Any]] = {
    "small": dict(
        model=dict(
            embedding_size=64,
            hidden_size=128,
            num_hidden_layers=4,
            num_attention_heads=2,
            intermediate_size=512,
            max_position_embeddings=64,
        ),
        steps=300,
        lr=1e-3,
        batch_size=32,
        warmup_steps=30,
        max_len=64,
        eval_batches=8,
        eval_every=50,
        max_docs=0,
    ),
    "paper": dict(
        model=dict(),  # ALBERT-base: E=128, H=768, L=12, shared
        steps=125_000,
        lr=0.00176,
        batch_size=4096,
        warmup_steps=3125,
        max_len=512,
        eval_batches=50,
        eval_every=5000,
        max_docs=0,
    ),
}

# ALBERT paper, Table 4 (ALBERT-base, 125k steps on BooksCorpus + Wikipedia), intrinsic
# accuracies of the model trained with each loss: NSP-trained 90.5 NSP / 52.0 SOP;
# SOP-trained 78.9 NSP / 86.5 SOP.
PAPER_TABLE4 = {
    "nsp": {"val_nsp_acc": 0.905, "val_sop_acc": 0.520},
    "sop": {"val_nsp_acc": 0.789, "val_sop_acc": 0.865},
}


def paper_metrics(task: str) -> dict[str, dict]:
    note = (
        f"ALBERT paper Table 4, ALBERT-base trained with {task.upper()} (BooksCorpus + "
        "Wikipedia, 125k steps); ours: a 4-layer shared ALBERT on Brown, a few hundred steps"
    )
    return {k: {"value": v, "note": note} for k, v in PAPER_TABLE4[task].items()}


def run_task(
    name: str, task: str, spec: dict[str, Any], steps: int | None, out: Path | None
) -> Path:
    tok = tokenizer_from_minilm()
    ids = special_ids(tok)
    started = time.time()
    train_docs = brown_documents("train", tok, spec["max_docs"])
    valid_docs = brown_documents("valid", tok, spec["max_docs"])
    print(f"tokenised Brown in {time.time() - started:.1f}s")
    config = AlbertConfig(vocab_size=len(tok), **spec["model"])
    torch.manual_seed(0)
    model = AlbertForPreTraining(config)
    cfg = TrainConfig(
        name=name,
        steps=steps if steps is not None else spec["steps"],
        lr=spec["lr"],
        batch_size=spec["batch_size"],
        warmup_steps=spec["warmup_steps"],
        eval_every=spec["eval_every"],
        weight_decay=0.01,
        extra=dict(
            model=config.to_dict(),
            task=f"mlm+{task}",
            max_len=spec["max_len"],
            max_docs=spec["max_docs"],
            data="brown",
        ),
    )

    def evaluate(m: torch.nn.Module) -> dict[str, float]:
        kw = dict(batches=spec["eval_batches"], max_len=spec["max_len"])
        # both pair tasks on the same held-out documents; MLM numbers from the trained task
        own = evaluate_pairs(m, valid_docs, task, ids, **kw)
        other_task = "sop" if task == "nsp" else "nsp"
        other = evaluate_pairs(m, valid_docs, other_task, ids, **kw)
        return {**own, f"val_{other_task}_acc": other[f"val_{other_task}_acc"]}

    result = train(
        model,
        cfg,
        reproduction="albert",
        run=name,
        loss_fn=pretraining_loss,
        make_batch=pretraining_batch_maker(train_docs, task, cfg, ids, spec["max_len"]),
        evaluate=evaluate,
        lr_lambda=warmup_linear_decay(cfg.warmup_steps, cfg.steps),
        data_checksums=data.checksums(["brown", "minilm"]),
        paper_metrics=paper_metrics(task),
        paper_id=PAPER_ID,
        out_dir=out,
    )
    if result.results_path is not None:
        plot_curves(result.results_path, result.results_path.with_suffix(".png"))
        print(f"wrote {result.results_path}: {result.metrics}")
    return result.results_path  # type: ignore[return-value]


def main(argv: list[str] | None = None) -> list[Path]:
    parser = argparse.ArgumentParser(
        prog="python -m reproductions.albert.train",
        description="Pre-train tiny ALBERTs with NSP and with SOP on Brown; score each on both tasks.",
        epilog="Example: python -m reproductions.albert.train --config small --task both --steps 300",
    )
    parser.add_argument("--config", choices=sorted(CONFIGS), default="small")
    parser.add_argument(
        "--task",
        choices=["nsp", "sop", "both"],
        default="both",
        help="which pair loss to train with",
    )
    parser.add_argument(
        "--steps", type=int, default=None, help="override the number of optimiser steps"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="results folder (default reproductions/albert/results)",
    )
    parser.add_argument(
        "--max-docs", type=int, default=None, help="use the first N Brown documents per split"
    )
    args = parser.parse_args(argv)
    spec = dict(CONFIGS[args.config])
    if args.max_docs is not None:
        spec["max_docs"] = args.max_docs
    tasks = ["nsp", "sop"] if args.task == "both" else [args.task]
    return [run_task(f"{args.config}-{t}", t, spec, args.steps, args.out) for t in tasks]


if __name__ == "__main__":
    main()
