"""ELMo baseline script: batching of Brown sentences, and the whole pipeline on a tiny config."""

from __future__ import annotations

import json
from pathlib import Path

import torch

from reproductions.common.results import read_results
from reproductions.elmo.model import BOS_CHAR, EOS_CHAR
from reproductions.elmo.train import Corpus


def test_corpus_batch_wraps_marks_pads_and_maps_unknown_words() -> None:
    corpus = Corpus([["the", "cat"], ["the", "dog", "ran"]], vocab=2, max_chars=6)
    rows = corpus.ids([["the", "cat"], ["a", "zebra", "ran"]], max_tokens=10)
    chars, lengths, targets = corpus.batch(rows)
    assert lengths.tolist() == [4, 5]  # <S> words </S>
    assert chars.shape == (2, 5, 6)
    assert chars[0, 0, 1] == BOS_CHAR and chars[0, 3, 1] == EOS_CHAR
    assert (chars[0, 4] == 0).all()  # padding position
    out = corpus.out_words
    # Only the 2 most frequent words ("the" and one more) are in the softmax; the rest are <unk>.
    assert out[targets[0, 1]] == "the"
    assert targets[1, 1] == 0 and targets[1, 2] == 0  # "a", "zebra" -> <unk>
    assert targets[0, 4] == -100


def test_tiny_pipeline_writes_results_with_both_taggers_and_polysemy(tmp_path: Path) -> None:
    torch.set_num_threads(1)
    from reproductions.elmo.train import run

    path = run("tiny", None, tmp_path)
    data = read_results(path)
    for arm in ("elmo", "word2vec", "bilm_layer0", "bilm_top"):
        assert 0.0 <= data["metrics"][f"pos_acc_{arm}"] <= 1.0
        assert data["curves"][f"tagger_loss_{arm}"]
    record = json.loads(path.read_text())
    assert record["polysemy"]["word"] == "play"
    assert {c["use"] for c in record["polysemy"]["contexts"]} == {"noun", "verb"}
    assert abs(sum(record["scalar_mix"]["s"]) - 1.0) < 1e-6
    assert path.with_suffix(".png").exists()
    pos_png = path.with_name("tiny-pos.png")
    assert pos_png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and pos_png.stat().st_size > 10_000
