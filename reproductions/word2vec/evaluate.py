"""Quality of word vectors: analogies (questions-words), WordSim353 and SimLex-999 correlations,
and the pictures the team asked for (a 2-D projection and vector-arithmetic examples).

gensim's evaluation routines are the harness (the same for our vectors and gensim's own), so the
comparison measures the vectors, not two different scorers.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from reproductions.common import data

PICTURE_WORDS = [
    "france",
    "paris",
    "germany",
    "berlin",
    "italy",
    "rome",
    "spain",
    "madrid",
    "england",
    "london",
    "king",
    "queen",
    "man",
    "woman",
    "boy",
    "girl",
    "father",
    "mother",
]
ANALOGY_EXAMPLES = [
    ("king", "man", "woman"),
    ("paris", "france", "germany"),
    ("father", "man", "woman"),
]


def keyed_vectors(words: list[str], vectors: np.ndarray):  # noqa: ANN201
    from gensim.models import KeyedVectors

    kv = KeyedVectors(vector_size=vectors.shape[1])
    kv.add_vectors(words, vectors.astype(np.float32))
    return kv


def evaluate(kv) -> dict[str, float]:  # noqa: ANN001
    """Analogy accuracy (%, over questions whose words are all in the vocabulary), Spearman ρ."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        analogy, sections = kv.evaluate_word_analogies(str(data.eval_file("questions-words.txt")))
        ws = kv.evaluate_word_pairs(str(data.eval_file("wordsim353.tsv")))
        simlex = kv.evaluate_word_pairs(str(data.eval_file("simlex999.txt")))
    total = next(s for s in sections if s["section"] == "Total accuracy")
    kinds = {"semantic": [0, 0], "syntactic": [0, 0]}
    for section in sections:
        if section["section"] == "Total accuracy":
            continue
        # questions-words.txt: the syntactic sections are the "gram*" ones (2013a, Table 1).
        kind = kinds["syntactic" if section["section"].startswith("gram") else "semantic"]
        kind[0] += len(section["correct"])
        kind[1] += len(section["correct"]) + len(section["incorrect"])
    return {
        "analogy_accuracy": round(100 * float(analogy), 3),
        "analogy_questions": len(total["correct"]) + len(total["incorrect"]),
        "analogy_semantic": round(100 * kinds["semantic"][0] / max(1, kinds["semantic"][1]), 3),
        "analogy_syntactic": round(100 * kinds["syntactic"][0] / max(1, kinds["syntactic"][1]), 3),
        "wordsim353_spearman": round(
            float(ws[1].statistic if hasattr(ws[1], "statistic") else ws[1][0]), 4
        ),
        "simlex999_spearman": round(
            float(simlex[1].statistic if hasattr(simlex[1], "statistic") else simlex[1][0]), 4
        ),
    }


def analogy_examples(kv) -> list[dict]:  # noqa: ANN001
    out = []
    for a, b, c in ANALOGY_EXAMPLES:
        if all(w in kv.key_to_index for w in (a, b, c)):
            answers = kv.most_similar(positive=[a, c], negative=[b], topn=5)
            out.append(
                {
                    "query": f"{a} - {b} + {c}",
                    "answers": [[w, round(float(s), 3)] for w, s in answers],
                }
            )
    return out


def draw_pictures(kv, out_dir: Path, title: str) -> list[Path]:  # noqa: ANN001
    """A PCA projection of PICTURE_WORDS with country→capital arrows, and the analogy examples."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    words = [w for w in PICTURE_WORDS if w in kv.key_to_index]
    paths: list[Path] = []
    if len(words) >= 3:
        x = np.stack([kv[w] for w in words]).astype(np.float64)
        x -= x.mean(axis=0)
        _, _, vt = np.linalg.svd(x, full_matrices=False)
        xy = x @ vt[:2].T
        fig, ax = plt.subplots(figsize=(7, 6))
        ax.scatter(xy[:, 0], xy[:, 1], s=12)
        for word, (px, py) in zip(words, xy, strict=True):
            ax.annotate(word, (px, py), fontsize=9)
        pos = {w: xy[i] for i, w in enumerate(words)}
        for country, capital in [
            ("france", "paris"),
            ("germany", "berlin"),
            ("italy", "rome"),
            ("spain", "madrid"),
            ("england", "london"),
        ]:
            if country in pos and capital in pos:
                ax.annotate(
                    "", pos[capital], pos[country], arrowprops={"arrowstyle": "->", "alpha": 0.4}
                )
        ax.set_title(f"{title}: 2-D PCA of word vectors")
        path = out_dir / "projection.png"
        fig.tight_layout()
        fig.savefig(path, dpi=110)
        plt.close(fig)
        paths.append(path)
    examples = analogy_examples(kv)
    if examples:
        fig, ax = plt.subplots(figsize=(7, 1.2 + 0.9 * len(examples)))
        ax.axis("off")
        lines = [
            f"{e['query']}  →  " + ", ".join(f"{w} ({s:.2f})" for w, s in e["answers"][:3])
            for e in examples
        ]
        ax.text(0.01, 0.95, "\n\n".join(lines), va="top", family="monospace", fontsize=10)
        ax.set_title(f"{title}: vector arithmetic (top 3 by cosine)")
        path = out_dir / "analogies.png"
        fig.savefig(path, dpi=110, bbox_inches="tight")
        plt.close(fig)
        paths.append(path)
    return paths
