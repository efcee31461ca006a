"""BERT (Devlin et al., 2019): from-scratch model, WordPiece tokenizer and pre-training data."""

from __future__ import annotations

from .model import BertConfig, BertForPreTraining, BertModel

PAPER_ID = "1810.04805"
TITLE = "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding"

__all__ = ["PAPER_ID", "TITLE", "BertConfig", "BertForPreTraining", "BertModel"]
