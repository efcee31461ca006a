"""BERT baselines: small MLM+NSP pre-training on Brown, and feature-based vs fine-tuning.

Owns the runnable experiments of the BERT reproduction (``--help`` lists them):

* ``small``: a tiny BERT pre-trained with masked LM + next-sentence prediction on the Brown
  corpus (documents of the train split; validation on the valid split), WordPiece over
  all-MiniLM-L6-v2's vocabulary. Curves of the loss, MLM accuracy and NSP accuracy.
* ``sentiment``: the paper's feature-based vs fine-tuning question (Section 5.3, Table 7) on
  Pang & Lee sentence polarity with the real MiniLM weights in our ``BertModel``: a logistic
  regression on frozen mean-pooled features vs fine-tuning every weight for a few hundred steps.
* ``paper``: BERT-base pre-training shapes (for a GPU cluster; listed for completeness).

All runs go through ``reproductions.common.training.train`` and so work under ``torchrun``.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from reproductions.common import cli, data
from reproductions.common.claims import Claim, accuracy_above_rate, classifier_metrics
from reproductions.common.distributed import DistInfo, shard_batch
from reproductions.common.spec import RunSpec, TrainTable
from reproductions.common.training import (
    Objective,
    TrainConfig,
    TrainRun,
    train,
    warmup_linear_decay,
)

from . import PAPER_ID
from .model import BertConfig, BertForPreTraining, BertModel
from .pretraining_data import Document, SpecialIds, encode_documents, pair_batch
from .sentence_embedding import batch_encode, embed, mean_pool
from .tokenizer import WordPieceTokenizer

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@dataclass(frozen=True, kw_only=True)
class ScheduleSpec(RunSpec):
    """A BERT/ALBERT run. `train` is its schedule (steps, lr, batch_size, warmup_steps,
    eval_every): warm-up, then linear decay to 0, weight decay 0.01 (`pretraining_config`)."""

    train: TrainTable


@dataclass(frozen=True, kw_only=True)
class PretrainingSpec(ScheduleSpec):
    """Pre-training from scratch on Brown documents with MLM + a pair task."""

    model: dict[str, Any]  # BertConfig / AlbertConfig keywords (the vocabulary is MiniLM's)
    max_len: int  # tokens per pair
    eval_batches: int  # valid batches scored per evaluation
    max_docs: int  # the first N Brown documents per split; 0 = all


@dataclass(frozen=True, kw_only=True)
class ContinuedSpec(ScheduleSpec):
    """Pre-training continued from the first `layers` MiniLM layers (see `minilm_start`)."""

    layers: int
    head_lr_mult: float = 1.0  # the fresh heads' learning rate over the encoder's
    max_len: int  # tokens per pair
    eval_pairs: int  # held-out pairs scored per task
    max_docs: int  # the first N Brown documents per split; 0 = all

    def record(self) -> dict[str, Any]:
        """Flat, as these runs have always recorded it: the schedule's keys beside the rest."""
        fields = super().record()
        return {**fields.pop("train"), **fields}


# Settings grouped by line (model, schedule, data), so that the configs read side by side.
CONFIGS: dict[str, ScheduleSpec] = {
    "small": PretrainingSpec(
        model=dict(
            hidden_size=128, num_hidden_layers=2, num_attention_heads=2,
            intermediate_size=512, max_position_embeddings=64,
        ),
        train={"steps": 300, "lr": 1e-3, "batch_size": 32, "warmup_steps": 30, "eval_every": 50},
        max_len=64, eval_batches=8, max_docs=0,  # 0 = all documents of the split
    ),
    "paper": PretrainingSpec(
        model=dict(),  # BERT-base
        train={
            "steps": 1_000_000, "lr": 1e-4, "batch_size": 256, "warmup_steps": 10_000,
            "eval_every": 10_000,
        },
        max_len=512, eval_batches=50, max_docs=0,
    ),
    "sentiment": ScheduleSpec(
        train={"steps": 300, "lr": 3e-5, "batch_size": 16, "warmup_steps": 30, "eval_every": 100}
    ),
    # MLM + NSP continued from real weights: the first `layers` layers of all-MiniLM-L6-v2 in our
    # BertModel, word embeddings frozen (they are also the tied MLM decoder), fresh MLM transform
    # and NSP head. Same start, steps and documents as ALBERT's `table4` arms.
    "minilm": ContinuedSpec(
        layers=2,
        train={"steps": 100, "lr": 2e-4, "batch_size": 32, "warmup_steps": 10, "eval_every": 100},
        # The fresh heads (pooler, pair head, MLM transform) learn at 10x the encoder's rate: at
        # one rate of 1e-4 for 150 steps the pair head stayed constant (one answer for every pair).
        head_lr_mult=10.0,
        max_len=32, eval_pairs=2048, max_docs=0,
    ),
}  # fmt: skip

PAPER_METRICS_PRETRAIN = {
    "val_nsp_acc": {
        "value": 0.975,
        "note": "BERT paper Section 3.1 footnote: the final model reaches 97-98% on NSP "
        "(BERT-base/large on BooksCorpus+Wikipedia, 1M steps); ours is a 2-layer model on Brown",
    }
}
PAPER_METRICS_SENTIMENT = {
    "finetune_test_acc": {
        "value": 0.964,
        "note": "BERT paper Table 7: CoNLL-2003 NER dev F1 96.4 for fine-tuned BERT-base; "
        "a different task and data set (ours: Pang & Lee sentence polarity accuracy)",
    },
    "feature_based_test_acc": {
        "value": 0.961,
        "note": "BERT paper Table 7: best feature-based BERT-base (concat last four hidden "
        "layers + BiLSTM) CoNLL-2003 dev F1 96.1; ours: logistic regression on mean-pooled "
        "MiniLM features, sentence polarity accuracy",
    },
}


def tokenizer_from_minilm() -> WordPieceTokenizer:
    return WordPieceTokenizer.from_vocab_file(data.minilm_dir() / "vocab.txt")


def special_ids(tok: WordPieceTokenizer) -> SpecialIds:
    return SpecialIds(tok.cls_id, tok.sep_id, tok.pad_id, tok.mask_id, len(tok))


def brown_documents(split: str, tok: WordPieceTokenizer, max_docs: int = 0) -> list[Document]:
    """Brown documents of a split as token-id sentences (corpus order kept: NSP needs it)."""
    docs = data.brown_documents(split)
    if max_docs:
        docs = docs[:max_docs]
    texts = [[" ".join(word for word, _ in sentence) for sentence in sents] for _, _, sents in docs]
    return encode_documents(texts, lambda s: tok.convert_tokens_to_ids(tok.tokenize(s)))


@torch.no_grad()
def evaluate_pairs(
    model: nn.Module,
    docs: list[Document],
    task: str,
    ids: SpecialIds,
    *,
    batches: int,
    max_len: int,
    batch_size: int = 64,
    seed: int = 12345,
) -> dict[str, float]:
    """MLM loss/accuracy and pair-task accuracy on fixed held-out batches (same every call)."""
    mlm_loss = mlm_right = mlm_n = pair_right = pair_n = 0.0
    targets: list[torch.Tensor] = []
    pair_preds: list[int] = []
    pair_labels: list[int] = []
    device = next(model.parameters()).device
    for k in range(batches):
        b = {
            k2: v.to(device)
            for k2, v in pair_batch(docs, task, batch_size, max_len, ids, seed=seed, step=k).items()
        }
        out = pretraining_forward(model, b)
        pair_logits = (
            out.seq_relationship_logits
            if hasattr(out, "seq_relationship_logits")
            else out.sop_logits
        )
        target = b["labels"][b["labels"] != -100]
        mlm_loss += float(F.cross_entropy(out.prediction_logits, target, reduction="sum"))
        mlm_right += float((out.prediction_logits.argmax(-1) == target).sum())
        mlm_n += target.numel()
        pair_right += float((pair_logits.argmax(-1) == b["pair_label"]).sum())
        pair_n += b["pair_label"].numel()
        targets.append(target.cpu())
        pair_preds += pair_logits.argmax(-1).tolist()
        pair_labels += b["pair_label"].tolist()
    # The accuracy of always answering the commonest masked word: what "MLM accuracy" must beat.
    every_target = torch.cat(targets)
    top_share = float(every_target.bincount().max()) / every_target.numel()
    pair = classifier_metrics(f"val_{task}", pair_preds, pair_labels, 2)
    return {
        "val_mlm_loss": mlm_loss / mlm_n,
        "val_mlm_acc": mlm_right / mlm_n,
        "val_mlm_top_token_rate": top_share,
        "val_mlm_n": mlm_n,
        **pair,
    }


def pretraining_batch_maker(
    docs: list[Document], task: str, cfg: TrainConfig, ids: SpecialIds, max_len: int
):
    """make_batch(step, info): the global batch is drawn from the step, each rank takes its rows."""

    def make_batch(step: int, info: DistInfo) -> dict[str, torch.Tensor]:
        full = pair_batch(docs, task, cfg.batch_size, max_len, ids, seed=cfg.seed, step=step)
        rows = shard_batch(range(cfg.batch_size), info)
        return {k: v[rows].to(info.device) for k, v in full.items()}

    return make_batch


def pretraining_forward(model: nn.Module, b: dict[str, torch.Tensor]) -> Any:
    """The pre-training forward on a `pair_batch`: MLM logits at the masked positions only."""
    return model(
        b["input_ids"],
        b["token_type_ids"],
        b["attention_mask"],
        b["labels"],
        b["pair_label"],
        decode_labelled_only=True,
    )


def pretraining_loss(model: nn.Module, b: dict[str, torch.Tensor]) -> torch.Tensor:
    return pretraining_forward(model, b).loss


def pretraining_config(
    name: str, spec: ScheduleSpec, steps: int | None, **extra: Any
) -> TrainConfig:
    """The TrainConfig of every BERT/ALBERT run: the spec's schedule, weight decay 0.01."""
    return TrainConfig(
        name=name,
        steps=spec.train["steps"] if steps is None else steps,
        lr=spec.train["lr"],
        batch_size=spec.train["batch_size"],
        warmup_steps=spec.train["warmup_steps"],
        eval_every=spec.train["eval_every"],
        weight_decay=0.01,
        extra=extra,
    )


def pretrain_on_brown(
    job: TrainRun,
    name: str,
    spec: PretrainingSpec,
    *,
    config_cls: Callable[..., Any],
    model_cls: Callable[[Any], nn.Module],
    task: str,
    also_score: tuple[str, ...] = (),
    paper: tuple[dict[str, dict], str],
) -> Path | None:
    """Pre-train ``model_cls(config_cls(...))`` with MLM + the pair task ``task`` on Brown.

    Shared by BERT (NSP) and ALBERT (NSP or SOP): validation reports MLM loss/accuracy and the
    accuracy of ``task`` on held-out valid pairs, plus the accuracy of each task in
    ``also_score`` with the same 2-way head. Writes ``<reproduction>/results/<name>.json``.
    """
    tok = tokenizer_from_minilm()
    ids = special_ids(tok)
    started = time.time()
    train_docs = brown_documents("train", tok, spec.max_docs)
    valid_docs = brown_documents("valid", tok, spec.max_docs)
    print(
        f"tokenised Brown in {time.time() - started:.1f}s: {len(train_docs)} train / {len(valid_docs)} valid documents"
    )
    config = config_cls(vocab_size=len(tok), **spec.model)
    torch.manual_seed(0)
    model = model_cls(config)
    cfg = pretraining_config(
        name,
        spec,
        job.steps,
        model=config.to_dict(),
        max_len=spec.max_len,
        max_docs=spec.max_docs,
        task=f"mlm+{task}",
        data="brown",
    )

    def evaluate(m: nn.Module) -> dict[str, float]:
        kw = dict(batches=spec.eval_batches, max_len=spec.max_len)
        metrics = evaluate_pairs(m, valid_docs, task, ids, **kw)
        for other in also_score:  # same held-out documents; MLM numbers from the trained task
            key = f"val_{other}_acc"
            metrics[key] = evaluate_pairs(m, valid_docs, other, ids, **kw)[key]
        return metrics

    make_batch = pretraining_batch_maker(train_docs, task, cfg, ids, spec.max_len)
    return job.train_and_publish(
        model,
        cfg,
        Objective(pretraining_loss, make_batch, evaluate),
        paper,
        data=data.checksums(["brown", "minilm"]),
        name=name,
        lr_lambda=warmup_linear_decay(cfg.warmup_steps, cfg.steps),
    )


def run_pretraining(job: TrainRun, spec: PretrainingSpec) -> Path | None:
    return pretrain_on_brown(
        job,
        job.name,
        spec,
        config_cls=BertConfig,
        model_cls=BertForPreTraining,
        task="nsp",
        paper=(PAPER_METRICS_PRETRAIN, PAPER_ID),
    )


def minilm_start(layers: int) -> BertForPreTraining:
    """Our BertForPreTraining whose embeddings and first `layers` layers carry all-MiniLM-L6-v2's
    real weights; the MLM transform, the pooler and the pair head are freshly initialised from
    seed 0 (so every arm of an experiment starts from the same weights). Word embeddings are
    frozen: they are also the tied MLM decoder, and 30,522 x 384 of Adam state per step is most
    of the cost on a CPU."""
    from .reference import bert_model_from_hf, load_local_bert

    base = bert_model_from_hf(load_local_bert(data.minilm_dir())).float()
    config = BertConfig(**{**base.config.to_dict(), "num_hidden_layers": layers})
    torch.manual_seed(0)
    model = BertForPreTraining(config)
    keep = {
        k: v
        for k, v in base.state_dict().items()
        if not k.startswith("encoder.layer.") or int(k.split(".")[2]) < layers
    }
    keep = {k: v for k, v in keep.items() if not k.startswith("pooler.")}
    missing, unexpected = model.bert.load_state_dict(keep, strict=False)
    if unexpected or any(not k.startswith("pooler.") for k in missing):
        raise ValueError(f"MiniLM weights do not fit: missing {missing}, unexpected {unexpected}")
    model.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    return model


def continued_pretraining_arm(
    reproduction: str,
    arm: str,
    spec: ContinuedSpec,
    steps: int,
    train_docs: list[Document],
    valid_docs: list[Document],
    ids: SpecialIds,
    scratch: Path,
) -> dict[str, Any]:
    """One arm: MLM + `arm` ("nsp", "sop", or "none" = MLM alone on in-order SOP-style pairs)
    from the MiniLM start; scored on held-out NSP and SOP pairs with its one pair head."""
    model = minilm_start(spec.layers)
    heads = {id(p) for m in (model.cls, model.bert.pooler) for p in m.parameters()}
    groups = [
        [p for p in model.parameters() if p.requires_grad and id(p) not in heads],
        [p for p in model.parameters() if p.requires_grad and id(p) in heads],
    ]
    optimizer = torch.optim.AdamW(
        [
            {"params": groups[0], "lr": spec.train["lr"]},
            {"params": groups[1], "lr": spec.train["lr"] * spec.head_lr_mult},
        ],
        weight_decay=0.01,
    )
    cfg = pretraining_config(
        f"{reproduction}-{arm}",
        spec,
        steps,
        task=arm,
        layers=spec.layers,
        max_len=spec.max_len,
    )
    data_task = "sop" if arm == "none" else arm
    batches = pretraining_batch_maker(train_docs, data_task, cfg, ids, spec.max_len)
    eval_batches = spec.eval_pairs // 64

    def loss_fn(m: nn.Module, b: dict[str, torch.Tensor]) -> torch.Tensor:
        out = pretraining_forward(m, b)
        if arm != "none":
            return out.loss
        # No pair loss: the MLM term alone (the pair head gets no gradient and stays as drawn).
        target = b["labels"][b["labels"] != -100]
        return (
            F.cross_entropy(out.prediction_logits, target) + 0.0 * out.seq_relationship_logits.sum()
        )

    def evaluate(m: nn.Module) -> dict[str, float]:
        kw = dict(batches=eval_batches, max_len=spec.max_len)
        nsp = evaluate_pairs(m, valid_docs, "nsp", ids, **kw)
        sop = evaluate_pairs(m, valid_docs, "sop", ids, **kw)
        # MLM numbers from the NSP pairs: the same held-out inputs for every arm.
        return {**nsp, **{k: v for k, v in sop.items() if k.startswith("val_sop_")}}

    started = time.time()
    result = train(
        model,
        cfg,
        reproduction=reproduction,
        run=f"arm-{arm}",
        loss_fn=loss_fn,
        make_batch=batches,
        evaluate=evaluate,
        optimizer=optimizer,
        lr_lambda=warmup_linear_decay(cfg.warmup_steps, cfg.steps),
        out_dir=scratch,
    )
    return {"metrics": result.metrics, "curves": result.curves, "wall_s": time.time() - started}


def _arm_in_process(
    reproduction: str, arm: str, spec: ContinuedSpec, steps: int, scratch: Path
) -> dict[str, Any]:
    """One arm in its own process (arms run side by side: each gets its share of the cores)."""
    torch.set_num_threads(1)
    tok = tokenizer_from_minilm()
    ids = special_ids(tok)
    train_docs = brown_documents("train", tok, spec.max_docs)
    valid_docs = brown_documents("valid", tok, spec.max_docs)
    return continued_pretraining_arm(
        reproduction, arm, spec, steps, train_docs, valid_docs, ids, scratch
    )


def run_continued_pretraining(
    job: TrainRun,
    arms: tuple[str, ...],
    spec: ContinuedSpec,
    claims_fn: Callable[[dict[str, dict[str, Any]], ContinuedSpec], list[Claim]],
    paper: tuple[dict[str, dict], str],
) -> Path | None:
    """Train each arm from the MiniLM start on the same Brown documents and steps, then write one
    results file with every arm's metrics (`<metric> (<arm>)`), curves and the claims."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    n_steps = job.steps if job.steps is not None else spec.train["steps"]
    reproduction = job.reproduction
    # Each arm depends only on (spec, arm, steps): running them in parallel processes gives the
    # same numbers as running them one after another.
    with ProcessPoolExecutor(len(arms), mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {
            arm: pool.submit(_arm_in_process, reproduction, arm, spec, n_steps, job.scratch)
            for arm in arms
        }
        results = {arm: f.result() for arm, f in futures.items()}
    metrics: dict[str, Any] = {}
    for arm, res in results.items():
        for key, value in res["metrics"].items():
            metrics[f"{key} ({arm})"] = value
        metrics[f"train_wall_s ({arm})"] = res["wall_s"]
    curves = {
        f"{key} ({arm})": points
        for arm, res in results.items()
        for key, points in res["curves"].items()
        if key in ("train_loss", "val_nsp_acc", "val_sop_acc", "val_mlm_acc")
    }
    return job.publish(
        metrics,
        curves,
        paper,
        config={**spec.record(), "steps": n_steps, "arms": list(arms), "start": "all-MiniLM-L6-v2"},
        data=data.checksums(["brown", "minilm"]),
        claims=claims_fn({a: r["metrics"] for a, r in results.items()}, spec),
    )


def minilm_nsp_claims(arms: dict[str, dict[str, Any]], spec: ContinuedSpec) -> list[Claim]:
    """BERT's two pre-training tasks are learnable: NSP beyond the majority rate, MLM beyond the
    commonest-word rate, both on held-out Brown (valid split)."""
    m = arms["nsp"]
    return [
        accuracy_above_rate(
            "NSP is learnable: the [CLS] head tells a next sentence from a random one "
            "(Section 3.1, Task #2)",
            "97-98% NSP accuracy after 1M steps of pre-training",
            m["val_nsp_acc"],
            m["val_nsp_majority_rate"],
            int(m["val_nsp_n"]),
            evidence={
                "pred_frac": m["val_nsp_pred_frac"],
                "steps": spec.train["steps"],
                "seeds": [0],
            },
        ),
        accuracy_above_rate(
            "Masked LM predicts masked words from both sides' context (Section 3.1, Task #1)",
            "MLM is the main pre-training signal (no single accuracy reported)",
            m["val_mlm_acc"],
            m["val_mlm_top_token_rate"],
            int(m["val_mlm_n"]),
            rate_label="commonest-word rate",
            evidence={"steps": spec.train["steps"], "seeds": [0]},
        ),
    ]


PAPER_METRICS_MINILM = {
    "val_nsp_acc (nsp)": {
        "value": 0.975,
        "note": "BERT paper Section 3.1 footnote: 97-98% NSP after 1M steps on "
        "BooksCorpus+Wikipedia; ours: 100 steps of MLM+NSP continued from 2 MiniLM layers on Brown",
    }
}


def run_minilm(job: TrainRun, spec: ContinuedSpec) -> Path | None:
    paper = (PAPER_METRICS_MINILM, PAPER_ID)
    return run_continued_pretraining(job, ("nsp",), spec, minilm_nsp_claims, paper)


class SentenceClassifier(nn.Module):
    """Our BERT, mean pooling, dropout and a linear layer: the fine-tuning setup (Section 4.1)."""

    def __init__(self, bert: BertModel, classes: int = 2) -> None:
        super().__init__()
        self.bert = bert
        self.dropout = nn.Dropout(0.1)
        self.classifier = nn.Linear(bert.config.hidden_size, classes)

    def forward(
        self, input_ids: torch.Tensor, token_type_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> torch.Tensor:
        h = self.bert(input_ids, token_type_ids, attention_mask).last_hidden_state
        return self.classifier(self.dropout(mean_pool(h, attention_mask, normalize=False)))


def feature_based_accuracy(bert: BertModel, tok: WordPieceTokenizer, train_set, test_set) -> float:
    """Logistic regression on frozen, normalised mean-pooled features; test accuracy."""
    from sklearn.linear_model import LogisticRegression

    bert.eval()
    x_train = embed(bert, tok, [t for t, _ in train_set]).numpy()
    x_test = embed(bert, tok, [t for t, _ in test_set]).numpy()
    clf = LogisticRegression(C=10.0, max_iter=2000)
    clf.fit(x_train, [y for _, y in train_set])
    return float(clf.score(x_test, [y for _, y in test_set]))


def run_sentiment(job: TrainRun, spec: ScheduleSpec, limit: int = 0) -> Path | None:
    from .reference import bert_model_from_hf, load_local_bert

    tok = tokenizer_from_minilm()
    train_set = data.pang_lee_sentences("train")
    test_set = data.pang_lee_sentences("test")
    if limit:
        rng = random.Random(0)
        train_set = rng.sample(train_set, min(limit, len(train_set)))
        test_set = rng.sample(test_set, min(limit, len(test_set)))
    # Our model carries the real weights; HF is only the loader of the checkpoint file.
    bert = bert_model_from_hf(load_local_bert(data.minilm_dir()))
    started = time.time()
    feature_acc = (
        feature_based_accuracy(bert, tok, train_set, test_set) if job.is_main else float("nan")
    )
    print(f"feature-based accuracy {feature_acc:.4f} ({time.time() - started:.0f}s)")

    torch.manual_seed(0)
    model = SentenceClassifier(bert)
    cfg = pretraining_config(
        job.name,
        spec,
        job.steps,
        data="pang-lee sentences",
        train=len(train_set),
        test=len(test_set),
        weights="all-MiniLM-L6-v2",
    )
    encoded = batch_encode(tok, [t for t, _ in train_set])
    labels = torch.tensor([y for _, y in train_set])

    def make_batch(step: int, info: DistInfo) -> dict[str, torch.Tensor]:
        g = torch.Generator().manual_seed(cfg.seed * 100_003 + step)
        picked = torch.randint(len(train_set), (cfg.batch_size,), generator=g)
        rows = picked[shard_batch(range(cfg.batch_size), info)]
        b = {k: v[rows] for k, v in encoded.items()}
        width = int(b["attention_mask"].sum(1).max())  # drop all-padding columns
        b = {k: v[:, :width].to(info.device) for k, v in b.items()}
        b["y"] = labels[rows].to(info.device)
        return b

    def loss_fn(m: nn.Module, b: dict[str, torch.Tensor]) -> torch.Tensor:
        return F.cross_entropy(m(b["input_ids"], b["token_type_ids"], b["attention_mask"]), b["y"])

    def evaluate(m: nn.Module) -> dict[str, float]:
        right = 0
        device = next(m.parameters()).device
        for start in range(0, len(test_set), 64):
            chunk = test_set[start : start + 64]
            enc = {k: v.to(device) for k, v in batch_encode(tok, [t for t, _ in chunk]).items()}
            pred = m(enc["input_ids"], enc["token_type_ids"], enc["attention_mask"]).argmax(-1)
            right += int((pred.cpu() == torch.tensor([y for _, y in chunk])).sum())
        return {"finetune_test_acc": right / len(test_set), "feature_based_test_acc": feature_acc}

    return job.train_and_publish(
        model,
        cfg,
        Objective(loss_fn, make_batch, evaluate),
        (PAPER_METRICS_SENTIMENT, PAPER_ID),
        data=data.checksums(["pang-lee", "minilm"]),
        lr_lambda=warmup_linear_decay(cfg.warmup_steps, cfg.steps),
    )


def pretraining_parser(
    reproduction: str, description: str | None, example: str, configs: list[str]
) -> argparse.ArgumentParser:
    """The shared training flags plus what BERT's and ALBERT's train scripts share: --max-docs."""
    parser = cli.train_parser(
        description,
        example,
        configs,
        default="small",
        prog=f"python -m reproductions.{reproduction}.train",
    )
    parser.add_argument(
        "--max-docs",
        type=int,
        default=None,
        help="pre-training: use the first N Brown documents per split",
    )
    return parser


def pretraining_spec(configs: Mapping[str, ScheduleSpec], args: argparse.Namespace) -> ScheduleSpec:
    """The named config with ``--max-docs`` applied (to a config that reads documents)."""
    spec = configs[args.config]
    if args.max_docs is not None and isinstance(spec, (PretrainingSpec, ContinuedSpec)):
        spec = replace(spec, max_docs=args.max_docs)
    return spec


def main(argv: list[str] | None = None) -> Path | None:
    parser = pretraining_parser(
        "bert",
        __doc__.split("\n\n")[0] if __doc__ else None,
        "python -m reproductions.bert.train --config small --steps 200 --out /tmp/bert",
        sorted(CONFIGS),
    )
    parser.add_argument(
        "--limit", type=int, default=0, help="sentiment: sample N train and N test sentences"
    )
    args = parser.parse_args(argv)
    spec = pretraining_spec(CONFIGS, args)
    # Each experiment always wrote <config>.json, shortened or not.
    job = cli.train_run("bert", args, mark_steps=False)
    if isinstance(spec, ContinuedSpec):
        path = run_minilm(job, spec)
    elif isinstance(spec, PretrainingSpec):
        path = run_pretraining(job, spec)
    else:
        path = run_sentiment(job, spec, args.limit)
    cli.report(path)
    return path


if __name__ == "__main__":
    main()
