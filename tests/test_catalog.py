"""The catalog reads reproduction results only through `reproductions.common.results`."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

from reproductions.common.results import RunResults
from tracker.catalog import load_catalog

REPO = Path(__file__).resolve().parents[1]
TRACKER = REPO / "tracker"

RECORD = {
    "schema": 1,
    "reproduction": "bert",
    "kind": "train",
    "run": "small",
    "metrics": {"val_loss": 2.5},
    "provenance": {"started_at": "2025-07-02T10:00:00+00:00", "wall_time_s": 4.0},
}


def _reads_json(func: ast.AST) -> bool:
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("load", "loads")
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "json"
        for node in ast.walk(func)
    )


def test_no_tracker_function_parses_a_results_file_by_itself() -> None:
    # A function that both parses JSON and speaks of results is reading results files its own
    # way; the results module's reader (one schema check, one type) is the only one.
    offenders = []
    for path in sorted(TRACKER.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _reads_json(node):
                text = (ast.get_source_segment(source, node) or "").lower()
                if "results" in text:
                    offenders.append(f"{path.relative_to(REPO)}:{node.lineno} {node.name}")
    assert offenders == [], "read results through reproductions.common.results: " + str(offenders)


def test_catalog_results_are_the_results_modules_records_and_broken_files_name_themselves(
    tmp_path: Path,
) -> None:
    results = tmp_path / "reproductions" / "bert" / "results"
    results.mkdir(parents=True)
    (results / "small.json").write_text(json.dumps(RECORD), encoding="utf-8")
    (results / "broken.json").write_text("{not json", encoding="utf-8")
    (results / "old.json").write_text(json.dumps({**RECORD, "schema": 0}), encoding="utf-8")
    (results / "map.png").write_bytes(b"\x89PNG")
    catalog = load_catalog(tmp_path)
    assert [type(r) for r in catalog.results] == [RunResults]
    (small,) = catalog.results
    assert small.path == "reproductions/bert/results/small.json"
    assert small.metrics == {"val_loss": 2.5} and small["run"] == "small"
    assert small.started_at == "2025-07-02T10:00:00+00:00" and small.wall_time_s == 4.0
    messages = sorted(str(e) for e in catalog.errors if str(e).startswith("reproductions/"))
    assert messages[0].startswith("reproductions/bert/results/broken.json: not readable as JSON")
    assert messages[1].startswith("reproductions/bert/results/old.json: schema 0")
    assert catalog.figures == {"bert": [results / "map.png"]}


def test_importing_the_results_reader_loads_neither_torch_nor_numpy() -> None:
    code = (
        "import sys, reproductions.common.results as r, tracker.catalog;"
        "print(sorted(m for m in ('torch', 'numpy', 'pandas') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert done.stdout.strip() == "[]"
