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

import math
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import torch
import torch.nn.functional as F

from reproductions.common import cli, data
from reproductions.common.distributed import DistInfo, draw_batch
from reproductions.common.results import read_results
from reproductions.common.spec import TrainedSpec
from reproductions.common.training import Objective, TrainConfig, TrainRun, train_settings

from . import PAPER_ID
from .model import GPT2Config, GPT2LMHeadModel


@dataclass(frozen=True, kw_only=True)
class GPT2Spec(TrainedSpec[GPT2Config]):
    """A baseline config: the model (vocabulary set from the data) and its schedule."""

    eval_batches: int  # validation batches of 8 fixed windows


@dataclass(frozen=True, kw_only=True)
class DepthSpec(GPT2Spec):
    """`--config depth`: init std at several depths, then short training of a deep model."""

    depths: tuple[int, ...]  # layers of the models whose init std is probed
    seeds: tuple[int, ...]  # one init (and one training run per arm) each
    probe_windows: int  # validation windows the init std is measured on
    train_layers: int  # depth of the model trained


CONFIGS = {
    # CPU-sized: about 1.2M parameters, a few minutes per arm on one shared core.
    "small": GPT2Spec(
        model=GPT2Config(
            vocab_size=0, n_positions=64, n_embd=128, n_layer=6, n_head=4,
            embd_pdrop=0.0, resid_pdrop=0.0, attn_pdrop=0.0,
        ),
        train={"steps": 150, "lr": 2e-3, "batch_size": 32, "warmup_steps": 15, "eval_every": 25},
        eval_batches=16,
    ),
    # The 124M GPT-2 shape (Table 2, smallest), context 1024; needs GPUs.
    "paper": GPT2Spec(
        model=GPT2Config(vocab_size=0, n_positions=1024, n_embd=768, n_layer=12, n_head=12),
        train={"steps": 5000, "lr": 6e-4, "batch_size": 64, "warmup_steps": 500, "eval_every": 250},
        eval_batches=32,
    ),
}  # fmt: skip

# The 1/sqrt(N) question at depth: residual-stream std at init for each depth (3 seeds, scaled
# and unscaled), then short training runs of a deep model, 3 seeds per arm on the same batches.
DEPTH = DepthSpec(
    model=replace(CONFIGS["small"].model, n_embd=64),
    depths=(6, 24, 48),
    seeds=(0, 1, 2),
    probe_windows=32,
    train_layers=24,
    train={"steps": 60, "lr": 2e-3, "batch_size": 16, "warmup_steps": 6, "eval_every": 60},
    eval_batches=8,
)

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


def _shakespeare(model: GPT2Config) -> tuple[torch.Tensor, torch.Tensor, GPT2Config]:
    """Train and valid character ids, and `model` sized to the train split's characters."""
    train_text, valid_text = data.shakespeare_text("train"), data.shakespeare_text("valid")
    vocab = CharVocab(train_text)
    return (
        vocab.encode(train_text),
        vocab.encode(valid_text),
        replace(model, vocab_size=len(vocab.chars)),
    )


def run(job: TrainRun, eval_batches: int | None = None) -> Path | None:
    spec = CONFIGS[job.config]
    seed = job.seed
    train_ids, valid_ids, base = _shakespeare(spec.model)
    T = base.n_positions
    tcfg = train_settings(spec.train, job.steps, evals=1)
    g = torch.Generator().manual_seed(12345)
    eval_starts = torch.randint(
        0, len(valid_ids) - T - 1, ((eval_batches or spec.eval_batches) * 8,), generator=g
    )

    def make_batch(step: int, info: DistInfo) -> torch.Tensor:
        # Depends only on (seed, step): both arms and any number of processes see the same data.
        mine = draw_batch(len(train_ids) - T - 1, tcfg["batch_size"], seed, step, info)
        return _windows(train_ids, torch.tensor(mine), T + 1).to(info.device)

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

    arms: dict[str, dict] = {}
    for arm, scaled in (("scaled", True), ("unscaled", False)):
        torch.manual_seed(seed)  # identical initial draws apart from the c_proj scaling
        model = GPT2LMHeadModel(replace(base, scale_residual_init=scaled))
        cfg = TrainConfig(name=f"{job.config}-{arm}", seed=seed, log_every=10, **tcfg)
        result = job.train_arm(arm, model, cfg, Objective(loss_fn, make_batch, evaluate))
        arms[arm] = {"metrics": result.metrics, "curves": result.curves}
    if not job.is_main:
        return None
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
    paper = (PAPER_METRICS, PAPER_ID)
    checksums = data.checksums(["shakespeare"])
    path = job.publish(metrics, curves, paper, config=config_record, data=checksums)
    plot_init_ablation(path, path.with_name(f"{job.name}-init-ablation.png"))
    return path


@torch.no_grad()
def residual_std(model: GPT2LMHeadModel, windows: torch.Tensor) -> float:
    """Std of the residual stream entering the final LayerNorm (after every block's two
    residual additions): what the paper's 1/sqrt(N) is meant to keep from growing with depth."""
    seen: list[torch.Tensor] = []
    hook = model.transformer.ln_f.register_forward_pre_hook(lambda _m, args: seen.append(args[0]))
    try:
        model.eval()
        model(windows)
    finally:
        hook.remove()
    return float(seen[0].std())


def run_depth(job: TrainRun, eval_batches: int | None = None) -> Path | None:
    """`--config depth`: init std against depth (scaled/unscaled, 3 seeds) and short training of
    a deep model, 3 seeds per arm; one results file with claims."""
    from reproductions.common.claims import paired_over_seeds

    spec = DEPTH
    steps = job.steps
    train_ids, valid_ids, base = _shakespeare(spec.model)
    T = base.n_positions
    g = torch.Generator().manual_seed(12345)
    probe = _windows(
        valid_ids,
        torch.randint(0, len(valid_ids) - T - 1, (spec.probe_windows,), generator=g),
        T,
    )
    metrics: dict[str, float] = {}
    stds: dict[tuple[str, int], list[float]] = {}
    for arm, scaled in (("scaled", True), ("unscaled", False)):
        for depth in spec.depths:
            values = []
            for seed in spec.seeds:
                torch.manual_seed(seed)
                model = GPT2LMHeadModel(replace(base, n_layer=depth, scale_residual_init=scaled))
                values.append(residual_std(model, probe))
            stds[(arm, depth)] = values
            metrics[f"init_residual_std_L{depth} ({arm})"] = sum(values) / len(values)
    shallow, deep = spec.depths[0], spec.depths[-1]
    growth = {
        arm: [d / s for d, s in zip(stds[(arm, deep)], stds[(arm, shallow)], strict=True)]
        for arm in ("scaled", "unscaled")
    }
    for arm, values in growth.items():
        metrics[f"init_std_growth_L{shallow}_to_L{deep} ({arm})"] = sum(values) / len(values)

    tcfg = dict(spec.train)
    if steps is not None:
        tcfg["steps"] = steps
        tcfg["eval_every"] = steps
    g = torch.Generator().manual_seed(54321)
    eval_starts = torch.randint(
        0, len(valid_ids) - T - 1, ((eval_batches or spec.eval_batches) * 8,), generator=g
    )

    def loss_fn(model: torch.nn.Module, batch: torch.Tensor) -> torch.Tensor:
        logits = model(batch[:, :-1]).logits
        return F.cross_entropy(logits.reshape(-1, logits.size(-1)), batch[:, 1:].reshape(-1))

    def evaluate(model: torch.nn.Module) -> dict[str, float]:
        losses = [
            loss_fn(model, _windows(valid_ids, c, T + 1)).item() for c in eval_starts.split(8)
        ]
        return {"val_loss": sum(losses) / len(losses)}

    final: dict[str, list[float]] = {"scaled": [], "unscaled": []}
    curves: dict[str, list] = {}
    for seed in spec.seeds:

        def make_batch(step: int, info: DistInfo, seed: int = seed) -> torch.Tensor:
            mine = draw_batch(len(train_ids) - T - 1, tcfg["batch_size"], seed, step, info)
            return _windows(train_ids, torch.tensor(mine), T + 1).to(info.device)

        for arm, scaled in (("scaled", True), ("unscaled", False)):
            torch.manual_seed(seed)
            model = GPT2LMHeadModel(
                replace(base, n_layer=spec.train_layers, scale_residual_init=scaled)
            )
            cfg = TrainConfig(name=f"depth-{arm}-{seed}", seed=seed, log_every=10, **tcfg)
            objective = Objective(loss_fn, make_batch, evaluate)
            result = job.train_arm(f"{arm}-{seed}", model, cfg, objective)
            final[arm].append(result.metrics["val_loss"])
            curves[f"train_loss ({arm} init, seed {seed})"] = result.curves["train_loss"]
    L = spec.train_layers
    for arm, values in final.items():
        metrics[f"val_loss_L{L} ({arm})"] = sum(values) / len(values)
    claims = [
        paired_over_seeds(
            "Scaling residual projections by 1/sqrt(N) at init keeps the residual stream from "
            f"growing with depth (Section 2.3): std growth from {shallow} to {deep} layers",
            "motivation only (no number in the paper)",
            growth["unscaled"],
            growth["scaled"],
            labels=("unscaled_growth", "scaled_growth"),
            seeds=spec.seeds,
            evidence={"depths": list(spec.depths), "probe_windows": spec.probe_windows},
        ),
        paired_over_seeds(
            f"The scaled init trains a deep ({L}-layer) model better in the first "
            f"{tcfg['steps']} steps: lower validation loss",
            "implied (no ablation in the paper)",
            final["unscaled"],
            final["scaled"],
            labels=("unscaled_val_loss", "scaled_val_loss"),
            seeds=spec.seeds,
            evidence={"layers": L, "steps": tcfg["steps"], "batch": tcfg["batch_size"]},
        ),
    ]
    return job.publish(
        metrics,
        curves,
        ({}, PAPER_ID),
        config=spec.record() | {"model": asdict(base), "train": tcfg},
        data=data.checksums(["shakespeare"]),
        claims=claims,
        extra={"init_residual_std": {f"{a} L{d}": v for (a, d), v in stds.items()}},
    )


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


PARSER = cli.train_parser(
    "Train a small GPT-2 on Shakespeare characters, with and without the scaled residual init, "
    "and write both curves to results/<config>.json.",
    "python -m reproductions.gpt2.train --config small --steps 40 --out /tmp/gpt2",
    [*sorted(CONFIGS), "depth"],
    default="small",
)
PARSER.add_argument(
    "--eval-batches",
    type=int,
    default=None,
    help="validation batches of 8 windows (default: config)",
)


def main(argv: list[str] | None = None) -> None:
    args = PARSER.parse_args(argv)
    # The baselines always wrote <config>.json; the depth study marks a shortened run.
    job = cli.train_run("gpt2", args, mark_steps=args.config == "depth")
    cli.report((run_depth if args.config == "depth" else run)(job, args.eval_batches))


if __name__ == "__main__":
    main()
