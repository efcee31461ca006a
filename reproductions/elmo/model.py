"""ELMo (Peters et al., 2018) from scratch: character CNN, bidirectional LSTM LM, scalar mix.

Owns the model in the order the paper builds it (Sec. 3 and the biLM of Sec. 3.4):

1. `CharCNN`: each token as a byte sequence -> char embeddings -> convolutions of several widths
   with max-over-time pooling -> highway layers -> linear projection (the context-independent
   token representation x_k, layer 0 of the biLM).
2. `BiLM`: L forward and L backward LSTM layers (with a projection after each cell, as in the
   paper's 4096-cell/512-projection setup), a residual connection from layer 2 on, and one
   softmax over the word vocabulary shared by both directions (Sec. 3.1: the token
   representation and softmax parameters are tied across directions, the LSTMs are not). The
   objective is the sum of the forward and backward log-likelihoods (Sec. 3.1).
3. `ScalarMix`: ELMo_k^task = gamma^task * sum_j s_j^task h_{k,j}^LM with s = softmax(w), the
   task-specific weighting of Sec. 3.2, eq. (1).

`torch.nn.LSTM` (with `proj_size`) runs the recurrences; `reference.py` checks it against an
explicit cell-by-cell loop. Characters are UTF-8 bytes plus five specials (`encode_chars`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import Tensor, nn

# Character ids: 0 pads, 1..256 are bytes + 1, then begin/end-of-word and the two sentence marks.
PAD_CHAR, BOW, EOW, BOS_CHAR, EOS_CHAR = 0, 257, 258, 259, 260
N_CHARS = 261
BOS, EOS = "<S>", "</S>"


@dataclass
class ElmoConfig:
    vocab_size: int = 10_000  # output softmax vocabulary (words); input is characters
    char_dim: int = 16
    # (width, number of filters): the paper's model has 2048 filters in all, widths 1..7.
    filters: list[tuple[int, int]] = field(
        default_factory=lambda: [(1, 32), (2, 32), (3, 64), (4, 128), (5, 256), (6, 512), (7, 1024)]
    )
    n_highway: int = 2
    max_chars: int = 50  # characters per token, BOW and EOW included
    proj_dim: int = 512  # token representation and LSTM output size
    hidden: int = 4096  # LSTM cell size
    n_layers: int = 2
    dropout: float = 0.1

    @property
    def n_filters(self) -> int:
        return sum(n for _, n in self.filters)


def encode_chars(tokens: list[str], max_chars: int) -> Tensor:
    """(len(tokens), max_chars) char ids: BOW, the token's UTF-8 bytes (truncated), EOW, padding.

    The sentence marks <S> and </S> are single special characters between BOW and EOW.
    """
    out = torch.full((len(tokens), max_chars), PAD_CHAR, dtype=torch.long)
    for i, tok in enumerate(tokens):
        if tok == BOS:
            ids = [BOS_CHAR]
        elif tok == EOS:
            ids = [EOS_CHAR]
        else:
            ids = [b + 1 for b in tok.encode("utf-8")[: max_chars - 2]]
        row = [BOW, *ids, EOW]
        out[i, : len(row)] = torch.tensor(row)
    return out


class Highway(nn.Module):
    """y = t * g(W_H x + b_H) + (1 - t) * x,  t = sigmoid(W_T x + b_T),  g = ReLU (Srivastava 2015)."""

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.transform = nn.Linear(dim, dim)  # W_H
        self.gate = nn.Linear(dim, dim)  # W_T
        with torch.no_grad():
            # A negative gate bias starts the layer close to the identity (carry behaviour).
            self.gate.bias.fill_(-1.0)

    def forward(self, x: Tensor) -> Tensor:
        t = torch.sigmoid(self.gate(x))
        return t * F.relu(self.transform(x)) + (1 - t) * x


class CharCNN(nn.Module):
    """Context-independent token representation x_k from characters (layer 0 of the biLM)."""

    def __init__(self, config: ElmoConfig) -> None:
        super().__init__()
        self.config = config
        self.char_embeddings = nn.Embedding(N_CHARS, config.char_dim, padding_idx=PAD_CHAR)
        self.convolutions = nn.ModuleList(
            nn.Conv1d(config.char_dim, n, kernel_size=w) for w, n in config.filters
        )
        self.highways = nn.ModuleList(Highway(config.n_filters) for _ in range(config.n_highway))
        self.projection = nn.Linear(config.n_filters, config.proj_dim)

    def forward(self, chars: Tensor) -> Tensor:
        """chars (B, T, C) -> (B, T, proj_dim)."""
        B, T, C = chars.shape
        e = self.char_embeddings(chars.reshape(B * T, C)).transpose(1, 2)  # (BT, char_dim, C)
        # Max over time of each filter's response, then ReLU (monotone, so order is immaterial).
        pooled = [conv(e).max(dim=-1).values for conv in self.convolutions]  # each (BT, n_w)
        h = F.relu(torch.cat(pooled, dim=-1))  # (BT, n_filters)
        for highway in self.highways:
            h = highway(h)
        return self.projection(h).reshape(B, T, -1)


def reverse_padded(x: Tensor, lengths: Tensor) -> Tensor:
    """Reverse each row of x (B, T, ...) within its own length; padding stays at the end."""
    T = x.shape[1]
    pos = torch.arange(T, device=x.device)[None, :]  # (1, T)
    idx = torch.where(pos < lengths[:, None], lengths[:, None] - 1 - pos, pos)  # (B, T)
    idx = idx.reshape(*idx.shape, *([1] * (x.dim() - 2))).expand_as(x)
    return x.gather(1, idx)


@dataclass
class BiLMOutput:
    layers: list[Tensor]  # L + 1 tensors (B, T, 2 * proj_dim): [x; x], then [h_fwd_j; h_bwd_j]
    loss: Tensor | None = None  # mean of forward and backward token NLL (Sec. 3.1)
    forward_loss: Tensor | None = None
    backward_loss: Tensor | None = None


class BiLM(nn.Module):
    """The bidirectional LM: char CNN, L LSTM layers per direction, a softmax shared by both."""

    def __init__(self, config: ElmoConfig) -> None:
        super().__init__()
        self.config = config
        self.token_encoder = CharCNN(config)
        d, h = config.proj_dim, config.hidden
        proj = d if h != d else 0  # nn.LSTM refuses proj_size == hidden_size

        def stack() -> nn.ModuleList:
            return nn.ModuleList(
                nn.LSTM(d, h, batch_first=True, proj_size=proj) for _ in range(config.n_layers)
            )

        self.forward_layers = stack()
        self.backward_layers = stack()
        self.dropout = nn.Dropout(config.dropout)
        self.softmax = nn.Linear(d, config.vocab_size)  # shared by both directions

    def _direction(self, layers: nn.ModuleList, x: Tensor) -> list[Tensor]:
        outputs, h = [], x
        for j, lstm in enumerate(layers):
            out, _ = lstm(self.dropout(h))
            # Residual connection between LSTM layers (from the second layer on).
            h = out + h if j > 0 else out
            outputs.append(h)
        return outputs

    def forward(
        self, chars: Tensor, lengths: Tensor | None = None, targets: Tensor | None = None
    ) -> BiLMOutput:
        """chars (B, T, C) of sentences wrapped in <S> ... </S>, right-padded; `lengths` (B,)
        counts tokens with the marks; `targets` (B, T) word ids (-100 on padding) adds the loss."""
        B, T, _ = chars.shape
        if lengths is None:
            lengths = torch.full((B,), T, dtype=torch.long, device=chars.device)
        # Encode each distinct token once (a batch repeats "the", "," ... many times); identical
        # to encoding every position, several times cheaper on CPU.
        uniq, inverse = torch.unique(chars.reshape(B * T, -1), dim=0, return_inverse=True)
        x = self.token_encoder(uniq[None])[0][inverse].reshape(B, T, -1)  # (B, T, d)
        fwd = self._direction(self.forward_layers, x)
        # The backward LM reads each sentence right to left: reverse within length, run, reverse.
        bwd_rev = self._direction(self.backward_layers, reverse_padded(x, lengths))
        bwd = [reverse_padded(h, lengths) for h in bwd_rev]
        layers = [torch.cat([x, x], dim=-1)] + [
            torch.cat([f, b], dim=-1) for f, b in zip(fwd, bwd, strict=True)
        ]
        out = BiLMOutput(layers=layers)
        if targets is not None:
            top_f, top_b = self.dropout(fwd[-1]), self.dropout(bwd[-1])
            # Forward: state at k predicts token k+1; backward: state at k predicts token k-1.
            logits_f = self.softmax(top_f[:, :-1])  # (B, T-1, V)
            logits_b = self.softmax(top_b[:, 1:])
            V = self.config.vocab_size
            out.forward_loss = F.cross_entropy(logits_f.reshape(-1, V), targets[:, 1:].reshape(-1))
            # The backward state at k + 1 exists only when k + 1 is inside the sentence: a padded
            # position must not predict the sentence's last token.
            pos = torch.arange(1, T, device=chars.device)[None, :]
            targets_b = targets[:, :-1].masked_fill(pos >= lengths[:, None], -100)
            out.backward_loss = F.cross_entropy(logits_b.reshape(-1, V), targets_b.reshape(-1))
            out.loss = 0.5 * (out.forward_loss + out.backward_loss)
        return out


class ScalarMix(nn.Module):
    """ELMo_k = gamma * sum_j softmax(w)_j h_{k,j} (Sec. 3.2, eq. 1)."""

    def __init__(self, n_layers: int) -> None:
        super().__init__()
        self.scalar_parameters = nn.Parameter(torch.zeros(n_layers))  # w; s = softmax(w)
        self.gamma = nn.Parameter(torch.ones(()))

    def forward(self, layers: list[Tensor] | Tensor) -> Tensor:
        """layers: a list of (..., D) tensors or one stacked (n_layers, ..., D) tensor."""
        stacked = torch.stack(list(layers)) if isinstance(layers, list) else layers
        s = torch.softmax(self.scalar_parameters, dim=0)
        s = s.reshape(-1, *([1] * (stacked.dim() - 1)))
        return self.gamma * (s * stacked).sum(dim=0)


class Elmo(nn.Module):
    """A pretrained biLM (frozen by default) plus one task's scalar mix: chars -> ELMo vectors."""

    def __init__(self, bilm: BiLM, freeze: bool = True) -> None:
        super().__init__()
        self.bilm = bilm
        if freeze:
            for p in bilm.parameters():
                p.requires_grad_(False)
        self.mix = ScalarMix(bilm.config.n_layers + 1)

    def forward(self, chars: Tensor, lengths: Tensor | None = None) -> Tensor:
        return self.mix(self.bilm(chars, lengths).layers)
