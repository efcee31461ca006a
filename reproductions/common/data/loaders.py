"""Loaders of the fetched data sets, each with a fixed, documented, deterministic split.

The split rule is one rule everywhere, applied to a stable unit of each corpus listed in a fixed
order: the unit at position `i` goes to `valid` when `i % 10 == 8`, to `test` when `i % 10 == 9`,
and to `train` otherwise (80/10/10), and `all` is every unit in order. The unit and its order:

| loader | unit | order |
|---|---|---|
| brown_* | document | file id within its genre (so every genre is split 80/10/10) |
| pang_lee_* | review / sentence | file order within its label (so labels stay balanced) |
| wsj_tagged | line of the sample | file order |
| bible_parallel | chapter (all its verses) | canonical chapter order (Gen 1 = 0 ... Rev 22 = 1188) |
| shakespeare_text | work | file name (alphabetical) |

Nothing is random, so a split is the same on every machine and every run. Loaders raise
`DataMissing` (with the `tracker data fetch NAME` command) when their data set is absent.
"""

from __future__ import annotations

import csv
import functools
import json
from pathlib import Path
from typing import Literal

from .fetching import source_dir
from .sword import VerseRef, read_bible, versification

Split = Literal["train", "valid", "test", "all"]
SPLITS = ("train", "valid", "test", "all")

TaggedSentence = list[tuple[str, str]]

EVAL_FILES = ("questions-words.txt", "wordsim353.tsv", "simlex999.txt")
BIBLE_MODULES = ("engWEB2015eb", "spaRV1909eb")  # English (WEB), Spanish (Reina-Valera 1909)


def split_of(position: int) -> str:
    """The split of the unit at `position` in its fixed order (the module's one rule)."""
    bucket = position % 10
    return "valid" if bucket == 8 else "test" if bucket == 9 else "train"


def _check_split(split: str) -> None:
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, not {split!r}")


def _in_split(position: int, split: str) -> bool:
    return split == "all" or split_of(position) == split


def _tagged_token(token: str) -> tuple[str, str]:
    # Words may contain "/" (e.g. "1/2/cd"): the tag is after the last one.
    word, _, tag = token.rpartition("/")
    return word, tag


# --- Brown ------------------------------------------------------------------------------------


@functools.cache
def _brown(root: Path) -> tuple[tuple[str, str, str, tuple[TaggedSentence, ...]], ...]:
    genres = {}
    for line in (root / "cats.txt").read_text(encoding="utf-8").splitlines():
        if line.strip():
            fileid, genre = line.split()[:2]
            genres[fileid] = genre
    documents = []
    position_in_genre: dict[str, int] = {}
    for fileid in sorted(genres):
        genre = genres[fileid]
        position = position_in_genre.get(genre, 0)
        position_in_genre[genre] = position + 1
        sentences = tuple(
            [_tagged_token(tok) for tok in line.split()]
            for line in (root / fileid).read_text(encoding="utf-8").splitlines()
            if line.strip()
        )
        documents.append((fileid, genre, split_of(position), sentences))
    return tuple(documents)


def brown_documents(split: Split = "all") -> list[tuple[str, str, list[TaggedSentence]]]:
    """Brown documents as (file id, genre, sentences of (word, tag)); tags are Brown's own."""
    _check_split(split)
    return [
        (fileid, genre, [list(s) for s in sentences])
        for fileid, genre, doc_split, sentences in _brown(source_dir("brown"))
        if split in ("all", doc_split)
    ]


def brown_tagged(split: Split = "all") -> list[TaggedSentence]:
    """Brown sentences of (word, tag): 57,340 in all, split by document within genre."""
    return [s for _, _, sentences in brown_documents(split) for s in sentences]


def brown_sentences(split: Split = "all") -> list[list[str]]:
    """Brown sentences as word lists (the tags of `brown_tagged` dropped)."""
    return [[word for word, _ in s] for s in brown_tagged(split)]


# --- python3-pattern: Pang & Lee, WSJ ---------------------------------------------------------


def _polarity(path: Path, split: str) -> list[tuple[str, int]]:
    _check_split(split)
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = [(text.strip(), 1 if label.strip() == "1" else 0) for label, text in csv.reader(f)]
    position_in_label = {0: 0, 1: 0}
    out = []
    for text, label in rows:
        position = position_in_label[label]
        position_in_label[label] += 1
        if _in_split(position, split):
            out.append((text, label))
    return out


def pang_lee_reviews(split: Split = "all") -> list[tuple[str, int]]:
    """Pang & Lee movie reviews (lower-cased, tokenised), label 1 = positive: 750 + 750."""
    return _polarity(source_dir("pang-lee") / "reviews.csv", split)


def pang_lee_sentences(split: Split = "all") -> list[tuple[str, int]]:
    """Pang & Lee review sentences, label 1 = positive: 2,000 + 2,000."""
    return _polarity(source_dir("pang-lee") / "sentences.csv", split)


def wsj_tagged(split: Split = "all") -> list[TaggedSentence]:
    """The Penn Treebank WSJ sample with gold Penn tags: 1,001 lines (a few hold two sentences)."""
    _check_split(split)
    text = (source_dir("wsj-sample") / "tagged-en-wsj.txt").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip()]
    return [
        [_tagged_token(tok) for tok in line.split()]
        for i, line in enumerate(lines)
        if _in_split(i, split)
    ]


# --- Bible ------------------------------------------------------------------------------------


@functools.cache
def _bible_pairs(sword_root: Path) -> tuple[tuple[VerseRef, str, str], ...]:
    english, spanish = (read_bible(sword_root, module) for module in BIBLE_MODULES)
    pairs = []
    for book, chapters in versification("KJV"):
        for chapter, n_verses in enumerate(chapters, start=1):
            for verse in range(1, n_verses + 1):
                ref = VerseRef(book, chapter, verse)
                if ref in english and ref in spanish:
                    pairs.append((ref, english[ref], spanish[ref]))
    return tuple(pairs)


def _chapter_ordinals() -> dict[tuple[str, int], int]:
    ordinals = {}
    for book, chapters in versification("KJV"):
        for chapter in range(1, len(chapters) + 1):
            ordinals[(book, chapter)] = len(ordinals)
    return ordinals


def bible_verses(split: Split = "all") -> list[tuple[str, str, str]]:
    """(reference like 'Gen.1.1', English, Spanish) for each verse both Bibles have."""
    _check_split(split)
    ordinals = _chapter_ordinals()
    return [
        (str(ref), en, es)
        for ref, en, es in _bible_pairs(source_dir("bible-en-es") / "sword")
        if _in_split(ordinals[(ref.book, ref.chapter)], split)
    ]


def bible_parallel(split: Split = "all") -> list[tuple[str, str]]:
    """(English, Spanish) verse pairs, WEB and Reina-Valera 1909, aligned by reference."""
    return [(en, es) for _, en, es in bible_verses(split)]


# --- Shakespeare ------------------------------------------------------------------------------


def shakespeare_works() -> list[Path]:
    """The 42 works (Gutenberg editions, `*_gut.txt`) in their fixed, alphabetical order."""
    works = sorted((source_dir("shakespeare") / "texts").glob("*_gut.txt"))
    return works


def shakespeare_text(split: Split = "all") -> str:
    """The works of the split, concatenated in order, separated by a blank line."""
    _check_split(split)
    texts = [
        path.read_text(encoding="utf-8", errors="replace").strip("\n")
        for i, path in enumerate(shakespeare_works())
        if _in_split(i, split)
    ]
    return "\n\n".join(texts) + "\n"


# --- gensim test data, MiniLM, GPT-2 BPE ------------------------------------------------------


def enwiki_corpus_file() -> Path:
    """`sentences.txt` of the Wikipedia sample: one tokenised sentence a line (a word2vec corpus)."""
    return source_dir("enwiki") / "sentences.txt"


def enwiki_sentences() -> list[list[str]]:
    """gensim's shortened Wikipedia dump as lower-cased token lists, one per sentence."""
    with open(enwiki_corpus_file(), encoding="utf-8") as f:
        return [line.split() for line in f if line.strip()]


def eval_file(name: str) -> Path:
    """One of gensim's word-vector benchmarks: questions-words.txt, wordsim353.tsv, simlex999.txt."""
    if name not in EVAL_FILES:
        raise ValueError(f"eval file must be one of {', '.join(EVAL_FILES)}, not {name!r}")
    return source_dir("gensim-eval") / name


def minilm_dir() -> Path:
    """The all-MiniLM-L6-v2 folder: config.json, model.safetensors, vocab.txt (+ tokenizer files)."""
    folder = source_dir("minilm")
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    if config.get("model_type") != "bert":
        raise ValueError(f"{folder}/config.json is not a BERT config")
    return folder


def gpt2_bpe_files() -> tuple[Path, Path]:
    """(encoder.json, vocab.bpe): the official GPT-2 byte-level BPE vocabulary and merges."""
    folder = source_dir("gpt2-bpe")
    return folder / "encoder.json", folder / "vocab.bpe"
