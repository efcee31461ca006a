"""The Transformer (Vaswani et al., 2017, "Attention Is All You Need") from scratch.

This module owns the model and everything the paper specifies around it: scaled dot-product
and multi-head attention (Sec. 3.2), the position-wise feed-forward network (Sec. 3.3), shared
embeddings scaled by sqrt(d_model) (Sec. 3.4), sinusoidal positions (Sec. 3.5), post-LN
residual blocks (Sec. 3.1: LayerNorm(x + Sublayer(x))), label smoothing (Sec. 5.4), the
warm-up learning-rate schedule (Sec. 5.3, Eq. 3), and greedy and beam decoding. Nothing here
imports `transformers`; mapping Hugging Face Marian weights lives in `reference.py`.

Module names mirror Hugging Face's `MarianMTModel` without its `model.` prefix
(`encoder.layers.0.self_attn.q_proj`, `fc1`, `final_layer_norm`, ...), so the weight mapping
is a prefix strip.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import torch
import torch.nn.functional as F
from torch import nn

PositionLayout = Literal["interleaved", "halves"]


@dataclass
class TransformerConfig:
    vocab_size: int = 37000  # one shared source/target vocabulary (the paper's BPE for En-De)
    d_model: int = 512
    encoder_layers: int = 6
    decoder_layers: int = 6
    encoder_attention_heads: int = 8
    decoder_attention_heads: int = 8
    encoder_ffn_dim: int = 2048
    decoder_ffn_dim: int = 2048
    dropout: float = 0.1  # P_drop on sub-layer outputs and embedding sums (Sec. 5.4)
    attention_dropout: float = 0.0
    activation_dropout: float = 0.0
    max_position_embeddings: int = 512
    # "interleaved": the paper's PE(pos, 2i) = sin, PE(pos, 2i+1) = cos.
    # "halves": Marian's layout, all sines first and all cosines after.
    position_layout: PositionLayout = "interleaved"
    scale_embedding: bool = True  # "we multiply those weights by sqrt(d_model)"
    pad_token_id: int = 0
    eos_token_id: int = 1
    decoder_start_token_id: int = 0  # Marian starts decoding from the pad token
    layer_norm_eps: float = 1e-5

    @classmethod
    def stacks(cls, *, layers: int, heads: int, ffn_dim: int, **rest: object) -> TransformerConfig:
        """Encoder and decoder alike, as in the paper (N layers, h heads, d_ff each side).

        Marian's config names each side's sizes apart; this fills both from one set."""
        return cls(
            encoder_layers=layers, decoder_layers=layers,
            encoder_attention_heads=heads, decoder_attention_heads=heads,
            encoder_ffn_dim=ffn_dim, decoder_ffn_dim=ffn_dim,
            **rest,
        )  # fmt: skip


@dataclass
class Seq2SeqOutput:
    logits: torch.Tensor
    loss: torch.Tensor | None = None
    encoder_last_hidden_state: torch.Tensor | None = None


def sinusoidal_positions(
    n_positions: int, dim: int, layout: PositionLayout = "interleaved"
) -> torch.Tensor:
    """PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(pos / 10000^(2i/d)) (Sec. 3.5).

    Computed in float64 so a float64 model gets exact positions.
    """
    pos = torch.arange(n_positions, dtype=torch.float64)[:, None]  # (P, 1)
    i = torch.arange((dim + 1) // 2, dtype=torch.float64)[None, :]  # (1, ceil(d/2))
    angle = pos / torch.pow(10000.0, 2.0 * i / dim)  # (P, ceil(d/2))
    sin, cos = torch.sin(angle), torch.cos(angle)[:, : dim // 2]
    if layout == "halves":
        return torch.cat([sin, cos], dim=1)
    if layout != "interleaved":
        raise ValueError(f"unknown position layout {layout!r}")
    out = torch.empty(n_positions, dim, dtype=torch.float64)
    out[:, 0::2] = sin
    out[:, 1::2] = cos
    return out


class MultiHeadAttention(nn.Module):
    """MultiHead(Q, K, V) = Concat(head_1..head_h) W^O, head_i = Attention(Q W_i^Q, K W_i^K, V W_i^V)."""

    def __init__(self, d_model: int, n_heads: int, dropout: float = 0.0) -> None:
        super().__init__()
        assert d_model % n_heads == 0
        self.n_heads = n_heads
        self.dropout = dropout
        self.q_proj = nn.Linear(d_model, d_model)
        self.k_proj = nn.Linear(d_model, d_model)
        self.v_proj = nn.Linear(d_model, d_model)
        self.out_proj = nn.Linear(d_model, d_model)

    def forward(
        self,
        x: torch.Tensor,
        memory: torch.Tensor | None = None,
        attn_mask: torch.Tensor | None = None,
        is_causal: bool = False,
    ) -> torch.Tensor:
        """`memory` is the encoder output for cross-attention; `attn_mask` is boolean, True =
        may attend, broadcastable to (B, heads, T_q, T_k)."""
        B, T, C = x.shape
        kv = x if memory is None else memory
        S = kv.shape[1]
        hs = C // self.n_heads
        q = self.q_proj(x).view(B, T, self.n_heads, hs).transpose(1, 2)  # (B, h, T, hs)
        k = self.k_proj(kv).view(B, S, self.n_heads, hs).transpose(1, 2)  # (B, h, S, hs)
        v = self.v_proj(kv).view(B, S, self.n_heads, hs).transpose(1, 2)
        # Attention(Q, K, V) = softmax(Q K^T / sqrt(d_k)) V   (Eq. 1)
        y = F.scaled_dot_product_attention(
            q,
            k,
            v,
            attn_mask=attn_mask,
            dropout_p=self.dropout if self.training else 0.0,
            is_causal=is_causal and attn_mask is None,
        )
        return self.out_proj(y.transpose(1, 2).reshape(B, T, C))


class PostLNLayer(nn.Module):
    """What encoder and decoder layers share: attention sub-layers and the position-wise FFN,
    each wrapped as LayerNorm(x + Dropout(Sublayer(x))) (post-LN, Sec. 3.1, 5.4)."""

    def _attention(
        self, config: TransformerConfig, n_heads: int
    ) -> tuple[MultiHeadAttention, nn.LayerNorm]:
        d = config.d_model
        attn = MultiHeadAttention(d, n_heads, config.attention_dropout)
        return attn, nn.LayerNorm(d, eps=config.layer_norm_eps)

    def _add_ffn(self, config: TransformerConfig, ffn_dim: int) -> None:
        # FFN(x) = max(0, x W_1 + b_1) W_2 + b_2   (Eq. 2)
        d = config.d_model
        self.fc1 = nn.Linear(d, ffn_dim)
        self.fc2 = nn.Linear(ffn_dim, d)
        self.final_layer_norm = nn.LayerNorm(d, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.dropout)
        self.activation_dropout = nn.Dropout(config.activation_dropout)

    def residual(self, norm: nn.LayerNorm, x: torch.Tensor, sub: torch.Tensor) -> torch.Tensor:
        return norm(x + self.dropout(sub))

    def ffn(self, x: torch.Tensor) -> torch.Tensor:
        h = self.fc2(self.activation_dropout(F.relu(self.fc1(x))))
        return self.residual(self.final_layer_norm, x, h)


class EncoderLayer(PostLNLayer):
    def __init__(self, config: TransformerConfig) -> None:
        super().__init__()
        self.self_attn, self.self_attn_layer_norm = self._attention(
            config, config.encoder_attention_heads
        )
        self._add_ffn(config, config.encoder_ffn_dim)

    def forward(self, x: torch.Tensor, src_mask: torch.Tensor | None) -> torch.Tensor:
        x = self.residual(self.self_attn_layer_norm, x, self.self_attn(x, attn_mask=src_mask))
        return self.ffn(x)


class DecoderLayer(PostLNLayer):
    def __init__(self, config: TransformerConfig) -> None:
        super().__init__()
        heads = config.decoder_attention_heads
        self.self_attn, self.self_attn_layer_norm = self._attention(config, heads)
        self.encoder_attn, self.encoder_attn_layer_norm = self._attention(config, heads)
        self._add_ffn(config, config.decoder_ffn_dim)

    def forward(
        self,
        y: torch.Tensor,
        memory: torch.Tensor,
        tgt_mask: torch.Tensor | None,
        memory_mask: torch.Tensor | None,
    ) -> torch.Tensor:
        # Masked self-attention: position i attends to positions <= i only (Sec. 3.2.3).
        a = self.self_attn(y, attn_mask=tgt_mask, is_causal=tgt_mask is None)
        y = self.residual(self.self_attn_layer_norm, y, a)
        # Encoder-decoder attention: queries from the decoder, keys and values from the encoder.
        c = self.encoder_attn(y, memory=memory, attn_mask=memory_mask)
        return self.ffn(self.residual(self.encoder_attn_layer_norm, y, c))


class LayerStack(nn.Module):
    """Token embeddings (shared, scaled by sqrt(d_model)) plus sinusoids, dropout, then the
    layers: what the encoder and the decoder have alike (Sec. 3.4, 3.5)."""

    def __init__(
        self,
        config: TransformerConfig,
        embed_tokens: nn.Embedding,
        layer: type[nn.Module],
        n_layers: int,
    ) -> None:
        super().__init__()
        self.embed_tokens = embed_tokens
        self.embed_scale = math.sqrt(config.d_model) if config.scale_embedding else 1.0
        pe = sinusoidal_positions(
            config.max_position_embeddings, config.d_model, config.position_layout
        )
        self.register_buffer("embed_positions", pe.float(), persistent=False)
        self.layers = nn.ModuleList(layer(config) for _ in range(n_layers))
        self.dropout = nn.Dropout(config.dropout)

    def embed(self, input_ids: torch.Tensor) -> torch.Tensor:
        T = input_ids.shape[1]
        x = self.embed_tokens(input_ids) * self.embed_scale + self.embed_positions[:T]
        return self.dropout(x)


class Encoder(LayerStack):
    def __init__(self, config: TransformerConfig, embed_tokens: nn.Embedding) -> None:
        super().__init__(config, embed_tokens, EncoderLayer, config.encoder_layers)

    def forward(self, input_ids: torch.Tensor, src_mask: torch.Tensor | None) -> torch.Tensor:
        x = self.embed(input_ids)
        for layer in self.layers:
            x = layer(x, src_mask)
        return x


class Decoder(LayerStack):
    def __init__(self, config: TransformerConfig, embed_tokens: nn.Embedding) -> None:
        super().__init__(config, embed_tokens, DecoderLayer, config.decoder_layers)

    def forward(
        self,
        decoder_input_ids: torch.Tensor,
        memory: torch.Tensor,
        tgt_mask: torch.Tensor | None,
        memory_mask: torch.Tensor | None,
    ) -> torch.Tensor:
        y = self.embed(decoder_input_ids)
        for layer in self.layers:
            y = layer(y, memory, tgt_mask, memory_mask)
        return y


def shift_right(labels: torch.Tensor, start_token_id: int, pad_token_id: int) -> torch.Tensor:
    """Teacher forcing: the decoder sees <start> y_1 .. y_{n-1} and predicts y_1 .. y_n."""
    shifted = labels.new_full(labels.shape, start_token_id)
    shifted[:, 1:] = labels[:, :-1]
    return shifted.masked_fill(shifted == -100, pad_token_id)


def label_smoothed_cross_entropy(
    logits: torch.Tensor, labels: torch.Tensor, epsilon: float, ignore_index: int = -100
) -> torch.Tensor:
    """Cross-entropy against q'(k) = (1 - eps) * 1[k = y] + eps / K (Sec. 5.4, eps_ls = 0.1),
    averaged over the positions whose label is not `ignore_index`."""
    logp = F.log_softmax(logits, dim=-1)  # (..., K)
    keep = labels != ignore_index
    target = labels.clamp(min=0)
    nll = -logp.gather(-1, target[..., None]).squeeze(-1)
    uniform = -logp.mean(dim=-1)  # eps / K spread over all K classes
    per_token = (1.0 - epsilon) * nll + epsilon * uniform
    return per_token[keep].sum() / keep.sum()


def noam_lr(step: int, d_model: int, warmup_steps: int) -> float:
    """lrate = d_model^-0.5 * min(step^-0.5, step * warmup_steps^-1.5)   (Eq. 3); step counts from 1."""
    step = max(step, 1)
    return d_model**-0.5 * min(step**-0.5, step * warmup_steps**-1.5)


class Transformer(nn.Module):
    """Encoder-decoder Transformer with one embedding matrix shared by the encoder input,
    decoder input and pre-softmax projection (Sec. 3.4), plus Marian's `final_logits_bias`."""

    def __init__(self, config: TransformerConfig) -> None:
        super().__init__()
        self.config = config
        self.shared = nn.Embedding(
            config.vocab_size, config.d_model, padding_idx=config.pad_token_id
        )
        self.encoder = Encoder(config, self.shared)
        self.decoder = Decoder(config, self.shared)
        self.lm_head = nn.Linear(config.d_model, config.vocab_size, bias=False)
        self.lm_head.weight = self.shared.weight
        # Marian adds a fixed (non-trained) bias to the logits; zero unless loaded.
        self.register_buffer("final_logits_bias", torch.zeros(1, config.vocab_size))
        self._init_weights()

    def _init_weights(self) -> None:
        for module in self.modules():
            if isinstance(module, nn.Linear):
                nn.init.xavier_uniform_(module.weight)
                if module.bias is not None:
                    nn.init.zeros_(module.bias)
        # Shared embedding: N(0, d^-0.5) so that the sqrt(d) scaling gives unit-variance inputs.
        nn.init.normal_(self.shared.weight, mean=0.0, std=self.config.d_model**-0.5)
        with torch.no_grad():
            self.shared.weight[self.config.pad_token_id].zero_()

    # masks ---------------------------------------------------------------------------------
    @staticmethod
    def _key_mask(attention_mask: torch.Tensor | None) -> torch.Tensor | None:
        if attention_mask is None:
            return None
        return attention_mask.bool()[:, None, None, :]  # (B, 1, 1, S): True = a real token

    def _tgt_mask(self, decoder_attention_mask: torch.Tensor | None, T: int, device: torch.device):
        if decoder_attention_mask is None:
            return None  # plain causal mask via is_causal
        causal = torch.ones(T, T, dtype=torch.bool, device=device).tril()
        return causal[None, None] & decoder_attention_mask.bool()[:, None, None, :]

    # forward -------------------------------------------------------------------------------
    def encode(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None
    ) -> torch.Tensor:
        return self.encoder(input_ids, self._key_mask(attention_mask))

    def decode(
        self,
        decoder_input_ids: torch.Tensor,
        memory: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        decoder_attention_mask: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Logits (B, T, V) for every decoder position."""
        tgt_mask = self._tgt_mask(decoder_attention_mask, decoder_input_ids.shape[1], memory.device)
        h = self.decoder(decoder_input_ids, memory, tgt_mask, self._key_mask(attention_mask))
        return self.lm_head(h) + self.final_logits_bias

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        decoder_input_ids: torch.Tensor | None = None,
        decoder_attention_mask: torch.Tensor | None = None,
        labels: torch.Tensor | None = None,
        label_smoothing: float = 0.0,
    ) -> Seq2SeqOutput:
        if decoder_input_ids is None:
            if labels is None:
                raise ValueError("pass decoder_input_ids or labels")
            decoder_input_ids = shift_right(
                labels, self.config.decoder_start_token_id, self.config.pad_token_id
            )
        memory = self.encode(input_ids, attention_mask)
        logits = self.decode(decoder_input_ids, memory, attention_mask, decoder_attention_mask)
        loss = None
        if labels is not None:
            loss = label_smoothed_cross_entropy(logits, labels, label_smoothing)
        return Seq2SeqOutput(logits=logits, loss=loss, encoder_last_hidden_state=memory)

    # decoding ------------------------------------------------------------------------------
    def _step_logprobs(
        self,
        ys: torch.Tensor,
        memory: torch.Tensor,
        attention_mask: torch.Tensor | None,
        max_length: int,
        bad_token_ids: list[int],
        force_eos_at_max: bool,
    ) -> torch.Tensor:
        """Next-token log-probabilities after the constraints Hugging Face's generate applies
        (it normalises first and then bans / forces, so a banned token still takes its share)."""
        logits = self.decode(ys, memory, attention_mask)[:, -1]
        scores = F.log_softmax(logits.float(), dim=-1)
        if bad_token_ids:
            scores[:, bad_token_ids] = -math.inf
        if force_eos_at_max and ys.shape[1] == max_length - 1:
            # The last slot may only hold EOS (HF's ForcedEOSTokenLogitsProcessor).
            forced = torch.full_like(scores, -math.inf)
            forced[:, self.config.eos_token_id] = 0.0
            scores = forced
        return scores

    @torch.no_grad()
    def generate(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        max_new_tokens: int = 64,
        num_beams: int = 1,
        bad_token_ids: list[int] | None = None,
        force_eos_at_max: bool = True,
        length_penalty: float = 1.0,
    ) -> torch.Tensor:
        """Greedy (num_beams=1) or beam-search decoding from `decoder_start_token_id`.

        Returns (B, 1 + generated) ids starting with the start token; rows that finished early
        are filled with the pad token. `bad_token_ids` are never produced (Marian checkpoints
        ban the pad token this way); `force_eos_at_max` makes the last possible token EOS.
        """
        if num_beams > 1:
            return self._beam_search(
                input_ids,
                attention_mask,
                max_new_tokens,
                num_beams,
                bad_token_ids or [],
                force_eos_at_max,
                length_penalty,
            )
        cfg = self.config
        memory = self.encode(input_ids, attention_mask)
        B = input_ids.shape[0]
        max_length = 1 + max_new_tokens
        ys = torch.full(
            (B, 1), cfg.decoder_start_token_id, dtype=torch.long, device=input_ids.device
        )
        done = torch.zeros(B, dtype=torch.bool, device=input_ids.device)
        while ys.shape[1] < max_length:
            scores = self._step_logprobs(
                ys, memory, attention_mask, max_length, bad_token_ids or [], force_eos_at_max
            )
            nxt = scores.argmax(dim=-1)
            nxt = torch.where(done, torch.full_like(nxt, cfg.pad_token_id), nxt)
            ys = torch.cat([ys, nxt[:, None]], dim=1)
            done |= nxt == cfg.eos_token_id
            if bool(done.all()):
                break
        return ys

    def _beam_search(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None,
        max_new_tokens: int,
        num_beams: int,
        bad_token_ids: list[int],
        force_eos_at_max: bool,
        length_penalty: float,
    ) -> torch.Tensor:
        """Beam search per sentence (the paper: beam 4, length penalty alpha = 0.6, Sec. 6.1).

        A hypothesis ends at EOS (or at the length limit) with score sum log p / length^alpha,
        length counting generated tokens. As in Hugging Face's default (early_stopping=False),
        only candidates among the best `num_beams` of a step may finish, the best `num_beams`
        finished ones are kept, and a sentence stops once the best live beam, scored at its
        current length, cannot beat the worst kept finished one.
        """
        cfg = self.config
        max_length = 1 + max_new_tokens
        rows = []
        for b in range(input_ids.shape[0]):
            src = input_ids[b : b + 1]
            mask = None if attention_mask is None else attention_mask[b : b + 1]
            memory = self.encode(src, mask)
            beams = torch.full(
                (1, 1), cfg.decoder_start_token_id, dtype=torch.long, device=src.device
            )
            beam_scores = torch.zeros(1, device=src.device)
            finished: list[tuple[float, torch.Tensor]] = []
            while beams.shape[1] < max_length:
                k = beams.shape[0]
                scores = self._step_logprobs(
                    beams,
                    memory.expand(k, -1, -1),
                    None if mask is None else mask.expand(k, -1),
                    max_length,
                    bad_token_ids,
                    force_eos_at_max,
                )
                logp = scores + beam_scores[:, None]  # (k, V)
                V = logp.shape[1]
                top, idx = logp.view(-1).topk(min(2 * num_beams, logp.numel()))
                at_limit = beams.shape[1] + 1 == max_length
                gen_len = beams.shape[1]  # generated tokens once this step's token is added
                live, live_scores = [], []
                for rank, (score, flat) in enumerate(zip(top.tolist(), idx.tolist(), strict=True)):
                    prev, tok = divmod(flat, V)
                    seq = torch.cat([beams[prev], beams.new_tensor([tok])])
                    if tok == cfg.eos_token_id or at_limit:
                        if rank < num_beams and math.isfinite(score):
                            finished.append((score / gen_len**length_penalty, seq))
                    elif len(live) < num_beams and math.isfinite(score):
                        live.append(seq)
                        live_scores.append(score)
                finished = sorted(finished, key=lambda t: -t[0])[:num_beams]
                if not live or at_limit:
                    break
                beams = torch.stack(live)
                beam_scores = beams.new_tensor(live_scores, dtype=torch.float)
                live_best = live_scores[0] / (beams.shape[1] - 1) ** length_penalty
                if len(finished) == num_beams and live_best <= finished[-1][0]:
                    break
            rows.append(finished[0][1] if finished else beams[0])
        width = max(r.shape[0] for r in rows)
        out = torch.full(
            (len(rows), width), cfg.pad_token_id, dtype=torch.long, device=input_ids.device
        )
        for i, r in enumerate(rows):
            out[i, : r.shape[0]] = r
        return out
