"""ALBERT baseline: NSP vs SOP pre-training at small scale, each model scored on both tasks.

Owns the runnable experiment behind ALBERT's Table 4 ("the effect of sentence-prediction
loss"): two tiny ALBERTs pre-trained on Brown documents with MLM + a pair task, one with
next-sentence prediction, one with sentence-order prediction; each is then evaluated on
held-out NSP *and* SOP pairs (valid split) with its one 2-way head (class 0 = "coherent,
in order" in both tasks). Runs ``small-nsp`` and ``small-sop`` write one results file each.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from reproductions.bert.train import CONFIGS as BERT_CONFIGS
from reproductions.bert.train import (
    ContinuedSpec,
    PretrainingSpec,
    ScheduleSpec,
    pretrain_on_brown,
    pretraining_parser,
    pretraining_spec,
    run_continued_pretraining,
)
from reproductions.common import cli
from reproductions.common.claims import Claim, accuracy_above_rate, binomial_se, difference

from . import PAPER_ID
from .model import AlbertConfig, AlbertForPreTraining

os.environ.setdefault("HF_HUB_OFFLINE", "1")

CONFIGS: dict[str, ScheduleSpec] = {
    # BERT's small schedule, on a 4-layer shared ALBERT with E = 64.
    "small": replace(
        BERT_CONFIGS["small"],
        model=dict(
            embedding_size=64, hidden_size=128, num_hidden_layers=4, num_attention_heads=2,
            intermediate_size=512, max_position_embeddings=64,
        ),
    ),
    "paper": PretrainingSpec(
        model=dict(),  # ALBERT-base: E=128, H=768, L=12, shared
        train={
            "steps": 125_000, "lr": 0.00176, "batch_size": 4096, "warmup_steps": 3125,
            "eval_every": 5000,
        },
        max_len=512, eval_batches=50, max_docs=0,
    ),
    # Table 4 at CPU scale: three arms (MLM + NSP, MLM + SOP, MLM alone) continued from the same
    # start (2 MiniLM layers in our BertModel, see bert.train.minilm_start), same steps, same
    # documents, scored on 2,048 held-out NSP and 2,048 held-out SOP pairs each.
    "table4": BERT_CONFIGS["minilm"],
}  # fmt: skip

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


def table4_claims(arms: dict[str, dict[str, Any]], spec: ContinuedSpec) -> list[Claim]:
    """Table 4's reading, each part a test on the held-out pairs (n = 2,048 per task)."""
    n = int(arms["nsp"]["val_nsp_n"])
    ev = {"steps": spec.train["steps"], "seeds": [0], "n": n}
    # (claim, the paper's number, trained arm, the task it is scored on)
    learned = [
        ("NSP-trained model learns NSP (Table 4, NSP column)", "90.5", "nsp", "nsp"),
        ("SOP-trained model learns SOP (Table 4, SOP column)", "86.5", "sop", "sop"),
        ("SOP-trained model still solves NSP above chance (Table 4: 78.9)", "78.9", "sop", "nsp"),
    ]
    # (claim, the paper's numbers, the task, the better arm, the worse arm, their labels)
    compared = [
        (
            "SOP loss teaches sentence order, NSP loss does not: SOP accuracy of the SOP-trained "
            "model above the NSP-trained model's (Table 4)",
            "86.5 vs 52.0",
            "sop",
            ("sop", "nsp"),
            ("sop_trained", "nsp_trained"),
        ),
        (
            "A pair loss is what teaches NSP: NSP-trained above the no-pair-loss model on NSP "
            "(Table 4: 90.5 vs 52.4)",
            "90.5 vs 52.4",
            "nsp",
            ("nsp", "none"),
            ("nsp_trained", "no_pair_loss"),
        ),
    ]
    claims = [
        accuracy_above_rate(
            claim,
            paper,
            arms[arm][f"val_{task}_acc"],
            arms[arm][f"val_{task}_majority_rate"],
            n,
            evidence={**ev, "pred_frac": arms[arm][f"val_{task}_pred_frac"]},
        )
        for claim, paper, arm, task in learned
    ]
    for claim, paper, task, (better, worse), labels in compared:
        a, b = arms[better][f"val_{task}_acc"], arms[worse][f"val_{task}_acc"]
        se_a, se_b = binomial_se(a, n), binomial_se(b, n)
        claims.append(difference(claim, paper, a, b, se_a, se_b, labels=labels, evidence=ev))
    # The order Table 4 is read in: NSP learned, SOP learned, the SOP contrast, SOP on NSP, ...
    return [claims[0], claims[1], claims[3], claims[2], claims[4]]


PAPER_METRICS_TABLE4 = {
    f"{metric} ({arm})": {
        "value": value,
        "note": "ALBERT paper Table 4, ALBERT-base, 125k steps on BooksCorpus + Wikipedia; ours: "
        "100 steps continued from 2 MiniLM layers (BERT-style, not shared) on Brown",
    }
    for arm, row in {
        "nsp": {"val_nsp_acc": 0.905, "val_sop_acc": 0.520},
        "sop": {"val_nsp_acc": 0.789, "val_sop_acc": 0.865},
        "none": {"val_nsp_acc": 0.524, "val_sop_acc": 0.533},
    }.items()
    for metric, value in row.items()
}


def main(argv: list[str] | None = None) -> list[Path | None]:
    parser = pretraining_parser(
        "albert",
        "Pre-train tiny ALBERTs with NSP and with SOP on Brown; score each on both tasks.",
        "python -m reproductions.albert.train --config small --task both --steps 300",
        sorted(CONFIGS),
    )
    parser.add_argument(
        "--task",
        choices=["nsp", "sop", "both"],
        default="both",
        help="which pair loss to train with",
    )
    args = parser.parse_args(argv)
    spec = pretraining_spec(CONFIGS, args)
    job = cli.train_run("albert", args, mark_steps=False)
    if isinstance(spec, ContinuedSpec):
        paper = (PAPER_METRICS_TABLE4, PAPER_ID)
        paths = [run_continued_pretraining(job, ("nsp", "sop", "none"), spec, table4_claims, paper)]
    else:
        assert isinstance(spec, PretrainingSpec)
        tasks = ["nsp", "sop"] if args.task == "both" else [args.task]
        paths = [
            pretrain_on_brown(
                job,
                f"{args.config}-{task}",
                spec,
                config_cls=AlbertConfig,
                model_cls=AlbertForPreTraining,
                task=task,
                also_score=("sop" if task == "nsp" else "nsp",),
                paper=(paper_metrics(task), PAPER_ID),
            )
            for task in tasks
        ]
    cli.report(paths)
    return paths


if __name__ == "__main__":
    main()
