"""Seeding for reproducible runs: one call seeds Python, NumPy and torch and asks for determinism."""

from __future__ import annotations

import os
import random

import numpy as np
import torch


def seed_everything(seed: int) -> torch.Generator:
    """Seed every random source a reproduction touches and return a torch generator seeded alike.

    Deterministic algorithms are requested with `warn_only=True`: an op without a deterministic
    kernel warns instead of stopping a long run.
    """
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)
    # cuBLAS needs a fixed workspace to be deterministic; must be set before the first matmul.
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.use_deterministic_algorithms(True, warn_only=True)
    generator = torch.Generator()
    generator.manual_seed(seed)
    return generator
