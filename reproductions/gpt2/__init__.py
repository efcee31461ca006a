"""GPT-2 (Radford et al., 2019): "Language Models are Unsupervised Multitask Learners"."""

from __future__ import annotations

from reproductions.common.about import paper_of

from .model import GPT2Config, GPT2LMHeadModel

PAPER_ID, TITLE = paper_of(__file__)  # from reproduction.toml beside this file

__all__ = ["PAPER_ID", "TITLE", "GPT2Config", "GPT2LMHeadModel"]
