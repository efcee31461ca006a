"""LSTM/GRU baseline: a word-level language model on Brown, with and without dropout and L2.

Owns the runnable baseline. The same small LSTM LM (embedding -> our LSTM -> softmax) is trained
from the same seed and data order in arms -- plain, dropout, L2 (weight decay added to the
gradient), and a GRU for comparison -- on a deliberately small slice of Brown's training split so
that over-fitting, and what dropout and L2 do about it, shows within a few hundred steps.
Validation perplexity is measured on fixed windows of Brown's valid split. Writes
`results/<config>.json` (all arms' curves) and a PNG.

Example:
    python -m reproductions.lstm_gru.train --config small --steps 20 --out /tmp/lm
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from reproductions.common import cli, data
from reproductions.common.distributed import DistInfo, draw_batch
from reproductions.common.spec import RunSpec, TrainTable
from reproductions.common.training import Objective, TrainConfig, TrainRun, train_settings

from . import PAPER_ID
from .model import GRU, LSTM


@dataclass(frozen=True, kw_only=True)
class Arm:
    """One arm of the comparison: the recurrent cell and its regulariser."""

    dropout: float = 0.0  # on the embedding and on the recurrent layer's output
    l2: float = 0.0  # Adam's weight_decay: lambda * w added to the gradient
    cell: str  # "lstm" or "gru"


@dataclass(frozen=True, kw_only=True)
class LanguageModelSpec(RunSpec):
    """A word LM on Brown: the sizes, the schedule shared by all arms, and the arms."""

    train_tokens: int | None  # the first N training tokens; None = all
    vocab: int  # words kept, <unk> and <eos> included
    embed: int
    hidden: int
    seq: int  # tokens per training window (and per validation window)
    eval_windows: int  # fixed validation windows
    train: TrainTable
    arms: dict[str, Arm]


def _arms(l2: float) -> dict[str, Arm]:
    """Plain, dropout, L2 (of strength `l2`) and a GRU: the same four arms in every config."""
    return {
        "lstm": Arm(cell="lstm"),
        "lstm+dropout": Arm(cell="lstm", dropout=0.5),
        "lstm+l2": Arm(cell="lstm", l2=l2),
        "gru": Arm(cell="gru"),
    }


# One row per config, so that small and paper read side by side.
_SMALL = LanguageModelSpec(
    train_tokens=60_000, vocab=5000, embed=64, hidden=128, seq=30, eval_windows=64,
    train={"steps": 400, "lr": 3e-3, "batch_size": 32, "eval_every": 50, "grad_clip": 1.0},
    arms=_arms(1e-4),
)  # fmt: skip
CONFIGS = {
    "small": _SMALL,
    "paper": replace(
        _SMALL, train_tokens=None, vocab=10000, embed=200, hidden=200, seq=35, eval_windows=256,
        train={"steps": 5000, "lr": 2e-3, "batch_size": 32, "eval_every": 250, "grad_clip": 1.0},
        arms=_arms(1e-5),
    ),
}  # fmt: skip

PAPER_METRICS = {
    "val_ppl": {
        "value": 82.7,
        "note": "Zaremba et al. (2014), medium regularised LSTM, Penn Treebank test perplexity. "
        "Ours: Brown (a different corpus and vocabulary), a tiny model on a 60K-token slice; "
        "not comparable, shown for scale. The 1997 LSTM paper has no LM benchmark.",
    }
}


class WordLM(nn.Module):
    """Embedding -> (dropout) -> recurrent layer -> (dropout) -> linear softmax layer."""

    def __init__(self, vocab: int, embed: int, hidden: int, cell: str, dropout: float) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab, embed)
        self.rnn = (LSTM if cell == "lstm" else GRU)(embed, hidden)
        self.drop = nn.Dropout(dropout)
        self.decoder = nn.Linear(hidden, vocab)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(self.drop(self.embedding(ids)))
        return self.decoder(self.drop(out))


def tokens(split: str, index: dict[str, int]) -> torch.Tensor:
    """Lower-cased Brown words with an end-of-sentence token; unknown words -> <unk> (id 0)."""
    ids = []
    for sent in data.brown_sentences(split):
        ids.extend(index.get(w.lower(), 0) for w in sent)
        ids.append(1)
    return torch.tensor(ids, dtype=torch.long)


def run(job: TrainRun) -> Path | None:
    spec = CONFIGS[job.config]
    seed = job.seed
    torch.set_num_threads(1)  # small matrices: one thread beats contending for shared cores
    counts = Counter(w.lower() for s in data.brown_sentences("train") for w in s)
    words = ["<unk>", "<eos>"] + [w for w, _ in counts.most_common(spec.vocab - 2)]
    index = {w: i for i, w in enumerate(words)}
    train_ids = tokens("train", index)
    if spec.train_tokens:
        train_ids = train_ids[: spec.train_tokens]
    valid_ids = tokens("valid", index)
    T = spec.seq
    tcfg = train_settings(spec.train, job.steps)
    g = torch.Generator().manual_seed(1234)
    eval_starts = torch.randint(0, len(valid_ids) - T - 1, (spec.eval_windows,), generator=g)
    eval_batch = torch.stack([valid_ids[s : s + T + 1] for s in eval_starts.tolist()])

    def make_batch(step: int, info: DistInfo) -> torch.Tensor:
        mine = draw_batch(len(train_ids) - T - 1, tcfg["batch_size"], seed, step, info)
        return torch.stack([train_ids[s : s + T + 1] for s in mine]).to(info.device)

    def loss_fn(model: nn.Module, batch: torch.Tensor) -> torch.Tensor:
        logits = model(batch[:, :-1])
        return F.cross_entropy(logits.reshape(-1, logits.size(-1)), batch[:, 1:].reshape(-1))

    def evaluate(model: nn.Module) -> dict[str, float]:
        device = next(model.parameters()).device
        loss = loss_fn(model, eval_batch.to(device)).item()
        return {"val_loss": loss, "val_ppl": math.exp(loss)}

    arms: dict[str, dict] = {}
    for arm, arm_spec in spec.arms.items():
        torch.manual_seed(seed)
        model = WordLM(len(words), spec.embed, spec.hidden, arm_spec.cell, arm_spec.dropout)
        # L2 as in the classic recipe: lambda * w added to the gradient (Adam's weight_decay).
        opt = torch.optim.Adam(model.parameters(), lr=tcfg["lr"], weight_decay=arm_spec.l2)
        cfg = TrainConfig(name=f"{job.config}-{arm}", seed=seed, log_every=10, **tcfg)
        objective = Objective(loss_fn, make_batch, evaluate)
        result = job.train_arm(arm.replace("+", "-"), model, cfg, objective, optimizer=opt)
        arms[arm] = {"metrics": result.metrics, "curves": result.curves}
    metrics = dict(arms["lstm"]["metrics"])
    for arm, res in arms.items():
        for k, v in res["metrics"].items():
            metrics[f"{k} ({arm})"] = v
        metrics[f"best_val_ppl ({arm})"] = min(v for _, v in res["curves"]["val_ppl"])
    curves = {
        f"{k} ({arm})": pts
        for arm, res in arms.items()
        for k, pts in res["curves"].items()
        if k in ("train_loss", "val_loss")
    }
    record = spec.record() | {"train": tcfg}
    checksums = data.checksums(["brown"])
    return job.publish(metrics, curves, (PAPER_METRICS, PAPER_ID), config=record, data=checksums)


main = cli.train_main("lstm_gru", run, __doc__)


if __name__ == "__main__":
    main()
