"""The Transformer (Vaswani et al., 2017): "Attention Is All You Need"."""

from __future__ import annotations

from .model import Transformer, TransformerConfig

PAPER_ID = "1706.03762"
TITLE = "Attention Is All You Need"

__all__ = ["PAPER_ID", "TITLE", "Transformer", "TransformerConfig"]
