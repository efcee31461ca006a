"""Every reproduction README agrees with its results files, and every results and benchmark file
says where it came from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reproductions.common import readme
from reproductions.common.results import read_results

ROOT = Path(__file__).resolve().parents[2]
REPRO = ROOT / "reproductions"
# word2vec's README is its owner's (it quotes its own results by its own test).
OWN_README = {"word2vec"}
WITH_RESULTS = sorted(
    p.parent.name
    for p in REPRO.glob("*/results")
    if p.is_dir() and any(p.glob("*.json")) and p.parent.name not in OWN_README
)


@pytest.mark.parametrize("name", WITH_RESULTS)
def test_readme_results_block_equals_what_the_results_files_say(name: str) -> None:
    text = (REPRO / name / "README.md").read_text(encoding="utf-8")
    assert readme.BEGIN in text and readme.END in text, (
        f"{name}/README.md has no results block: run python -m reproductions.common.readme"
    )
    assert readme.with_block(text, readme.results_block(name)) == text, (
        f"{name}/README.md is stale: run python -m reproductions.common.readme"
    )


def test_results_block_changes_when_a_number_changes(tmp_path: Path) -> None:
    # The check above must be able to fail: a README written for one number is stale for another.
    src = REPRO / "gpt2" / "results"
    (tmp_path / "toy" / "results").mkdir(parents=True)
    record = json.loads((src / "depth.json").read_text())
    (tmp_path / "toy" / "results" / "depth.json").write_text(json.dumps(record))
    before = readme.results_block("toy", tmp_path)
    record["claims"][0]["holds"] = not record["claims"][0]["holds"]
    (tmp_path / "toy" / "results" / "depth.json").write_text(json.dumps(record))
    assert readme.results_block("toy", tmp_path) != before


def test_results_with_claims_come_from_a_clean_tree() -> None:
    for path in sorted(REPRO.glob("*/results/*.json")):
        record = read_results(path)
        if "claims" in record:
            prov = record["provenance"]
            assert prov["git_dirty"] is False, f"{path}: claims recorded from a dirty tree"
            assert prov["git_commit"] and prov["started_at"]


def _stamps(value: object, found: dict[str, list]) -> dict[str, list]:
    """Every commit and timestamp a benchmark file records, wherever its writer put them (a
    top-level `provenance`, top-level keys, or one provenance per measurement)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "git_commit" and item:
                found["commit"].append(item)
            elif key in ("started_at", "time", "measured_at") and item:
                found["time"].append(item)
            else:
                _stamps(item, found)
    elif isinstance(value, list):
        for item in value:
            _stamps(item, found)
    return found


def test_every_benchmark_file_has_commit_and_timestamp() -> None:
    for path in sorted((ROOT / "benchmarks" / "results").glob("*.json")):
        found = _stamps(json.loads(path.read_text()), {"commit": [], "time": []})
        assert found["commit"], f"{path}: no commit"
        assert found["time"], f"{path}: no timestamp"


@pytest.mark.parametrize("name", ["bert", "gpt2", "transformer"])
def test_speed_ratios_quoted_in_readmes_are_the_benchmark_files(name: str) -> None:
    text = (REPRO / name / "README.md").read_text(encoding="utf-8")
    results = json.loads((ROOT / "benchmarks" / "results" / f"{name}.json").read_text())["results"]
    if name == "bert":  # bert's README names the benchmark without quoting a ratio
        assert "benchmarks/bert_vs_hf.py" in text
        return
    fwd, both = results["forward"]["ratio"], results["forward+backward"]["ratio"]
    assert f"{fwd:.2f} forward, {both:.2f} forward+backward" in text


def test_bert_sentiment_numbers_in_readme_are_the_recorded_ones() -> None:
    text = (REPRO / "bert" / "README.md").read_text(encoding="utf-8")
    record = read_results(REPRO / "bert" / "results" / "sentiment.json")
    m = record["metrics"]
    assert f"`finetune_test_acc` {m['finetune_test_acc']:.3f}" in text
    assert f"`feature_based_test_acc` {m['feature_based_test_acc']:.3f}" in text
    assert f"({record['provenance']['wall_time_s']:.0f} s on the shared 2-core machine" in text


def test_kim_numbers_are_described_by_their_right_names() -> None:
    text = (REPRO / "classifiers" / "README.md").read_text(encoding="utf-8")
    assert "CNN-static 81.5" not in text and "CNN-static (word2vec) 81.5" not in text
    assert "CNN-non-static" in text and "81.0" in text


def _dirty_flags(value: object) -> list[object]:
    if isinstance(value, dict):
        own = [value["git_dirty"]] if "git_dirty" in value else []
        return own + [f for v in value.values() for f in _dirty_flags(v)]
    if isinstance(value, list):
        return [f for v in value for f in _dirty_flags(v)]
    return []


def test_every_published_benchmark_was_measured_from_a_clean_tree() -> None:
    # A file without any git_dirty flag says nothing about its tree: it counts as not clean.
    dirty = [
        path.name
        for path in sorted((ROOT / "benchmarks" / "results").glob("*.json"))
        if not (flags := _dirty_flags(json.loads(path.read_text())))
        or any(flag is not False for flag in flags)
    ]
    assert dirty == [], f"rerun from a clean commit: {dirty}"


def test_readme_benchmark_table_is_the_one_summary_py_writes() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("summary", ROOT / "benchmarks" / "summary.py")
    assert spec is not None and spec.loader is not None
    summary = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(summary)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- BENCHMARKS:START -->\n", 1)[1].split("<!-- BENCHMARKS:END -->")[0]
    assert block == summary.table() + "\n", "run `python benchmarks/summary.py`"
