"""The shape of a train script's named configs: `CONFIGS: dict[str, <a RunSpec subclass>]`.

A config is a frozen, keyword-only dataclass: a variant is `dataclasses.replace(base, ...)`, a
misspelt setting fails when the module is imported rather than an hour into a run, and a
consumer reads `spec.vocab`, not `spec["vocab"]`. Each reproduction subclasses `RunSpec` with
its own settings; one that trains a model subclasses `TrainedSpec`, whose `model` is the
model's settings (usually its `*Config` dataclass, the vocabulary size left 0 for the data to
set) and whose `train` is the `TrainConfig` keywords the config fixes.

`record()` is the config as a results file records it, `dataclasses.asdict`: the same keys and
values the untyped dicts wrote before.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Generic, TypedDict, TypeVar

ModelT = TypeVar("ModelT")


class TrainTable(TypedDict, total=False):
    """`TrainConfig` keywords a config fixes; those it leaves out keep the loop's defaults.

    A mapping rather than a dataclass because results files record exactly the keys a config
    gives (`train_settings` applies `--steps` to it)."""

    steps: int
    lr: float
    batch_size: int
    eval_every: int
    log_every: int
    grad_clip: float | None
    warmup_steps: int
    weight_decay: float
    checkpoint_every: int


@dataclass(frozen=True, kw_only=True)
class RunSpec:
    """One named config of a train script; subclasses declare the settings."""

    def record(self) -> dict[str, Any]:
        """The config as its results file records it (nested dataclasses become dicts)."""
        return dataclasses.asdict(self)


@dataclass(frozen=True, kw_only=True)
class TrainedSpec(RunSpec, Generic[ModelT]):
    """A config that trains a model: the model's settings and the training schedule."""

    model: ModelT
    train: TrainTable
