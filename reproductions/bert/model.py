"""BERT (Devlin et al., 2019) from scratch in plain PyTorch.

This module owns the model: input embeddings (token + segment + position, Section 3.2 and
Figure 2), the post-LN Transformer encoder (Vaswani et al. 2017, with BERT's erf GELU and
LayerNorm eps 1e-12), the [CLS] pooler, and the two pre-training heads: the masked-LM head
(Section 3.1, "Task #1") whose decoder is tied to the word embeddings, and the next-sentence
head ("Task #2"). Module names mirror Hugging Face's ``modeling_bert`` so that the weight
mapping in ``reference.py`` is a plain ``load_state_dict``. Nothing here imports
``transformers``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn


@dataclass
class BertConfig:
    """Hyper-parameters; the defaults are BERT-base (Section 3: L=12, H=768, A=12)."""

    vocab_size: int = 30522
    hidden_size: int = 768
    num_hidden_layers: int = 12
    num_attention_heads: int = 12
    intermediate_size: int = 3072
    hidden_act: str = "gelu"  # the paper's GELU is the exact erf form, not the tanh approximation
    hidden_dropout_prob: float = 0.1
    attention_probs_dropout_prob: float = 0.1
    max_position_embeddings: int = 512
    type_vocab_size: int = 2
    layer_norm_eps: float = 1e-12
    pad_token_id: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def activation(name: str) -> nn.Module:
    """The feed-forward non-linearity by its Hugging Face name."""
    if name == "gelu":
        return nn.GELU()  # 0.5 x (1 + erf(x / sqrt 2))
    if name in ("gelu_new", "gelu_pytorch_tanh"):
        return nn.GELU(approximate="tanh")
    if name == "relu":
        return nn.ReLU()
    raise ValueError(f"unsupported activation {name!r}")


@dataclass
class BertModelOutput:
    last_hidden_state: torch.Tensor  # (B, T, H)
    pooler_output: torch.Tensor | None  # (B, H)


@dataclass
class BertForPreTrainingOutput:
    prediction_logits: torch.Tensor  # (B, T, V)
    seq_relationship_logits: torch.Tensor  # (B, 2)
    loss: torch.Tensor | None = None


class BertEmbeddings(nn.Module):
    """E = LayerNorm(E_token + E_segment + E_position) (Figure 2).

    ``width`` defaults to H; ALBERT builds the same embeddings at its narrower width E.
    """

    def __init__(self, config: BertConfig, width: int | None = None) -> None:
        super().__init__()
        width = config.hidden_size if width is None else width
        self.word_embeddings = nn.Embedding(
            config.vocab_size, width, padding_idx=config.pad_token_id
        )
        self.position_embeddings = nn.Embedding(config.max_position_embeddings, width)
        self.token_type_embeddings = nn.Embedding(config.type_vocab_size, width)
        self.LayerNorm = nn.LayerNorm(width, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, input_ids: torch.Tensor, token_type_ids: torch.Tensor) -> torch.Tensor:
        T = input_ids.shape[1]
        positions = torch.arange(T, device=input_ids.device)
        x = (
            self.word_embeddings(input_ids)
            + self.token_type_embeddings(token_type_ids)
            + self.position_embeddings(positions)  # (T, H) broadcasts over the batch
        )
        return self.dropout(self.LayerNorm(x))


class BertSelfAttention(nn.Module):
    """Attention(Q, K, V) = softmax(Q K^T / sqrt(d_k)) V over A heads (Vaswani et al. eq. 1).

    ALBERT's attention extends this one with its output projection and residual.
    """

    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        if config.hidden_size % config.num_attention_heads:
            raise ValueError("hidden_size must be a multiple of num_attention_heads")
        self.n_head = config.num_attention_heads
        self.head_dim = config.hidden_size // config.num_attention_heads
        self.query = nn.Linear(config.hidden_size, config.hidden_size)
        self.key = nn.Linear(config.hidden_size, config.hidden_size)
        self.value = nn.Linear(config.hidden_size, config.hidden_size)
        self.dropout_p = config.attention_probs_dropout_prob

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        B, T, H = x.shape
        # (B, T, H) -> (B, nh, T, hs)
        q = self.query(x).view(B, T, self.n_head, self.head_dim).transpose(1, 2)
        k = self.key(x).view(B, T, self.n_head, self.head_dim).transpose(1, 2)
        v = self.value(x).view(B, T, self.n_head, self.head_dim).transpose(1, 2)
        # mask: (B, 1, 1, T) boolean, True where the key is a real token
        y = F.scaled_dot_product_attention(
            q, k, v, attn_mask=mask, dropout_p=self.dropout_p if self.training else 0.0
        )
        return y.transpose(1, 2).reshape(B, T, H)


class BertSelfOutput(nn.Module):
    """Output projection W^O, then the post-LN residual: LayerNorm(x + Dropout(Sublayer(x))).

    ``in_features`` defaults to H; the FFN's second half (``BertOutput``) projects from 4H.
    """

    def __init__(self, config: BertConfig, in_features: int | None = None) -> None:
        super().__init__()
        in_features = config.hidden_size if in_features is None else in_features
        self.dense = nn.Linear(in_features, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, h: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(residual + self.dropout(self.dense(h)))


class BertAttention(nn.Module):
    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.self = BertSelfAttention(config)
        self.output = BertSelfOutput(config)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        return self.output(self.self(x, mask), x)


class BertIntermediate(nn.Module):
    """First half of FFN(x) = GELU(x W_1 + b_1) W_2 + b_2, widening H -> 4H."""

    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.intermediate_size)
        self.act = activation(config.hidden_act)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.dense(x))


class BertOutput(BertSelfOutput):
    """Second half of the FFN (4H -> H) and the second post-LN residual."""

    def __init__(self, config: BertConfig) -> None:
        super().__init__(config, config.intermediate_size)


class BertLayer(nn.Module):
    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.attention = BertAttention(config)
        self.intermediate = BertIntermediate(config)
        self.output = BertOutput(config)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        a = self.attention(x, mask)
        return self.output(self.intermediate(a), a)


class BertEncoder(nn.Module):
    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.layer = nn.ModuleList(BertLayer(config) for _ in range(config.num_hidden_layers))

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        return run_layers(self.layer, x, mask)


def run_layers(
    layers: Iterable[nn.Module], x: torch.Tensor, mask: torch.Tensor | None
) -> torch.Tensor:
    """x through each layer in turn, every one seeing the same key-padding mask."""
    for layer in layers:
        x = layer(x, mask)
    return x


class BertPooler(nn.Module):
    """C = tanh(W h_[CLS] + b): the sentence-level representation fed to NSP (Section 3.1)."""

    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.dense(h[:, 0]))


def key_padding_mask(attention_mask: torch.Tensor | None) -> torch.Tensor | None:
    """(B, T) 1/0 mask -> (B, 1, 1, T) boolean for SDPA; None when nothing is padded."""
    if attention_mask is None:
        return None
    keep = attention_mask.bool()
    if bool(keep.all()):
        return None  # lets SDPA take its fastest unmasked kernel
    return keep[:, None, None, :]


class BertStyleEncoder(nn.Module):
    """Embeddings, an encoder over them, and a pooler on the result: BERT's and ALBERT's shape.

    Subclasses build the three parts (their names are Hugging Face's, so state dicts match) and
    name their output class.
    """

    output_cls: type = BertModelOutput

    def __init__(
        self,
        config: Any,
        embeddings: nn.Module,
        encoder: nn.Module,
        pooler: nn.Module | None,
    ) -> None:
        super().__init__()
        self.config = config
        self.embeddings = embeddings
        self.encoder = encoder
        self.pooler = pooler

    def forward(
        self,
        input_ids: torch.Tensor,
        token_type_ids: torch.Tensor | None = None,
        attention_mask: torch.Tensor | None = None,
    ) -> Any:
        if token_type_ids is None:
            token_type_ids = torch.zeros_like(input_ids)
        x = self.embeddings(input_ids, token_type_ids)  # (B, T, H), ALBERT: (B, T, E)
        x = self.encoder(x, key_padding_mask(attention_mask))  # (B, T, H)
        pooled = self.pooler(x) if self.pooler is not None else None
        return self.output_cls(last_hidden_state=x, pooler_output=pooled)


class BertModel(BertStyleEncoder):
    """The bidirectional encoder: embeddings, L post-LN layers and the [CLS] pooler."""

    def __init__(self, config: BertConfig, add_pooling_layer: bool = True) -> None:
        super().__init__(
            config,
            BertEmbeddings(config),
            BertEncoder(config),
            BertPooler(config) if add_pooling_layer else None,
        )
        self.apply(lambda m: init_bert_weights(m, 0.02))


class BertPredictionHeadTransform(nn.Module):
    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)
        self.act = activation(config.hidden_act)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(self.act(self.dense(h)))


class BertLMPredictionHead(nn.Module):
    """Masked-LM head: transform, then the word-embedding matrix (tied) as decoder, plus a bias."""

    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.transform = BertPredictionHeadTransform(config)
        self.bias = nn.Parameter(torch.zeros(config.vocab_size))

    def forward(self, h: torch.Tensor, word_embeddings: torch.Tensor) -> torch.Tensor:
        return F.linear(self.transform(h), word_embeddings, self.bias)


class BertPreTrainingHeads(nn.Module):
    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.predictions = BertLMPredictionHead(config)
        self.seq_relationship = nn.Linear(config.hidden_size, 2)  # IsNext / NotNext


class SentencePairPreTraining(nn.Module):
    """What BERT and ALBERT pre-train alike: L = L_MLM + L_pair over one encoder.

    The MLM head decodes with the (tied) word-embedding table; a two-way head classifies the
    pooled [CLS] as a sentence pair (NSP for BERT, SOP for ALBERT). Subclasses keep Hugging
    Face's module names, which differ, and say where each part lives.
    """

    def __init__(self, config: Any, output_cls: type, pair_label_name: str) -> None:
        super().__init__()
        self.config = config
        self.output_cls = output_cls
        self.pair_label_name = pair_label_name  # Hugging Face's keyword for the pair label

    def parts(self) -> tuple[BertStyleEncoder, nn.Module, nn.Module]:
        """(encoder, MLM head, pair head) under the subclass's Hugging Face names."""
        raise NotImplementedError

    def forward(
        self,
        input_ids: torch.Tensor,
        token_type_ids: torch.Tensor | None = None,
        attention_mask: torch.Tensor | None = None,
        labels: torch.Tensor | None = None,
        pair_label: torch.Tensor | None = None,
        *,
        decode_labelled_only: bool = False,
        **named_pair_label: torch.Tensor | None,
    ) -> Any:
        """Logits of both heads, and L_MLM + L_pair when labels are given.

        The pair label may also be passed under Hugging Face's name for it
        (``next_sentence_label``, ``sentence_order_label``), so one call fits ours and theirs.
        ``decode_labelled_only`` (training): decode only positions with a label, so
        ``prediction_logits`` is (N, V) over those N positions instead of (B, T, V). Only ~15%
        of positions are labelled, so this makes CPU pre-training several times cheaper; the
        loss is the same number.
        """
        if set(named_pair_label) - {self.pair_label_name}:
            raise TypeError(f"unexpected keyword arguments: {sorted(named_pair_label)}")
        if named_pair_label:
            if pair_label is not None:
                raise TypeError(f"pair_label and {self.pair_label_name} are the same argument")
            pair_label = named_pair_label[self.pair_label_name]
        backbone, mlm_head, pair_head = self.parts()
        out = backbone(input_ids, token_type_ids, attention_mask)
        h = out.last_hidden_state
        if decode_labelled_only:
            h, labels = labelled_positions(h, labels)
        logits = mlm_head(h, backbone.embeddings.word_embeddings.weight)  # (B, T, V)
        pair = pair_head(out.pooler_output)  # (B, 2)
        return self.output_cls(logits, pair, pretraining_loss(logits, labels, pair, pair_label))


class BertForPreTraining(SentencePairPreTraining):
    """BERT with its two pre-training objectives: L = L_MLM + L_NSP (Appendix A.2)."""

    def __init__(self, config: BertConfig) -> None:
        super().__init__(config, BertForPreTrainingOutput, "next_sentence_label")
        self.bert = BertModel(config)
        self.cls = BertPreTrainingHeads(config)
        self.cls.apply(lambda m: init_bert_weights(m, 0.02))

    def parts(self) -> tuple[BertModel, nn.Module, nn.Module]:
        return self.bert, self.cls.predictions, self.cls.seq_relationship


def labelled_positions(
    h: torch.Tensor, labels: torch.Tensor | None
) -> tuple[torch.Tensor, torch.Tensor]:
    """The hidden states and labels of the positions with an MLM label: (N, H) and (N,)."""
    if labels is None:
        raise ValueError("decode_labelled_only needs labels")
    keep = labels != -100
    return h[keep], labels[keep]


def pretraining_loss(
    logits: torch.Tensor,
    labels: torch.Tensor | None,
    pair_logits: torch.Tensor,
    pair_label: torch.Tensor | None,
) -> torch.Tensor | None:
    """L = L_MLM + L_pair (NSP for BERT, SOP for ALBERT); None unless both labels are given."""
    if labels is None or pair_label is None:
        return None
    mlm = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1))
    return mlm + F.cross_entropy(pair_logits, pair_label.flatten())


def init_bert_weights(module: nn.Module, std: float) -> None:
    """BERT's initialiser: N(0, std) for weights (std=0.02 in the paper's code), zero biases."""
    if isinstance(module, nn.Linear):
        nn.init.normal_(module.weight, std=std)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.Embedding):
        nn.init.normal_(module.weight, std=std)
    elif isinstance(module, nn.LayerNorm):
        nn.init.ones_(module.weight)
        nn.init.zeros_(module.bias)


def num_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


__all__ = [
    "BertConfig",
    "BertForPreTraining",
    "BertForPreTrainingOutput",
    "BertModel",
    "BertModelOutput",
    "key_padding_mask",
]
