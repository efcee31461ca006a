"""The shared training loop: one function that every reproduction's `train.py` calls.

Owns the optimisation loop (AdamW by default, a per-step learning-rate multiplier, gradient
clipping), DDP under `torchrun`, logging of curves, periodic evaluation on the main rank,
checkpoint/resume that reproduces an uninterrupted run exactly, and the results file with
provenance. The reproduction supplies only the model, a loss and a deterministic batch maker.

Also owns `TrainRun`, one invocation of a train script: the shared flags' values, the process
group, the scratch folder for arms whose own results are merged into one file, and `publish`,
the one way a script writes that file (on the main process; the others get None).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import math
import random
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import torch
import torch.distributed as dist
from torch import nn
from tqdm.auto import tqdm

from reproductions.common.distributed import (
    DistInfo,
    cleanup_distributed,
    init_distributed,
    unwrap_model,
    wrap_model,
)
from reproductions.common.results import (
    check_publishable,
    command_line,
    default_results_dir,
    plot_curves,
    provenance,
    repeat_command,
    write_results,
    write_train_results,
)
from reproductions.common.seed import seed_everything

CHECKPOINT_FORMAT = 1
# Config fields that may change between a checkpoint and its resumption without changing the
# trajectory: how long to run and how often to look at it.
_RESUMABLE_CHANGES = {"steps", "eval_every", "log_every", "checkpoint_every"}


@dataclass
class TrainConfig:
    """One training run's knobs. `batch_size` is the GLOBAL batch, split over all processes."""

    name: str
    steps: int
    lr: float
    batch_size: int
    seed: int = 0
    eval_every: int = 50
    log_every: int = 10
    grad_clip: float | None = 1.0
    warmup_steps: int = 0
    weight_decay: float = 0.0
    checkpoint_every: int = 0
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class TrainResult:
    """What a run produced; identical on every rank (the main rank broadcasts it)."""

    metrics: dict[str, float]
    curves: dict[str, list[list[float]]]
    results_path: Path | None
    steps: int = 0
    wall_time_s: float = 0.0
    resumed_from: int | None = None


def train_settings(
    table: Mapping[str, Any], steps: int | None, *, evals: int = 2
) -> dict[str, Any]:
    """A config's `train` table (TrainConfig fields) with `--steps` applied; a shortened run also
    evaluates sooner, so that it still evaluates about `evals` times."""
    settings = dict(table)
    if steps is not None:
        settings["steps"] = steps
        settings["eval_every"] = max(1, min(settings["eval_every"], steps // evals))
    return settings


class Objective(NamedTuple):
    """What a reproduction hands the loop for one model: its loss, its batches, its evaluation
    (see `train` for what each must do)."""

    loss_fn: Callable[[nn.Module, Any], torch.Tensor]
    make_batch: Callable[[int, DistInfo], Any]
    evaluate: Callable[[nn.Module], dict[str, float]] | None = None


# --- learning-rate multipliers (LambdaLR receives the number of steps already taken) -----------


def warmup_constant(warmup_steps: int) -> Callable[[int], float]:
    """Linear warm-up over `warmup_steps`, then the base learning rate (the default schedule)."""

    def multiplier(step: int) -> float:
        if warmup_steps <= 0:
            return 1.0
        return min(1.0, (step + 1) / warmup_steps)

    return multiplier


def warmup_linear_decay(warmup_steps: int, total_steps: int) -> Callable[[int], float]:
    """Linear warm-up, then linear decay to zero at `total_steps` (BERT, GPT-2 fine-tuning)."""

    def multiplier(step: int) -> float:
        if warmup_steps > 0 and step < warmup_steps:
            return (step + 1) / warmup_steps
        remaining = total_steps - step
        return max(0.0, remaining / max(1, total_steps - warmup_steps))

    return multiplier


def inverse_sqrt_warmup(d_model: int, warmup_steps: int) -> Callable[[int], float]:
    """Vaswani et al. (2017), eq. 3: lrate = d_model^-0.5 * min(step^-0.5, step * warmup^-1.5).

    Use with a base lr of 1.0 so the multiplier is the learning rate itself.
    """

    def multiplier(step: int) -> float:
        n = step + 1  # the paper counts steps from 1
        return d_model**-0.5 * min(n**-0.5, n * warmup_steps**-1.5)

    return multiplier


# --- helpers -------------------------------------------------------------------------------------


def _rng_state() -> dict[str, Any]:
    state: dict[str, Any] = {
        "python": random.getstate(),
        "numpy": np.random.get_state(),
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def _set_rng_state(state: dict[str, Any]) -> None:
    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    torch.set_rng_state(state["torch"].cpu())
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all([s.cpu() for s in state["cuda"]])


def _gather_objects(obj: Any, info: DistInfo) -> list[Any]:
    if info.world_size <= 1:
        return [obj]
    gathered: list[Any] = [None] * info.world_size
    dist.all_gather_object(gathered, obj)
    return gathered


def _broadcast_object(obj: Any, info: DistInfo) -> Any:
    if info.world_size <= 1:
        return obj
    box = [obj if info.is_main else None]
    dist.broadcast_object_list(box, src=0)
    return box[0]


def _save_atomic(state: dict[str, Any], path: Path) -> None:
    from tracker.atomic import atomic_writer

    with atomic_writer(path) as handle:
        torch.save(state, handle)


def _comparable(config: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in config.items() if k not in _RESUMABLE_CHANGES}


def _evaluate(model: nn.Module, evaluate: Callable[[nn.Module], dict[str, float]]) -> dict:
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            metrics = evaluate(model)
    finally:
        model.train(was_training)
    # Lists (a head's share predicted per class) stay lists; everything else is a number.
    return {
        str(k): [float(x) for x in v] if isinstance(v, (list, tuple)) else float(v)
        for k, v in metrics.items()
    }


# --- the loop ------------------------------------------------------------------------------------


@contextlib.contextmanager
def _process_group(info: DistInfo | None) -> Iterator[DistInfo]:
    """`info` if given; else the torchrun group, joined here and left again on the way out (a
    group that was already joined is left as it was)."""
    if info is not None:
        yield info
        return
    was_initialised = dist.is_available() and dist.is_initialized()
    joined = init_distributed()
    try:
        yield joined
    finally:
        if joined.world_size > 1 and not was_initialised:
            cleanup_distributed()


def train(
    model: nn.Module,
    config: TrainConfig,
    *,
    reproduction: str,
    run: str,
    loss_fn: Callable[[nn.Module, Any], torch.Tensor],
    make_batch: Callable[[int, DistInfo], Any],
    evaluate: Callable[[nn.Module], dict[str, float]] | None = None,
    optimizer: torch.optim.Optimizer | None = None,
    lr_lambda: Callable[[int], float] | None = None,
    data_checksums: dict[str, str] | None = None,
    paper_metrics: dict[str, dict] | None = None,
    paper_id: str | None = None,
    checkpoint_path: Path | None = None,
    out_dir: Path | None = None,
    info: DistInfo | None = None,
) -> TrainResult:
    """Train `model` for `config.steps` optimiser steps and write `results/<run>.json`.

    - `make_batch(step, info)` returns this rank's share of the global batch for `step`; it must
      depend only on `step` (and the rank), which is what makes resuming exact.
    - `loss_fn(model, batch)` returns the mean loss over this rank's share. It must call
      `model(...)` (the forward), because under DDP only the forward hooks synchronise gradients.
      DDP averages gradients over ranks, so with equal shares N processes follow the same
      trajectory as one process with the whole global batch.
    - `evaluate(model)` runs on the main rank only, with the unwrapped model in eval mode and
      under `torch.no_grad()`, every `eval_every` steps and once at the end.
    - With `checkpoint_path`, state is saved every `checkpoint_every` steps and at the end, and a
      run whose checkpoint exists continues from it.

    `config.extra["ddp_find_unused_parameters"] = True` is needed under DDP when the loss leaves
    some parameters without gradient. The model is moved to the process's device. Called without `info`, the function joins the
    `torchrun` process group itself and leaves it before returning.
    """
    started = time.time()
    out_dir = Path(out_dir) if out_dir else default_results_dir(reproduction)
    checkpoint_path = Path(checkpoint_path) if checkpoint_path else None
    # Before any work: a run that would publish from a dirty tree fails now, not in an hour.
    check_publishable(out_dir)
    with _process_group(info) as info:
        if config.steps < 0:
            raise ValueError(f"steps must be >= 0, not {config.steps}")
        if config.batch_size % info.world_size:
            raise ValueError(
                f"global batch_size {config.batch_size} does not split evenly over "
                f"{info.world_size} processes"
            )
        # Each rank draws its own dropout masks; the model's initial weights come from rank 0 (DDP).
        seed_everything(config.seed + info.rank)
        model.to(info.device)
        if optimizer is None:
            optimizer = torch.optim.AdamW(
                model.parameters(), lr=config.lr, weight_decay=config.weight_decay
            )
        scheduler = torch.optim.lr_scheduler.LambdaLR(
            optimizer, lr_lambda or warmup_constant(config.warmup_steps)
        )

        curves: dict[str, list[list[float]]] = {"train_loss": []}
        metrics: dict[str, float] = {}
        start_step = 0
        previous_wall = 0.0
        first_started = started
        window_sum: torch.Tensor | float = 0.0
        window_count = 0
        resumed_from: int | None = None

        if checkpoint_path is not None and checkpoint_path.exists():
            state = torch.load(checkpoint_path, map_location="cpu", weights_only=False)
            if state.get("format") != CHECKPOINT_FORMAT:
                raise ValueError(f"{checkpoint_path}: not a checkpoint of this training loop")
            saved, now = _comparable(state["config"]), _comparable(config.to_dict())
            if saved != now:
                changed = sorted(k for k in set(saved) | set(now) if saved.get(k) != now.get(k))
                raise ValueError(
                    f"{checkpoint_path} was written with a different config ({', '.join(changed)} "
                    "changed); delete it or pass another checkpoint path"
                )
            model.load_state_dict(state["model"])
            optimizer.load_state_dict(state["optimizer"])
            scheduler.load_state_dict(state["scheduler"])
            start_step = resumed_from = int(state["step"])
            curves = state["curves"]
            metrics = state["metrics"]
            window_sum, window_count = state["window"]
            previous_wall = state["wall_time_s"]
            first_started = state["started_at"]
            rng = state["rng"]
            if state["world_size"] == info.world_size:
                _set_rng_state(rng[info.rank])
            else:
                warnings.warn(
                    f"resuming a {state['world_size']}-process checkpoint with {info.world_size} "
                    "processes: random streams are reseeded, so dropout will differ",
                    stacklevel=2,
                )
        wrapped = wrap_model(
            model,
            info,
            find_unused_parameters=bool(config.extra.get("ddp_find_unused_parameters", False)),
        )
        wrapped.train()

        def save_checkpoint(completed: int) -> None:
            rng_states = _gather_objects(_rng_state(), info)
            if not info.is_main or checkpoint_path is None:
                return
            _save_atomic(
                {
                    "format": CHECKPOINT_FORMAT,
                    "step": completed,
                    "config": config.to_dict(),
                    "model": unwrap_model(wrapped).state_dict(),
                    "optimizer": optimizer.state_dict(),
                    "scheduler": scheduler.state_dict(),
                    "rng": rng_states,
                    "curves": curves,
                    "metrics": metrics,
                    "window": (float(window_sum), window_count),
                    "world_size": info.world_size,
                    "wall_time_s": previous_wall + time.time() - started,
                    "started_at": first_started,
                },
                checkpoint_path,
            )

        def run_eval(completed: int) -> None:
            nonlocal metrics
            if evaluate is None or not info.is_main:
                return
            metrics = _evaluate(unwrap_model(wrapped), evaluate)
            scalars = {k: v for k, v in metrics.items() if not isinstance(v, list)}
            for key, value in scalars.items():
                curves.setdefault(key, []).append([completed, value])
            bar.write(f"step {completed}: " + ", ".join(f"{k}={v:.4g}" for k, v in scalars.items()))

        params = [p for p in wrapped.parameters() if p.requires_grad]
        last_eval = last_ckpt = -1
        bar = tqdm(
            total=config.steps,
            initial=start_step,
            desc=f"{reproduction}/{run}",
            disable=not info.is_main,
            dynamic_ncols=True,
        )
        for step in range(start_step, config.steps):
            batch = make_batch(step, info)
            loss = loss_fn(wrapped, batch)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if config.grad_clip is not None and config.grad_clip > 0:
                torch.nn.utils.clip_grad_norm_(params, config.grad_clip)
            optimizer.step()
            scheduler.step()
            completed = step + 1
            # Summed on the device: reading the loss back every step would stall a GPU.
            window_sum = window_sum + loss.detach().to(torch.float64)
            window_count += 1
            if completed % max(1, config.log_every) == 0 or completed == config.steps:
                totals = torch.stack(
                    [
                        torch.as_tensor(window_sum, dtype=torch.float64, device=info.device),
                        torch.tensor(float(window_count), dtype=torch.float64, device=info.device),
                    ]
                )
                if info.world_size > 1:
                    dist.all_reduce(totals)
                mean_loss = float(totals[0] / totals[1])
                if not math.isfinite(mean_loss):
                    raise FloatingPointError(
                        f"{reproduction}/{run}: training loss became {mean_loss} by step {completed}"
                    )
                curves["train_loss"].append([completed, mean_loss])
                window_sum, window_count = 0.0, 0
                bar.set_postfix(loss=f"{mean_loss:.4g}", lr=f"{scheduler.get_last_lr()[0]:.3g}")
            if config.eval_every > 0 and completed % config.eval_every == 0:
                run_eval(completed)
                last_eval = completed
            checkpoint_due = (
                config.checkpoint_every > 0 and completed % config.checkpoint_every == 0
            )
            if checkpoint_path is not None and checkpoint_due:
                save_checkpoint(completed)
                last_ckpt = completed
            bar.update(1)
        bar.close()

        final_step = max(start_step, config.steps)
        # The end-of-run checkpoint comes before the final evaluation so that extending a finished
        # run later follows the same path as one long run (a final eval may consume random numbers).
        if checkpoint_path is not None and last_ckpt != final_step and final_step > start_step:
            save_checkpoint(final_step)
        if last_eval != final_step:
            run_eval(final_step)

        wall = previous_wall + time.time() - started
        results_path: Path | None = None
        if info.is_main:
            prov = provenance(
                config.to_dict(),
                config.seed,
                data_checksums,
                first_started,
                command=command_line(),
                world_size=info.world_size,
                wall_time_s=wall,
            )
            if resumed_from is not None:
                prov["resumed_from_step"] = resumed_from
            results_path = write_results(
                reproduction,
                run,
                kind="train",
                metrics=metrics,
                curves=curves,
                paper_metrics=paper_metrics,
                paper_id=paper_id,
                provenance=prov,
                out_dir=out_dir,
            )
        metrics, curves, results_path = _broadcast_object((metrics, curves, results_path), info)
        return TrainResult(
            metrics=metrics,
            curves=curves,
            results_path=results_path,
            steps=final_step,
            wall_time_s=wall,
            resumed_from=resumed_from,
        )


# --- one invocation of a train script ----------------------------------------------------------


@dataclass
class TrainRun:
    """One run of a train script: what the shared flags asked for, and where it computes.

    Built from the command line by `cli.train_run`. Construction joins the `torchrun` group (if
    any) and refuses, before any work, a run that would publish from a dirty tree.
    """

    reproduction: str
    config: str
    steps: int | None = None
    seed: int = 0
    name: str = ""
    out_dir: Path | None = None
    checkpoint: Path | None = None
    info: DistInfo = field(default_factory=init_distributed)
    started: float = field(default_factory=time.time)
    _scratch: Path | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.name = self.name or self.config
        check_publishable(self.results_dir)

    @property
    def results_dir(self) -> Path:
        return Path(self.out_dir) if self.out_dir else default_results_dir(self.reproduction)

    @property
    def is_main(self) -> bool:
        return self.info.is_main

    @property
    def scratch(self) -> Path:
        """A fresh folder for the results files of arms, which `publish` merges into one."""
        if self._scratch is None:
            self._scratch = Path(tempfile.mkdtemp(prefix=f"{self.reproduction}-arms-"))
        return self._scratch

    def arm_checkpoint(self, arm: str) -> Path | None:
        """`--checkpoint PATH` for one arm of several: `PATH-<arm>.ckpt` beside it."""
        path = self.checkpoint
        return (
            None if path is None else path.with_name(f"{path.stem}-{arm}{path.suffix or '.ckpt'}")
        )

    def _fit(
        self, model: nn.Module, config: TrainConfig, objective: Objective, **kwargs: Any
    ) -> TrainResult:
        loss_fn, make_batch, evaluate = objective
        return train(
            model,
            config,
            reproduction=self.reproduction,
            loss_fn=loss_fn,
            make_batch=make_batch,
            evaluate=evaluate,
            info=self.info,
            **kwargs,
        )

    def train_arm(
        self, arm: str, model: nn.Module, config: TrainConfig, objective: Objective, **kwargs: Any
    ) -> TrainResult:
        """`train` one arm of the experiment; its own results file goes to `scratch`."""
        kwargs.setdefault("checkpoint_path", self.arm_checkpoint(arm))
        return self._fit(model, config, objective, run=f"arm-{arm}", out_dir=self.scratch, **kwargs)

    def train_and_publish(
        self,
        model: nn.Module,
        config: TrainConfig,
        objective: Objective,
        paper: tuple[dict[str, dict], str | None],
        *,
        data: dict[str, str] | None,
        name: str | None = None,
        **kwargs: Any,
    ) -> Path | None:
        """`train` a model whose own results file is the run's (its curves drawn beside it);
        its path on the main process, None elsewhere."""
        paper_metrics, paper_id = paper
        kwargs.setdefault("checkpoint_path", self.checkpoint)
        result = self._fit(
            model,
            config,
            objective,
            run=name or self.name,
            data_checksums=data,
            paper_metrics=paper_metrics,
            paper_id=paper_id,
            out_dir=self.results_dir,
            **kwargs,
        )
        if result.results_path is not None:
            plot_curves(result.results_path, result.results_path.with_suffix(".png"))
        return result.results_path

    def repeat_command(self) -> str:
        """The command that repeats this run (`--config`, and `--steps` when it was given)."""
        command = repeat_command(self.reproduction, self.config, self.steps)
        if self.info.world_size > 1:
            launcher = f"torchrun --nproc_per_node={self.info.world_size} -m"
            command = command.replace("python -m", launcher, 1)
        return command

    def publish(
        self,
        metrics: dict[str, Any],
        curves: dict[str, list],
        paper: tuple[dict[str, dict], str | None],
        *,
        config: dict[str, Any],
        data: dict[str, str] | None,
        command: str | None = None,
        **fields: Any,
    ) -> Path | None:
        """Write the run's results file (and its curves' PNG) with provenance: on the main process,
        returning its path; None elsewhere. `paper` is (paper metrics, paper id); `fields` go to
        `write_train_results` (claims, extra) and `wall_time_s` to `provenance`."""
        if not self.is_main:
            return None
        prov = provenance(
            config,
            self.seed,
            data,
            self.started,
            command=command or self.repeat_command(),
            world_size=self.info.world_size,
            wall_time_s=fields.pop("wall_time_s", None),
        )
        paper_metrics, paper_id = paper
        # A run without curves (nothing trained) has no picture to draw.
        write = write_train_results if curves else functools.partial(write_results, kind="train")
        return write(
            self.reproduction,
            fields.pop("name", self.name),
            metrics=metrics,
            curves=curves,
            paper_metrics=paper_metrics,
            paper_id=paper_id,
            provenance=prov,
            out_dir=self.results_dir,
            **fields,
        )
