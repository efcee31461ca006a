"""Reproduction results as sentences: headline metric, percentages, the value at the last
meeting from git, and no paths or timestamps."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from dashboard_helpers import write_results, write_tiny_repo

from tracker.catalog import load_catalog
from tracker.i18n import translator
from tracker.result_text import describe_changes, format_metric, metric_label


def test_metric_names_read_as_words_and_accuracies_as_percentages() -> None:
    ko, en = translator("ko"), translator("en")
    assert metric_label("finetune_test_acc", ko) == "미세조정 정확도"
    assert metric_label("feature_based_test_acc", en) == "feature-based accuracy"
    assert metric_label("test_bleu", ko) == "BLEU"
    assert format_metric("finetune_test_acc", 0.79) == "79.0%"
    assert format_metric("feature_based_test_acc", 0.7125) == "71.3%"  # half up, as people round
    assert format_metric("val_ppl", 192.60355) == "192.6"
    # word2vec's analogy scores are percentages already: 0.57 is 0.57%, 1.9 is 1.90%.
    assert format_metric("analogy_accuracy", 0.57) == "0.57%"
    assert format_metric("analogy_accuracy", 1.899) == "1.90%"


def _git(root: Path, *args: str, date: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    env |= {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t"}
    env |= {"GIT_COMMITTER_EMAIL": "t@x"}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def test_a_changed_run_names_its_value_at_the_last_meeting(tmp_path: Path) -> None:
    root = write_tiny_repo(tmp_path / "team")
    results = write_results(root)
    _git(root, "init", "-q", date="2025-06-20T12:00:00")
    _git(root, "add", "-A", date="2025-06-20T12:00:00")
    _git(root, "commit", "-q", "-m", "results", date="2025-06-20T12:00:00")
    train = json.loads((results / "small.json").read_text(encoding="utf-8"))
    train["metrics"]["mlm_accuracy"] = 0.4567
    (results / "small.json").write_text(json.dumps(train), encoding="utf-8")
    catalog = load_catalog(root)
    changed = [
        {"path": r.path} for r in sorted(catalog.results, key=lambda r: r.kind, reverse=True)
    ]
    import datetime as dt

    lines = describe_changes(catalog, changed, translator("ko"), dt.date(2025, 7, 1))
    assert lines == [
        "bert: 마스크 언어 모델 정확도 45.7% (이전 41.0%)",
        "bert: 참조 구현과 일치, 검사 3개 모두 통과",
    ]
    english = describe_changes(catalog, changed[:1], translator("en"), dt.date(2025, 7, 1))
    assert english == ["bert: masked LM accuracy 45.7% (before 41.0%)"]
    # Before the first commit git has no earlier version: no "before" is made up.
    assert describe_changes(catalog, changed[:1], translator("ko"), dt.date(2025, 6, 1)) == [
        "bert: 마스크 언어 모델 정확도 45.7%"
    ]
