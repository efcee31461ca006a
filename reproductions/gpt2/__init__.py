"""GPT-2 (Radford et al., 2019): "Language Models are Unsupervised Multitask Learners"."""

from __future__ import annotations

from .model import GPT2Config, GPT2LMHeadModel

PAPER_ID = "gpt2-2019"
TITLE = "Language Models are Unsupervised Multitask Learners"

__all__ = ["PAPER_ID", "TITLE", "GPT2Config", "GPT2LMHeadModel"]
