"""ALBERT (Lan et al., 2020) from scratch in plain PyTorch.

This module owns the model and its two changes to BERT's parameters plus one to its loss:
factorised embeddings (Section 3.1: a V x E table projected E -> H, so O(V x E + E x H)
instead of O(V x H)), cross-layer parameter sharing (one layer group reused for all L layers),
and sentence-order prediction (SOP) in place of next-sentence prediction. Module names mirror
Hugging Face's ``modeling_albert`` so the weight mapping is a plain ``load_state_dict``.
Nothing here imports ``transformers``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from reproductions.bert.model import (
    BertEmbeddings,
    BertModelOutput,
    BertSelfAttention,
    BertStyleEncoder,
    SentencePairPreTraining,
    activation,
    init_bert_weights,
    run_layers,
)


@dataclass
class AlbertConfig:
    """Hyper-parameters; the defaults are ALBERT-base (Table 1: L=12, H=768, E=128, shared)."""

    vocab_size: int = 30000
    embedding_size: int = 128  # E, the factorised embedding width
    hidden_size: int = 768  # H
    num_hidden_layers: int = 12
    num_hidden_groups: int = 1  # 1 = all layers share one set of parameters (the paper's default)
    inner_group_num: int = 1
    num_attention_heads: int = 12
    intermediate_size: int = 3072
    hidden_act: str = "gelu_new"
    hidden_dropout_prob: float = 0.0  # ALBERT drops dropout (Section 4.7)
    attention_probs_dropout_prob: float = 0.0
    classifier_dropout_prob: float = 0.1
    max_position_embeddings: int = 512
    type_vocab_size: int = 2
    layer_norm_eps: float = 1e-12
    pad_token_id: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class AlbertModelOutput(BertModelOutput):
    """``last_hidden_state`` (B, T, H) and ``pooler_output`` (B, H), as BERT's."""


@dataclass
class AlbertForPreTrainingOutput:
    prediction_logits: torch.Tensor  # (B, T, V)
    sop_logits: torch.Tensor  # (B, 2)
    loss: torch.Tensor | None = None


class AlbertEmbeddings(BertEmbeddings):
    """Token + segment + position embeddings as in BERT, all of width E (not H)."""

    def __init__(self, config: AlbertConfig) -> None:
        super().__init__(config, width=config.embedding_size)  # type: ignore[arg-type]


class AlbertAttention(BertSelfAttention):
    """BERT's multi-head self-attention, then output projection and post-LN residual in one
    module (Hugging Face's ALBERT names them flat: ``attention.dense``, ``attention.LayerNorm``)."""

    def __init__(self, config: AlbertConfig) -> None:
        super().__init__(config)  # type: ignore[arg-type]
        H = config.hidden_size
        self.dense = nn.Linear(H, H)
        self.LayerNorm = nn.LayerNorm(H, eps=config.layer_norm_eps)
        self.output_dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        y = super().forward(x, mask)
        return self.LayerNorm(x + self.output_dropout(self.dense(y)))


class AlbertLayer(nn.Module):
    """One Transformer layer: attention, then FFN(x) = act(x W_1 + b_1) W_2 + b_2, post-LN."""

    def __init__(self, config: AlbertConfig) -> None:
        super().__init__()
        self.attention = AlbertAttention(config)
        self.ffn = nn.Linear(config.hidden_size, config.intermediate_size)
        self.act = activation(config.hidden_act)
        self.ffn_output = nn.Linear(config.intermediate_size, config.hidden_size)
        self.full_layer_layer_norm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        a = self.attention(x, mask)
        return self.full_layer_layer_norm(a + self.dropout(self.ffn_output(self.act(self.ffn(a)))))


class AlbertLayerGroup(nn.Module):
    def __init__(self, config: AlbertConfig) -> None:
        super().__init__()
        self.albert_layers = nn.ModuleList(
            AlbertLayer(config) for _ in range(config.inner_group_num)
        )

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        return run_layers(self.albert_layers, x, mask)


class AlbertTransformer(nn.Module):
    """Project E -> H once, then apply the shared layer group(s) for all L layers."""

    def __init__(self, config: AlbertConfig) -> None:
        super().__init__()
        if config.num_hidden_layers % config.num_hidden_groups:
            raise ValueError("num_hidden_layers must be a multiple of num_hidden_groups")
        self.config = config
        self.embedding_hidden_mapping_in = nn.Linear(config.embedding_size, config.hidden_size)
        self.albert_layer_groups = nn.ModuleList(
            AlbertLayerGroup(config) for _ in range(config.num_hidden_groups)
        )

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        x = self.embedding_hidden_mapping_in(x)  # (B, T, E) -> (B, T, H)
        per_group = self.config.num_hidden_layers // self.config.num_hidden_groups
        for i in range(self.config.num_hidden_layers):
            # the same parameters, applied again: cross-layer sharing (Section 3.1)
            x = self.albert_layer_groups[i // per_group](x, mask)
        return x


class AlbertPooler(nn.Linear):
    """tanh(W h_[CLS] + b); Hugging Face's ALBERT keeps the bare Linear as ``pooler``."""

    def __init__(self, config: AlbertConfig) -> None:
        super().__init__(config.hidden_size, config.hidden_size)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return torch.tanh(super().forward(h[:, 0]))


class AlbertModel(BertStyleEncoder):
    """BERT's encoder shape with factorised embeddings and the shared layer group(s)."""

    output_cls = AlbertModelOutput

    def __init__(self, config: AlbertConfig) -> None:
        super().__init__(
            config, AlbertEmbeddings(config), AlbertTransformer(config), AlbertPooler(config)
        )


class AlbertMLMHead(nn.Module):
    """H -> E transform, then the (tied) V x E embedding table as decoder: factorised output."""

    def __init__(self, config: AlbertConfig) -> None:
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.embedding_size)
        self.act = activation(config.hidden_act)
        self.LayerNorm = nn.LayerNorm(config.embedding_size, eps=config.layer_norm_eps)
        self.bias = nn.Parameter(torch.zeros(config.vocab_size))

    def forward(self, h: torch.Tensor, word_embeddings: torch.Tensor) -> torch.Tensor:
        return F.linear(self.LayerNorm(self.act(self.dense(h))), word_embeddings, self.bias)


class AlbertSOPHead(nn.Module):
    """Two-way classifier on the pooled [CLS]: is segment order A,B (0) or swapped B,A (1)?"""

    def __init__(self, config: AlbertConfig) -> None:
        super().__init__()
        self.dropout = nn.Dropout(config.classifier_dropout_prob)
        self.classifier = nn.Linear(config.hidden_size, 2)

    def forward(self, pooled: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.dropout(pooled))


class AlbertForPreTraining(SentencePairPreTraining):
    """ALBERT with its pre-training heads: L = L_MLM + L_SOP (or L_NSP, same head, other data)."""

    def __init__(self, config: AlbertConfig) -> None:
        super().__init__(config, AlbertForPreTrainingOutput, "sentence_order_label")
        self.albert = AlbertModel(config)
        self.predictions = AlbertMLMHead(config)
        self.sop_classifier = AlbertSOPHead(config)
        self.apply(lambda m: init_bert_weights(m, 0.02))

    def parts(self) -> tuple[AlbertModel, nn.Module, nn.Module]:
        return self.albert, self.predictions, self.sop_classifier


__all__ = ["AlbertConfig", "AlbertForPreTraining", "AlbertForPreTrainingOutput", "AlbertModel"]
