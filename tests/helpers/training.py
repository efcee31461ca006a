"""A few Adam steps on a tiny model: the loop the learnability tests share."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn


def adam_steps(
    model: nn.Module, loss_at: Callable[[int], torch.Tensor], steps: int, lr: float
) -> nn.Module:
    """Train `model` on `loss_at(step)` for `steps` Adam steps; return it in eval mode."""
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for step in range(steps):
        loss = loss_at(step)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model.eval()
