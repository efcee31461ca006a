"""The GPT-2 baseline runs for real on Shakespeare and records both init arms in one file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from reproductions.common.results import read_results  # noqa: E402
from reproductions.gpt2.train import CharVocab, main  # noqa: E402


def test_char_vocab_round_trips_and_maps_unseen_characters_to_zero() -> None:
    vocab = CharVocab("to be or not")
    assert vocab.decode(vocab.encode("be not").tolist()) == "be not"
    assert vocab.encode("z").tolist() == [0]


def test_tiny_real_run_records_scaled_and_unscaled_init_curves(tmp_path: Path) -> None:
    main(["--config", "small", "--steps", "2", "--out", str(tmp_path), "--eval-batches", "2"])
    record = read_results(tmp_path / "small.json")
    assert record["kind"] == "train" and record["reproduction"] == "gpt2"
    for arm in ("scaled", "unscaled"):
        assert record["curves"][f"val_loss ({arm} init)"]
        assert record["curves"][f"train_loss ({arm} init)"]
    assert record["metrics"]["val_bpc"] > 0 and record["metrics"]["val_bpc_unscaled_init"] > 0
    assert record["provenance"]["data"]["shakespeare"]
    assert (tmp_path / "small.png").exists()
    assert (tmp_path / "small-init-ablation.png").exists()


def test_help_has_an_example() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "reproductions.gpt2.train", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Example:" in out
