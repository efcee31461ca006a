"""The Transformer (Vaswani et al., 2017): "Attention Is All You Need"."""

from __future__ import annotations

from reproductions.common.about import paper_of

from .model import Transformer, TransformerConfig

PAPER_ID, TITLE = paper_of(__file__)  # from reproduction.toml beside this file

__all__ = ["PAPER_ID", "TITLE", "Transformer", "TransformerConfig"]
