"""LSTM (Hochreiter & Schmidhuber, 1997) and GRU (Cho et al., 2014) cells and layers from scratch."""

from __future__ import annotations

from reproductions.common.about import paper_of

from .model import GRU, LSTM, GRUCell, LSTMCell

PAPER_ID, TITLE = paper_of(__file__)  # from reproduction.toml beside this file

__all__ = ["GRU", "LSTM", "PAPER_ID", "TITLE", "GRUCell", "LSTMCell"]
