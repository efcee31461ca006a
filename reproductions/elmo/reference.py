"""Reference computations for ELMo's parts, written out formula by formula.

There is no ELMo in `transformers` and no pretrained biLM on the registries we may reach, so the
references are the paper's formulas computed the slow, explicit way from the same parameters:
convolutions as a loop over character windows, the highway layer and the scalar mix as written,
the LSTM (with projection) as a cell-by-cell loop in torch's gate order, each sentence of the
biLM on its own (no padding) with the backward LM run on the flipped sentence. Every function
reads the parameters of one of our modules, so autograd gives gradients for `grad_check` too.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from .model import PAD_CHAR, BiLM, CharCNN, Highway, ScalarMix


def conv_max_explicit(e: Tensor, weight: Tensor, bias: Tensor) -> Tensor:
    """max_i (sum_{j<w} W[:, :, j] e[:, :, i + j] + b): e (N, c, C), weight (n, c, w) -> (N, n)."""
    w = weight.shape[-1]
    responses = [
        torch.einsum("ncj,ocj->no", e[:, :, i : i + w], weight) + bias
        for i in range(e.shape[-1] - w + 1)
    ]
    return torch.stack(responses, dim=-1).max(dim=-1).values


def highway_explicit(x: Tensor, layer: Highway) -> Tensor:
    """y = t * relu(x W_H^T + b_H) + (1 - t) * x with t = 1 / (1 + exp(-(x W_T^T + b_T)))."""
    t = 1.0 / (1.0 + torch.exp(-(x @ layer.gate.weight.T + layer.gate.bias)))
    g = torch.clamp(x @ layer.transform.weight.T + layer.transform.bias, min=0.0)
    return t * g + (1.0 - t) * x


def char_cnn_explicit(module: CharCNN, chars: Tensor) -> Tensor:
    """The token representation from `module`'s parameters: lookup, windows, highways, projection."""
    B, T, C = chars.shape
    flat = chars.reshape(B * T, C)
    table = module.char_embeddings.weight
    # The padding character's row is a constant (nn.Embedding's padding_idx): no gradient.
    e = torch.where((flat == PAD_CHAR)[..., None], table[flat].detach(), table[flat])
    e = e.transpose(1, 2)  # (BT, c, C)
    pooled = [conv_max_explicit(e, conv.weight, conv.bias) for conv in module.convolutions]
    h = torch.clamp(torch.cat(pooled, dim=-1), min=0.0)
    for layer in module.highways:
        h = highway_explicit(h, layer)
    return (h @ module.projection.weight.T + module.projection.bias).reshape(B, T, -1)


def scalar_mix_explicit(layers: list[Tensor], mix: ScalarMix) -> Tensor:
    """gamma * sum_j s_j h_j, s_j = exp(w_j) / sum_i exp(w_i), summed term by term."""
    w = mix.scalar_parameters
    weights = torch.exp(w) / torch.exp(w).sum()
    total = torch.zeros_like(layers[0])
    for j, h in enumerate(layers):
        total = total + weights[j] * h
    return mix.gamma * total


def lstm_explicit(lstm: nn.LSTM, x: Tensor) -> Tensor:
    """One unbatched sequence x (T, d_in) through a one-layer LSTM, step by step.

    i, f, g, o = split(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh) in torch's gate order;
    c_t = sigmoid(f) c_{t-1} + sigmoid(i) tanh(g); h_t = W_hr (sigmoid(o) tanh(c_t)) (projection).
    """
    W_ih, W_hh = lstm.weight_ih_l0, lstm.weight_hh_l0
    b = lstm.bias_ih_l0 + lstm.bias_hh_l0
    W_hr = getattr(lstm, "weight_hr_l0", None)
    H = lstm.hidden_size
    h = x.new_zeros(W_hh.shape[1])
    c = x.new_zeros(H)
    outs = []
    for t in range(x.shape[0]):
        z = W_ih @ x[t] + W_hh @ h + b
        i, f, g, o = z[:H], z[H : 2 * H], z[2 * H : 3 * H], z[3 * H :]
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        if W_hr is not None:
            h = W_hr @ h
        outs.append(h)
    return torch.stack(outs)


def _direction_explicit(layers: nn.ModuleList, x: Tensor) -> list[Tensor]:
    outputs, h = [], x
    for j, lstm in enumerate(layers):
        out = lstm_explicit(lstm, h)
        h = out + h if j > 0 else out
        outputs.append(h)
    return outputs


def bilm_explicit(
    model: BiLM, chars: Tensor, lengths: Tensor, targets: Tensor | None = None
) -> tuple[list[Tensor], Tensor | None]:
    """Layers (padding positions zero) and the loss, one sentence at a time without padding.

    Dropout is not applied: compare with the model in eval mode. The loss is the mean of the
    forward and backward mean token NLLs, with log-softmax written out.
    """
    x_all = char_cnn_explicit(model.token_encoder, chars)
    B, T, _ = x_all.shape
    n_out = model.config.n_layers + 1
    layers = [x_all.new_zeros(B, T, 2 * x_all.shape[-1]) for _ in range(n_out)]
    nll_f, nll_b, count_f, count_b = 0.0, 0.0, 0, 0
    W, bias = model.softmax.weight, model.softmax.bias
    for s in range(B):
        n = int(lengths[s])
        x = x_all[s, :n]
        fwd = _direction_explicit(model.forward_layers, x)
        bwd = [torch.flip(h, [0]) for h in _direction_explicit(model.backward_layers, x.flip(0))]
        rows = [torch.cat([x, x], -1)] + [torch.cat(p, -1) for p in zip(fwd, bwd, strict=True)]
        for j, row in enumerate(rows):
            layers[j] = layers[j].index_put((torch.tensor([s]), torch.arange(n)), row)
        if targets is not None:
            for k in range(n - 1):
                # Forward: state k predicts token k + 1; backward: state k + 1 predicts token k.
                for state, tgt, is_fwd in (
                    (fwd[-1][k], targets[s, k + 1], True),
                    (bwd[-1][k + 1], targets[s, k], False),
                ):
                    logits = W @ state + bias
                    logp = logits - torch.logsumexp(logits, 0)
                    if is_fwd:
                        nll_f, count_f = nll_f - logp[tgt], count_f + 1
                    else:
                        nll_b, count_b = nll_b - logp[tgt], count_b + 1
    loss = None
    if targets is not None:
        loss = 0.5 * (nll_f / count_f + nll_b / count_b)
    return layers, loss
