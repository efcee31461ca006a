"""The reference: `torch.nn.LSTM` / `torch.nn.GRU` (batch_first), and mapping their weights.

Owns `build_reference(kind, ...)` and `from_torch(ref)`, which builds our layer with the same
shape and copies every weight (no renaming beyond torch's `_l{k}[_reverse]` suffixes).
"""

from __future__ import annotations

from torch import nn

from .model import GRU, LSTM


def build_reference(
    kind: str, input_size: int, hidden_size: int, num_layers: int, bidirectional: bool
) -> nn.Module:
    cls = nn.LSTM if kind == "lstm" else nn.GRU
    return cls(
        input_size,
        hidden_size,
        num_layers=num_layers,
        bidirectional=bidirectional,
        batch_first=True,
    )


def from_torch(ref: nn.Module) -> LSTM | GRU:
    """Our LSTM/GRU with `ref`'s weights, dtype and device, in eval mode."""
    cls = LSTM if isinstance(ref, nn.LSTM) else GRU
    ours = cls(
        ref.input_size,
        ref.hidden_size,
        num_layers=ref.num_layers,
        bidirectional=ref.bidirectional,
        dropout=ref.dropout,
    )
    p = next(ref.parameters())
    ours = ours.to(dtype=p.dtype, device=p.device).load_from_torch(ref)
    return ours.eval()
