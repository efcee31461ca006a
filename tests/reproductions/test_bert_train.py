"""The BERT and ALBERT training entry points run end to end on real data (tiny versions)."""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import json

import pytest

from reproductions.common import data


@pytest.fixture(scope="module")
def have_data():
    try:
        data.minilm_dir()
        data.brown_documents("valid")
    except data.DataMissing as err:
        # Missing data fails (CI fetches it in `make test`): a skip would count as a pass.
        pytest.fail(str(err), pytrace=False)


def test_bert_pretraining_writes_results_with_nsp_accuracy(have_data, tmp_path):
    from reproductions.bert.train import main

    path = main(["--config", "small", "--steps", "4", "--max-docs", "4", "--out", str(tmp_path)])
    results = json.loads(path.read_text(encoding="utf-8"))
    assert results["reproduction"] == "bert" and results["run"] == "small"
    m = results["metrics"]
    # 8 held-out batches of 64 pairs: the accuracy is a count over 512, the shares predicted per
    # class sum to one, and a head answering one class for >90% of pairs is flagged constant.
    assert m["val_nsp_n"] == 512 and (m["val_nsp_acc"] * 512) == round(m["val_nsp_acc"] * 512)
    assert sum(m["val_nsp_pred_frac"]) == pytest.approx(1.0)
    assert m["val_nsp_majority_rate"] >= 0.5
    flagged = max(m["val_nsp_pred_frac"]) > 0.9
    assert ("val_nsp" in results["constant_heads"]) == flagged
    if flagged:  # a constant answer scores exactly one class's share
        assert m["val_nsp_acc"] in (
            pytest.approx(m["val_nsp_majority_rate"]),
            pytest.approx(1 - m["val_nsp_majority_rate"]),
        )
    assert m["val_mlm_top_token_rate"] > 0
    assert len(results["curves"]["train_loss"]) >= 1
    assert (tmp_path / "small.png").exists()


def test_albert_trains_nsp_and_sop_and_scores_both_tasks(have_data, tmp_path):
    from reproductions.albert.train import main

    paths = main(["--steps", "3", "--max-docs", "4", "--out", str(tmp_path)])
    assert [p.name for p in paths] == ["small-nsp.json", "small-sop.json"]
    for p in paths:
        metrics = json.loads(p.read_text(encoding="utf-8"))["metrics"]
        assert {"val_nsp_acc", "val_sop_acc", "val_mlm_loss"} <= set(metrics)


def test_train_help_has_an_example(capsys):
    from reproductions.albert.train import main as albert_main
    from reproductions.bert.train import main as bert_main

    for entry in (bert_main, albert_main):
        with pytest.raises(SystemExit):
            entry(["--help"])
        assert "Example:" in capsys.readouterr().out
