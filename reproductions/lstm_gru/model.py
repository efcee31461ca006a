"""LSTM and GRU cells and (multi-layer, bidirectional) layers in plain PyTorch.

Owns the recurrences, with torch's parameter layout so weights copy over without renaming
(`weight_ih_l{k}[_reverse]` holds the gates stacked in torch's order):

LSTM (gates i, f, g, o):
    i = sigmoid(W_ii x + b_ii + W_hi h + b_hi)      f = sigmoid(W_if x + b_if + W_hf h + b_hf)
    g = tanh(W_ig x + b_ig + W_hg h + b_hg)         o = sigmoid(W_io x + b_io + W_ho h + b_ho)
    c' = f * c + i * g                               h' = o * tanh(c')
GRU (gates r, z, n), torch's convention -- r multiplies (W_hn h + b_hn), not h:
    r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)      z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
    n = tanh(W_in x + b_in + r * (W_hn h + b_hn))    h' = (1 - z) * n + z * h
Layers run batch-first (B, T, D); between stacked layers dropout applies to the outputs of every
layer but the last, as in torch.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn


class GatedCell(nn.Module):
    """The parameters both cells share: `gates` stacked blocks of W_i*, W_h*, b_i*, b_h*, each
    drawn from U(-1/sqrt(H), 1/sqrt(H)) as torch does."""

    gates: int

    def __init__(self, input_size: int, hidden_size: int) -> None:
        super().__init__()
        self.hidden_size = hidden_size
        rows = self.gates * hidden_size
        self.weight_ih = nn.Parameter(torch.empty(rows, input_size))
        self.weight_hh = nn.Parameter(torch.empty(rows, hidden_size))
        self.bias_ih = nn.Parameter(torch.empty(rows))
        self.bias_hh = nn.Parameter(torch.empty(rows))
        bound = 1.0 / math.sqrt(hidden_size)
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)


class LSTMCell(GatedCell):
    gates = 4  # i, f, g, o

    def forward(
        self, x: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor]
    ) -> tuple[torch.Tensor, torch.Tensor]:
        h, c = state
        gates = F.linear(x, self.weight_ih, self.bias_ih) + F.linear(
            h, self.weight_hh, self.bias_hh
        )
        i, f, g, o = gates.chunk(4, dim=-1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        return h, c


class GRUCell(GatedCell):
    gates = 3  # r, z, n

    def forward(self, x: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        xr, xz, xn = F.linear(x, self.weight_ih, self.bias_ih).chunk(3, dim=-1)
        hr, hz, hn = F.linear(h, self.weight_hh, self.bias_hh).chunk(3, dim=-1)
        r = torch.sigmoid(xr + hr)
        z = torch.sigmoid(xz + hz)
        n = torch.tanh(xn + r * hn)  # torch's form: r gates (W_hn h + b_hn)
        return (1 - z) * n + z * h


class _Recurrent(nn.Module):
    """Stacked, optionally bidirectional recurrence over (B, T, D) inputs."""

    cell_type: type[nn.Module]
    is_lstm: bool

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bidirectional: bool = False,
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        self.hidden_size, self.num_layers = hidden_size, num_layers
        self.num_directions = 2 if bidirectional else 1
        self.dropout = dropout
        self.cells = nn.ModuleDict()
        for layer in range(num_layers):
            in_size = input_size if layer == 0 else hidden_size * self.num_directions
            for d in range(self.num_directions):
                self.cells[self._name(layer, d)] = self.cell_type(in_size, hidden_size)

    @staticmethod
    def _name(layer: int, direction: int) -> str:
        return f"l{layer}" + ("_reverse" if direction else "")

    def forward(self, x: torch.Tensor, state=None):  # type: ignore[no-untyped-def]
        """Returns (outputs (B, T, dirs*H), final state(s) (layers*dirs, B, H)) like torch."""
        B, T, _ = x.shape
        L, D, H = self.num_layers, self.num_directions, self.hidden_size
        if state is None:
            zeros = x.new_zeros(L * D, B, H)
            state = (zeros, zeros.clone()) if self.is_lstm else zeros
        finals_h, finals_c = [], []
        layer_in = x
        for layer in range(L):
            outs = []
            for d in range(D):
                cell = self.cells[self._name(layer, d)]
                k = layer * D + d
                if self.is_lstm:
                    h, c = state[0][k], state[1][k]
                else:
                    h = state[k]
                steps = range(T - 1, -1, -1) if d else range(T)
                hs = [None] * T
                for t in steps:
                    if self.is_lstm:
                        h, c = cell(layer_in[:, t], (h, c))
                    else:
                        h = cell(layer_in[:, t], h)
                    hs[t] = h
                outs.append(torch.stack(hs, dim=1))  # (B, T, H)
                finals_h.append(h)
                if self.is_lstm:
                    finals_c.append(c)
            layer_in = torch.cat(outs, dim=-1)
            if self.dropout and self.training and layer < L - 1:
                layer_in = F.dropout(layer_in, self.dropout, training=True)
        h_n = torch.stack(finals_h)
        return layer_in, ((h_n, torch.stack(finals_c)) if self.is_lstm else h_n)

    def load_from_torch(self, ref: nn.Module) -> _Recurrent:
        """Copy `torch.nn.LSTM`/`GRU` (batch_first) weights: weight_ih_l0 -> cells.l0.weight_ih."""
        with torch.no_grad():
            for name, cell in self.cells.items():
                suffix = name[1:].replace("_reverse", "")
                rev = "_reverse" if name.endswith("_reverse") else ""
                for p in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                    getattr(cell, p).copy_(getattr(ref, f"{p}_l{suffix}{rev}"))
        return self

    def torch_param_map(self) -> dict[str, str]:
        """Our parameter names -> the torch module's, for gradient checks."""
        out = {}
        for name in self.cells:
            layer = name[1:].replace("_reverse", "")
            rev = "_reverse" if name.endswith("_reverse") else ""
            for p in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                out[f"cells.{name}.{p}"] = f"{p}_l{layer}{rev}"
        return out


class LSTM(_Recurrent):
    cell_type = LSTMCell
    is_lstm = True


class GRU(_Recurrent):
    cell_type = GRUCell
    is_lstm = False
