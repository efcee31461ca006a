"""ALBERT (Lan et al., 2020): factorised embeddings, shared layers, sentence-order prediction."""

from __future__ import annotations

from .model import AlbertConfig, AlbertForPreTraining, AlbertModel

PAPER_ID = "1909.11942"
TITLE = "ALBERT: A Lite BERT for Self-supervised Learning of Language Representations"

__all__ = ["PAPER_ID", "TITLE", "AlbertConfig", "AlbertForPreTraining", "AlbertModel"]
