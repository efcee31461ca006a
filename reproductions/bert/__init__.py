"""BERT (Devlin et al., 2019): from-scratch model, WordPiece tokenizer and pre-training data."""

from __future__ import annotations

from reproductions.common.about import paper_of

from .model import BertConfig, BertForPreTraining, BertModel

PAPER_ID, TITLE = paper_of(__file__)  # from reproduction.toml beside this file

__all__ = ["PAPER_ID", "TITLE", "BertConfig", "BertForPreTraining", "BertModel"]
