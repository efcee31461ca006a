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
import tempfile
import time
from collections import Counter
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from reproductions.common import cli, data
from reproductions.common.distributed import DistInfo, init_distributed, shard_batch
from reproductions.common.results import provenance, repeat_command, write_train_results
from reproductions.common.training import TrainConfig, train

from . import PAPER_ID
from .model import GRU, LSTM

CONFIGS = {
    "small": {
        "train_tokens": 60_000,
        "vocab": 5000,
        "embed": 64,
        "hidden": 128,
        "seq": 30,
        "eval_windows": 64,
        "train": {"steps": 400, "lr": 3e-3, "batch_size": 32, "eval_every": 50, "grad_clip": 1.0},
        "arms": {
            "lstm": {"dropout": 0.0, "l2": 0.0, "cell": "lstm"},
            "lstm+dropout": {"dropout": 0.5, "l2": 0.0, "cell": "lstm"},
            "lstm+l2": {"dropout": 0.0, "l2": 1e-4, "cell": "lstm"},
            "gru": {"dropout": 0.0, "l2": 0.0, "cell": "gru"},
        },
    },
    "paper": {
        "train_tokens": None,
        "vocab": 10000,
        "embed": 200,
        "hidden": 200,
        "seq": 35,
        "eval_windows": 256,
        "train": {"steps": 5000, "lr": 2e-3, "batch_size": 32, "eval_every": 250, "grad_clip": 1.0},
        "arms": {
            "lstm": {"dropout": 0.0, "l2": 0.0, "cell": "lstm"},
            "lstm+dropout": {"dropout": 0.5, "l2": 0.0, "cell": "lstm"},
            "lstm+l2": {"dropout": 0.0, "l2": 1e-5, "cell": "lstm"},
            "gru": {"dropout": 0.0, "l2": 0.0, "cell": "gru"},
        },
    },
}

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


def run(
    config_name: str, steps: int | None, out_dir: Path | None, seed: int, run_name: str
) -> Path:
    spec = CONFIGS[config_name]
    started = time.time()
    torch.set_num_threads(1)  # small matrices: one thread beats contending for shared cores
    info = init_distributed()
    counts = Counter(w.lower() for s in data.brown_sentences("train") for w in s)
    words = ["<unk>", "<eos>"] + [w for w, _ in counts.most_common(spec["vocab"] - 2)]
    index = {w: i for i, w in enumerate(words)}
    train_ids = tokens("train", index)
    if spec["train_tokens"]:
        train_ids = train_ids[: spec["train_tokens"]]
    valid_ids = tokens("valid", index)
    T = spec["seq"]
    tcfg = dict(spec["train"])
    if steps is not None:
        tcfg["steps"] = steps
        tcfg["eval_every"] = max(1, min(tcfg["eval_every"], steps // 2))
    g = torch.Generator().manual_seed(1234)
    eval_starts = torch.randint(0, len(valid_ids) - T - 1, (spec["eval_windows"],), generator=g)
    eval_batch = torch.stack([valid_ids[s : s + T + 1] for s in eval_starts.tolist()])

    def make_batch(step: int, info: DistInfo) -> torch.Tensor:
        gen = torch.Generator().manual_seed(seed * 1_000_003 + step)
        starts = torch.randint(0, len(train_ids) - T - 1, (tcfg["batch_size"],), generator=gen)
        mine = shard_batch(starts.tolist(), info)
        return torch.stack([train_ids[s : s + T + 1] for s in mine]).to(info.device)

    def loss_fn(model: nn.Module, batch: torch.Tensor) -> torch.Tensor:
        logits = model(batch[:, :-1])
        return F.cross_entropy(logits.reshape(-1, logits.size(-1)), batch[:, 1:].reshape(-1))

    def evaluate(model: nn.Module) -> dict[str, float]:
        device = next(model.parameters()).device
        loss = loss_fn(model, eval_batch.to(device)).item()
        return {"val_loss": loss, "val_ppl": math.exp(loss)}

    arms: dict[str, dict] = {}
    scratch = Path(tempfile.mkdtemp(prefix="lm-arms-"))
    for arm, a in spec["arms"].items():
        torch.manual_seed(seed)
        model = WordLM(len(words), spec["embed"], spec["hidden"], a["cell"], a["dropout"])
        # L2 as in the classic recipe: lambda * w added to the gradient (Adam's weight_decay).
        opt = torch.optim.Adam(model.parameters(), lr=tcfg["lr"], weight_decay=a["l2"])
        cfg = TrainConfig(name=f"{config_name}-{arm}", seed=seed, log_every=10, **tcfg)
        result = train(
            model,
            cfg,
            reproduction="lstm_gru",
            run=f"arm-{arm.replace('+', '-')}",
            loss_fn=loss_fn,
            make_batch=make_batch,
            evaluate=evaluate,
            optimizer=opt,
            out_dir=scratch,
            info=info,
        )
        arms[arm] = {"metrics": result.metrics, "curves": result.curves}
    if not info.is_main:
        return Path()
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
    prov = provenance(
        {k: v for k, v in spec.items() if k != "train"} | {"train": tcfg},
        seed,
        data.checksums(["brown"]),
        started,
        command=repeat_command("lstm_gru", config_name, steps),
        world_size=info.world_size,
    )
    path = write_train_results(
        "lstm_gru",
        run_name,
        metrics=metrics,
        curves=curves,
        paper_metrics=PAPER_METRICS,
        paper_id=PAPER_ID,
        provenance=prov,
        out_dir=out_dir,
    )
    return path


def main(argv: list[str] | None = None) -> None:
    parser = cli.train_parser(
        "Word-level LSTM/GRU language model on a slice of Brown: plain, dropout and L2 arms; "
        "writes results/<config>.json with validation perplexity curves.",
        "python -m reproductions.lstm_gru.train --config small --steps 20 --out /tmp/lm",
    )
    args = parser.parse_args(argv)
    path = run(
        args.config, args.steps, args.out, 0 if args.seed is None else args.seed, cli.run_name(args)
    )
    if path != Path():
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
