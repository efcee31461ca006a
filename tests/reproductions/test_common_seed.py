"""Tests of reproductions.common.seed: one call makes Python, NumPy and torch draws repeat."""

from __future__ import annotations

import random

import numpy as np
import torch

from reproductions.common.seed import seed_everything


def _draws(seed: int) -> tuple[float, float, list[float], list[float]]:
    generator = seed_everything(seed)
    return (
        random.random(),
        float(np.random.rand()),
        torch.rand(3).tolist(),
        torch.rand(3, generator=generator).tolist(),
    )


def test_the_same_seed_repeats_every_random_source():
    assert _draws(11) == _draws(11)


def test_another_seed_changes_every_random_source():
    a, b = _draws(11), _draws(12)
    assert all(x != y for x, y in zip(a, b, strict=True))


def test_seeding_asks_torch_for_deterministic_algorithms_without_stopping_on_missing_ones():
    seed_everything(0)
    assert torch.are_deterministic_algorithms_enabled()
    assert torch.is_deterministic_algorithms_warn_only_enabled()
