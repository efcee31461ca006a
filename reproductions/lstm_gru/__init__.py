"""LSTM (Hochreiter & Schmidhuber, 1997) and GRU (Cho et al., 2014) cells and layers from scratch."""

from __future__ import annotations

from .model import GRU, LSTM, GRUCell, LSTMCell

PAPER_ID = "lstm-1997"
TITLE = "Long Short-Term Memory"

__all__ = ["GRU", "LSTM", "PAPER_ID", "TITLE", "GRUCell", "LSTMCell"]
