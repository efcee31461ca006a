"""The Transformer baseline runs for real on the Bible corpus and writes a valid results file."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from reproductions.common.results import read_results  # noqa: E402
from reproductions.transformer.train import Vocab, detokenize, main, tokenize  # noqa: E402


def test_detokenize_undoes_tokenize_spacing_around_punctuation() -> None:
    text = "Y dijo Dios: Sea la luz; y fue la luz. ¿Dónde estás?"
    assert detokenize(tokenize(text)) == text


def test_vocab_maps_unknown_words_to_unk_and_ends_with_eos() -> None:
    vocab = Vocab([("in the beginning", "en el principio")], size=10)
    ids = vocab.encode("in the zebra")
    assert ids[-1] == 1 and ids[2] == 2  # </s> last, unknown "zebra" -> <unk>
    assert vocab.decode(vocab.encode("en el principio")) == "en el principio"


def test_tiny_real_training_run_writes_results_with_bleu(tmp_path: Path) -> None:
    main(["--config", "small", "--steps", "3", "--out", str(tmp_path), "--test-sentences", "8"])
    record = read_results(tmp_path / "small.json")
    assert record["kind"] == "train" and record["reproduction"] == "transformer"
    m = record["metrics"]
    # perplexity is exp(cross-entropy); after 3 steps from a random start the model is close to
    # uniform over the 4,000-word vocabulary, and cannot be far better than it
    assert m["val_ppl"] == pytest.approx(math.exp(m["val_loss"]), rel=1e-6)  # float32 exp
    assert math.log(4000) - 1.0 < m["val_loss"] < math.log(4000) + 2.0
    assert isinstance(m["test_bleu"], float) and m["test_bleu"] < 5.0
    assert (
        "test_bleu" in record["paper_metrics"]
        and "WMT14" in record["paper_metrics"]["test_bleu"]["note"]
    )
    assert record["provenance"]["data"]["bible-en-es"]
    assert (tmp_path / "small.png").exists()
