"""ALBERT (Lan et al., 2020): factorised embeddings, shared layers, sentence-order prediction."""

from __future__ import annotations

from reproductions.common.about import paper_of

from .model import AlbertConfig, AlbertForPreTraining, AlbertModel

PAPER_ID, TITLE = paper_of(__file__)  # from reproduction.toml beside this file

__all__ = ["PAPER_ID", "TITLE", "AlbertConfig", "AlbertForPreTraining", "AlbertModel"]
