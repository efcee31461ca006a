"""Turns gensim's shortened English Wikipedia dump into tokenised sentences, once, at fetch time.

The result, `DATA_DIR/enwiki/sentences.txt`, holds one sentence per line, tokens separated by
single spaces, so it is also a ready `--corpus` file for the word2vec trainer.

Tokenisation: wiki markup is stripped with gensim's `filter_wiki`, text is split into sentences at
line breaks and at `.`, `!` or `?` followed by a space and a capital or digit, and each sentence
is lower-cased and cut into runs of letters (digits and punctuation dropped, as the analogy
benchmark has neither). Sentences of fewer than 2 tokens are dropped. Only main-namespace
articles that are not redirects count.
"""

from __future__ import annotations

import bz2
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from .sources import ENWIKI_DUMP

SENTENCES_FILE = "sentences.txt"

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def iter_articles(dump: Path) -> Iterator[tuple[str, str]]:
    """(title, raw wikitext) of each main-namespace, non-redirect page of a MediaWiki dump."""
    with bz2.open(dump, "rb") as f:
        for _event, elem in ET.iterparse(f, events=("end",)):
            if _local(elem.tag) != "page":
                continue
            fields = {_local(child.tag): child for child in elem}
            title = fields["title"].text or ""
            ns = fields["ns"].text if "ns" in fields else "0"
            text = ""
            if "revision" in fields:
                for child in fields["revision"]:
                    if _local(child.tag) == "text":
                        text = child.text or ""
            if ns == "0" and not text.lstrip().lower().startswith("#redirect"):
                yield title, text
            elem.clear()


def article_sentences(wikitext: str) -> list[list[str]]:
    """The tokenised sentences of one article's wikitext."""
    from gensim.corpora.wikicorpus import filter_wiki

    plain = filter_wiki(wikitext)
    sentences = []
    for line in plain.splitlines():
        for piece in _SENTENCE_END.split(line):
            tokens = "".join(ch if ch.isalpha() else " " for ch in piece.lower()).split()
            if len(tokens) >= 2:
                sentences.append(tokens)
    return sentences


def write_enwiki_sentences(folder: Path) -> None:
    """Write `sentences.txt` next to the dump in `folder` (a fetch post-processing step)."""
    out = folder / SENTENCES_FILE
    with open(out, "w", encoding="utf-8") as f:
        for _title, text in iter_articles(folder / ENWIKI_DUMP):
            for tokens in article_sentences(text):
                f.write(" ".join(tokens) + "\n")
