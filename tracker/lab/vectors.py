"""Word vectors for the lab: the project's own Word2Vec (skip-gram and CBOW) on the Brown corpus.

Owns the shipped vectors (`artefacts/word2vec-{sg,cbow}.npz` + `word2vec.json`, written by
`python -m tracker.lab.vectors build`, which trains through the reproduction's CLI), and the
arithmetic the page shows: nearest neighbours, analogies `a − b + c` exactly as gensim's
`KeyedVectors.most_similar(positive=[a, c], negative=[b])` computes them, a 2-D PCA
projection, and the TensorBoard Embedding Projector export (vectors.tsv + metadata.tsv).
"""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tracker.atomic import atomic_write_text, atomic_writer
from tracker.lab import build_parser, run_build

ARTEFACTS = Path(__file__).resolve().parent / "artefacts"
ARCHS = ("sg", "cbow")
KEEP_WORDS = 8000  # the most frequent words kept in the shipped artefact (size: ~1.6 MB each)
TRAIN_FLAGS = {
    "dim": 100,
    "window": 5,
    "negative": 5,
    "epochs": 5,
    "min-count": 5,
    "sample": 1e-3,
    "workers": 2,
    "seed": 1,
}
DEFAULT_PROJECTION = ["king", "queen", "man", "woman", "boy", "girl", "father", "mother"]
DEFAULT_ANALOGY = ("king", "man", "woman")  # king − man + woman ≈ queen


@dataclass
class WordVectors:
    """Unit-normalised rows for fast cosine, words in frequency order."""

    words: list[str]
    vectors: np.ndarray  # (V, D) float32 as trained (after the artefact's float16 rounding)
    arch: str

    def __post_init__(self) -> None:
        self.index = {w: i for i, w in enumerate(self.words)}
        norms = np.linalg.norm(self.vectors, axis=1, keepdims=True)
        self.unit = (self.vectors / np.where(norms == 0, 1, norms)).astype(np.float32)

    def __contains__(self, word: str) -> bool:
        return word in self.index

    def keyed_vectors(self):  # noqa: ANN201 - gensim's KeyedVectors, imported late (repro extra)
        """The same vectors as gensim KeyedVectors (the test's reference)."""
        from gensim.models import KeyedVectors

        kv = KeyedVectors(self.vectors.shape[1])
        kv.add_vectors(self.words, self.vectors)
        return kv


def _artefact(arch: str) -> Path:
    return ARTEFACTS / f"word2vec-{arch}.npz"


def load_vectors(arch: str, folder: Path | None = None) -> WordVectors:
    """The shipped vectors of `arch` ("sg" or "cbow")."""
    if arch not in ARCHS:
        raise ValueError(f"arch must be one of {', '.join(ARCHS)}, not {arch!r}")
    path = (folder or ARTEFACTS) / f"word2vec-{arch}.npz"
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: build it with `python -m tracker.lab.vectors build`"
        )
    with np.load(path, allow_pickle=False) as archive:
        words = [str(w) for w in archive["words"]]
        vectors = archive["vectors"].astype(np.float32)
    return WordVectors(words, vectors, arch)


def load_provenance(folder: Path | None = None) -> dict:
    """The build's record: corpus, flags, git commit, timings."""
    path = (folder or ARTEFACTS) / "word2vec.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _rank(
    wv: WordVectors, mean: np.ndarray, exclude: set[int], topn: int
) -> list[tuple[str, float]]:
    sims = wv.unit @ mean
    order = np.argsort(-sims, kind="stable")
    out = []
    for i in order:
        if int(i) in exclude:
            continue
        out.append((wv.words[int(i)], float(sims[int(i)])))
        if len(out) == topn:
            break
    return out


def combine(wv: WordVectors, positive: list[str], negative: list[str]) -> np.ndarray:
    """gensim's query vector: the unit mean of +unit(p) for positives and −unit(n) for negatives."""
    rows = [wv.unit[wv.index[w]] for w in positive] + [-wv.unit[wv.index[w]] for w in negative]
    mean = np.mean(np.stack(rows), axis=0)
    return (mean / np.linalg.norm(mean)).astype(np.float32)


def most_similar(
    wv: WordVectors, positive: list[str], negative: list[str] = (), topn: int = 10
) -> list[tuple[str, float]]:
    """Top `topn` words by cosine to the combined query, the query's own words left out."""
    missing = [w for w in [*positive, *negative] if w not in wv]
    if missing:
        raise KeyError(missing[0])
    mean = combine(wv, list(positive), list(negative))
    exclude = {wv.index[w] for w in [*positive, *negative]}
    return _rank(wv, mean, exclude, topn)


def neighbours(wv: WordVectors, word: str, topn: int = 10) -> list[tuple[str, float]]:
    """Nearest words of `word` by cosine."""
    return most_similar(wv, [word], [], topn)


def analogy(wv: WordVectors, a: str, b: str, c: str, topn: int = 5) -> list[tuple[str, float]]:
    """a − b + c: for king, man, woman the answer should be queen (king→queen ∥ man→woman)."""
    return most_similar(wv, [a, c], [b], topn)


def pca_2d(matrix: np.ndarray) -> np.ndarray:
    """(N, D) rows projected on their first two principal axes (sign fixed for stable pictures)."""
    centred = matrix - matrix.mean(axis=0, keepdims=True)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    axes = vt[:2]
    # An axis's sign is arbitrary: fix it so the largest loading is positive.
    signs = np.sign(axes[np.arange(2), np.abs(axes).argmax(axis=1)])
    return centred @ (axes * signs[:, None]).T


def umap_2d(matrix: np.ndarray, seed: int = 0) -> np.ndarray | None:
    """UMAP projection where umap-learn is installed, else None."""
    try:
        import umap
    except ImportError:
        return None
    n = matrix.shape[0]
    reducer = umap.UMAP(n_neighbors=max(2, min(15, n - 1)), random_state=seed)
    return reducer.fit_transform(matrix)


def projection(wv: WordVectors, words: list[str]) -> tuple[list[str], np.ndarray]:
    """The known words among `words` and their 2-D PCA coordinates (of the unit vectors)."""
    known = list(dict.fromkeys(w for w in words if w in wv))
    if len(known) < 2:
        return known, np.zeros((len(known), 2))
    return known, pca_2d(wv.unit[[wv.index[w] for w in known]])


def projector_tsv(wv: WordVectors, limit: int | None = None) -> tuple[str, str]:
    """(vectors.tsv, metadata.tsv) for projector.tensorflow.org: one row per word, same order."""
    n = len(wv.words) if limit is None else min(limit, len(wv.words))
    buf = io.StringIO()
    np.savetxt(buf, wv.vectors[:n], delimiter="\t", fmt="%.6g")
    # A single-column metadata file has no header row (the projector's rule).
    return buf.getvalue(), "".join(f"{w}\n" for w in wv.words[:n])


# ----------------------------------------------------------------------------- build


def brown_corpus_lines() -> list[str]:
    """Brown's 57,340 sentences lower-cased, punctuation tokens dropped, one sentence a line."""
    from reproductions.common import data

    lines = []
    for _, _, sentences in data.brown_documents("all"):
        for sentence in sentences:
            words = [w.lower() for w, _ in sentence if any(ch.isalpha() for ch in w)]
            if words:
                lines.append(" ".join(words))
    return lines


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], capture_output=True, text=True, check=False
    ).stdout.strip()


def build(out: Path = ARTEFACTS, keep: int = KEEP_WORDS) -> dict:
    """Train skip-gram and CBOW with `python -m reproductions.word2vec.train` on Brown; keep the
    `keep` most frequent words of each as float16 and record how they were made."""
    from gensim.models import KeyedVectors

    from reproductions.common import data
    from reproductions.common.results import hardware

    started = time.time()
    lines = brown_corpus_lines()
    text = "\n".join(lines) + "\n"
    record: dict = {
        "schema": 1,
        "corpus": "brown (all 500 documents, lower-cased, punctuation dropped)",
        "corpus_sha256": hashlib.sha256(text.encode()).hexdigest(),
        "corpus_words": sum(len(line.split()) for line in lines),
        "data": data.checksums(["brown"]),
        "flags": TRAIN_FLAGS,
        "kept_words": keep,
        "stored_as": "float16",
        "command": "python -m tracker.lab.vectors build",
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
        "hardware": hardware(),
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(started)),
        "archs": {},
    }
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lab-w2v-") as tmp:
        corpus = Path(tmp) / "brown.txt"
        corpus.write_text(text, encoding="utf-8")
        for arch in ARCHS:
            target = Path(tmp) / f"{arch}.txt"
            command = [sys.executable, "-m", "reproductions.word2vec.train"]
            command += [
                "--corpus",
                str(corpus),
                "--out",
                str(target),
                "--sg",
                "1" if arch == "sg" else "0",
            ]
            for flag, value in TRAIN_FLAGS.items():
                command += [f"--{flag}", str(value)]
            began = time.time()
            subprocess.run(command, check=True)
            kv = KeyedVectors.load_word2vec_format(str(target))
            words = kv.index_to_key[:keep]  # the CLI writes words in descending frequency
            vectors = kv.vectors[:keep].astype(np.float16)
            target_npz = _artefact(arch) if out == ARTEFACTS else out / f"word2vec-{arch}.npz"
            with atomic_writer(target_npz) as handle:
                np.savez_compressed(handle, words=np.array(words), vectors=vectors)
            record["archs"][arch] = {
                "vocabulary": len(kv.index_to_key),
                "train_seconds": round(time.time() - began, 2),
            }
    record["wall_time_s"] = round(time.time() - started, 2)
    atomic_write_text(out / "word2vec.json", json.dumps(record, indent=1) + "\n")
    return record


def main(argv: list[str] | None = None) -> None:
    parser = build_parser("vectors", out=ARTEFACTS)
    parser.add_argument("--keep", type=int, default=KEEP_WORDS, help="most frequent words kept")
    args = parser.parse_args(argv)
    record = run_build(lambda: build(args.out, args.keep))
    print(json.dumps(record["archs"]), f"→ {args.out}")


if __name__ == "__main__":
    main()
