"""GPT-2 baseline: a small character-level LM on Shakespeare, with and without the scaled init.

Owns the runnable baseline. One command trains the same model twice from the same seed and
data order -- once with GPT-2's residual-projection init scaled by 1/sqrt(2 * n_layer), once
without -- and writes both curves into one results file (`results/<config>.json` and a PNG),
because the group asked what that init does.

Example:
    python -m reproductions.gpt2.train --config small --steps 40 --out /tmp/gpt2
    torchrun --nproc_per_node=2 -m reproductions.gpt2.train --config small
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from dataclasses import asdict, replace
from pathlib import Path

import torch
import torch.nn.functional as F

from reproductions.common import cli, data
from reproductions.common.distributed import DistInfo, init_distributed
from reproductions.common.results import (
    provenance,
    read_results,
    repeat_command,
    write_train_results,
)
from reproductions.common.training import TrainConfig, train

from . import PAPER_ID
from .model import GPT2Config, GPT2LMHeadModel

CONFIGS = {
    # CPU-sized: about 1.2M parameters, a few minutes per arm on one shared core.
    "small": {
        "model": GPT2Config(
            vocab_size=0,
            n_positions=64,
            n_embd=128,
            n_layer=6,
            n_head=4,
            embd_pdrop=0.0,
            resid_pdrop=0.0,
            attn_pdrop=0.0,
        ),
        "train": {"steps": 150, "lr": 2e-3, "batch_size": 32, "warmup_steps": 15, "eval_every": 25},
        "eval_batches": 16,
    },
    # The 124M GPT-2 shape (Table 2, smallest), context 1024; needs GPUs.
    "paper": {
        "model": GPT2Config(vocab_size=0, n_positions=1024, n_embd=768, n_layer=12, n_head=12),
        "train": {
            "steps": 5000,
            "lr": 6e-4,
            "batch_size": 64,
            "warmup_steps": 500,
            "eval_every": 250,
        },
        "eval_batches": 32,
    },
}

PAPER_METRICS = {
    "val_bpc": {
        "value": 0.93,
        "note": "GPT-2 1542M, zero-shot enwik8 bits per byte (Table 3). Ours: Shakespeare characters "
        "(a different text), a tiny model trained on it from scratch; not comparable in size or data.",
    }
}


class CharVocab:
    """Characters of the training split; anything unseen maps to id 0."""

    def __init__(self, text: str) -> None:
        self.chars = ["\x00", *sorted(set(text) - {"\x00"})]
        self.index = {c: i for i, c in enumerate(self.chars)}

    def encode(self, text: str) -> torch.Tensor:
        return torch.tensor([self.index.get(c, 0) for c in text], dtype=torch.long)

    def decode(self, ids: list[int]) -> str:
        return "".join(self.chars[i] for i in ids)


def _windows(ids: torch.Tensor, starts: torch.Tensor, length: int) -> torch.Tensor:
    return torch.stack([ids[s : s + length] for s in starts.tolist()])


def run(
    config_name: str,
    steps: int | None,
    out_dir: Path | None,
    seed: int = 0,
    eval_batches: int | None = None,
) -> Path:
    spec = CONFIGS[config_name]
    train_text, valid_text = data.shakespeare_text("train"), data.shakespeare_text("valid")
    vocab = CharVocab(train_text)
    train_ids, valid_ids = vocab.encode(train_text), vocab.encode(valid_text)
    base = replace(spec["model"], vocab_size=len(vocab.chars))
    T = base.n_positions
    tcfg = dict(spec["train"])
    if steps is not None:
        tcfg["steps"] = steps
        tcfg["eval_every"] = max(1, min(tcfg["eval_every"], steps))
    g = torch.Generator().manual_seed(12345)
    eval_starts = torch.randint(
        0, len(valid_ids) - T - 1, ((eval_batches or spec["eval_batches"]) * 8,), generator=g
    )

    def make_batch(step: int, info: DistInfo) -> torch.Tensor:
        # Depends only on (seed, step): both arms and any number of processes see the same data.
        gen = torch.Generator().manual_seed(seed * 1_000_003 + step)
        starts = torch.randint(0, len(train_ids) - T - 1, (tcfg["batch_size"],), generator=gen)
        share = tcfg["batch_size"] // info.world_size
        mine = starts[info.rank * share : (info.rank + 1) * share]
        return _windows(train_ids, mine, T + 1).to(info.device)

    def loss_fn(model: torch.nn.Module, batch: torch.Tensor) -> torch.Tensor:
        logits = model(batch[:, :-1]).logits
        return F.cross_entropy(logits.reshape(-1, logits.size(-1)), batch[:, 1:].reshape(-1))

    def evaluate(model: torch.nn.Module) -> dict[str, float]:
        device = next(model.parameters()).device
        losses = []
        for chunk in eval_starts.split(8):
            batch = _windows(valid_ids, chunk, T + 1).to(device)
            losses.append(loss_fn(model, batch).item())
        loss = sum(losses) / len(losses)
        return {"val_loss": loss, "val_bpc": loss / math.log(2)}

    info = init_distributed()
    started = time.time()
    arms: dict[str, dict] = {}
    scratch = Path(tempfile.mkdtemp(prefix="gpt2-arms-"))
    for arm, scaled in (("scaled", True), ("unscaled", False)):
        torch.manual_seed(seed)  # identical initial draws apart from the c_proj scaling
        model = GPT2LMHeadModel(replace(base, scale_residual_init=scaled))
        cfg = TrainConfig(name=f"{config_name}-{arm}", seed=seed, log_every=10, **tcfg)
        result = train(
            model,
            cfg,
            reproduction="gpt2",
            run=f"{config_name}-{arm}",
            loss_fn=loss_fn,
            make_batch=make_batch,
            evaluate=evaluate,
            out_dir=scratch,
            info=info,
        )
        arms[arm] = {"metrics": result.metrics, "curves": result.curves}
    if not info.is_main:
        return Path()
    metrics = {f"{k}": v for k, v in arms["scaled"]["metrics"].items()}
    metrics |= {f"{k}_unscaled_init": v for k, v in arms["unscaled"]["metrics"].items()}
    curves = {}
    for arm, res in arms.items():
        for name, points in res["curves"].items():
            curves[f"{name} ({arm} init)"] = points
    config_record = {
        "model": asdict(base),
        "train": tcfg,
        "arms": ["scaled", "unscaled"],
        "data": "shakespeare characters; train split for training, 128 fixed valid windows",
    }
    prov = provenance(
        config_record,
        seed,
        data.checksums(["shakespeare"]),
        started,
        command=repeat_command("gpt2", config_name, steps),
        world_size=info.world_size,
    )
    path = write_train_results(
        "gpt2",
        config_name,
        metrics=metrics,
        curves=curves,
        paper_metrics=PAPER_METRICS,
        paper_id=PAPER_ID,
        provenance=prov,
        out_dir=out_dir,
    )
    plot_init_ablation(path, path.with_name(f"{config_name}-init-ablation.png"))
    return path


def plot_init_ablation(results_path: Path, out_png: Path) -> Path:
    """Both arms' train and validation losses overlaid, one panel each, from a results file."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    curves = read_results(results_path)["curves"]
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharex=True)
    for ax, metric in zip(axes, ("train_loss", "val_loss"), strict=True):
        for arm, style in (("scaled", "-o"), ("unscaled", "--s")):
            points = curves.get(f"{metric} ({arm} init)", [])
            if points:
                steps, values = zip(*points, strict=True)
                ax.plot(steps, values, style, markersize=3, label=f"{arm} residual init")
        ax.set_title(metric.replace("_", " ") + " (nats/char)")
        ax.set_xlabel("step")
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle("GPT-2 small on Shakespeare: residual-projection init 1/sqrt(2 n_layer) vs plain")
    fig.tight_layout()
    fig.savefig(out_png, dpi=110)
    plt.close(fig)
    return out_png


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Train a small GPT-2 on Shakespeare characters, with and without the scaled "
        "residual init, and write both curves to results/<config>.json.",
        epilog="Example: python -m reproductions.gpt2.train --config small --steps 40 --out /tmp/gpt2",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--config", choices=sorted(CONFIGS), default="small")
    parser.add_argument(
        "--steps", type=int, default=None, help="override the number of steps per arm"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="results folder (default: reproductions/gpt2/results)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--eval-batches",
        type=int,
        default=None,
        help="validation batches of 8 windows (default: config)",
    )
    cli.add_allow_dirty(parser)
    args = parser.parse_args(argv)
    path = run(args.config, args.steps, args.out, args.seed, args.eval_batches)
    if path != Path():
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
