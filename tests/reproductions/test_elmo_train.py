"""ELMo baseline script: batching of Brown sentences, and the whole pipeline on a tiny config."""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import pytest
import torch

from reproductions.common import data as brown
from reproductions.common.results import read_results
from reproductions.elmo.model import BOS_CHAR, EOS_CHAR
from reproductions.elmo.train import CONFIGS, Corpus, coarse_tag


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
    from reproductions.common.training import TrainRun
    from reproductions.elmo.train import run

    path = run(TrainRun("elmo", "tiny", out_dir=tmp_path))
    data = read_results(path)
    m = data["metrics"]
    # The same test sentences the run tags; the best constant tagger (the most common tag of
    # these very tokens) is the floor every arm must clear by a wide margin. Measured: the
    # majority tag is about 0.13, the four arms 0.60 to 0.64 after 60 training sentences.
    test_tagged = brown.brown_tagged("test")[:: CONFIGS["tiny"].test_every]
    gold = [coarse_tag(t) for s in test_tagged for _, t in s]
    majority = Counter(gold).most_common(1)[0][1] / len(gold)
    assert m["test_tokens"] == len(gold)
    train_words = {w for s in brown.brown_tagged("train") for w, _ in s}
    assert m["test_oov_tokens"] == sum(w not in train_words for s in test_tagged for w, _ in s)
    assert m["val_ppl"] == pytest.approx(math.exp(m["val_loss"]))
    for arm in ("elmo", "word2vec", "bilm_layer0", "bilm_top"):
        assert m[f"pos_acc_{arm}"] > majority + 0.3, (arm, m[f"pos_acc_{arm}"], majority)
        curve = [v for _, v in data["curves"][f"tagger_loss_{arm}"]]
        assert curve[-1] < 0.5 * curve[0], arm  # measured about 5.3 -> 0.5-1.3 nats
    record = json.loads(path.read_text())
    assert record["polysemy"]["word"] == "play"
    assert {c["use"] for c in record["polysemy"]["contexts"]} == {"noun", "verb"}
    assert abs(sum(record["scalar_mix"]["s"]) - 1.0) < 1e-6
    assert path.with_suffix(".png").exists()
    pos_png = path.with_name("tiny-pos.png")
    assert pos_png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and pos_png.stat().st_size > 10_000
