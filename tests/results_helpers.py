"""Results files of the reproductions (the schema of docs/dev/reproductions.md), written by hand
for the tests; the real ones are written by `tracker repro train` and `tracker repro check`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def results_record(reproduction: str, paper_id: str, kind: str, run: str, **fields: Any) -> dict:
    """A results file's content: the fields every one starts with, then `fields` in order."""
    return {
        "schema": 1,
        "reproduction": reproduction,
        "paper_id": paper_id,
        "kind": kind,
        "run": run,
        **fields,
    }


def write_result(root: Path, record: dict) -> Path:
    """`record` as reproductions/<reproduction>/results/<run>.json in the team repository."""
    results = root / "reproductions" / record["reproduction"] / "results"
    results.mkdir(parents=True, exist_ok=True)
    path = results / f"{record['run']}.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    return path


# GPT-2 training with both arms of the scaled-init ablation: the lab's depth page draws them.
GPT2_ABLATION = results_record(
    "gpt2",
    "gpt2-2019",
    "train",
    "small",
    metrics={"val_loss": 2.1},
    curves={
        "train_loss (scaled init)": [[0, 4.2], [50, 2.6], [100, 2.2]],
        "train_loss (unscaled init)": [[0, 4.2], [50, 2.8], [100, 2.4]],
        "val_loss (scaled init)": [[50, 2.7], [100, 2.3]],
        "val_loss (unscaled init)": [[50, 2.9], [100, 2.5]],
    },
    provenance={"command": "python -m reproductions.gpt2.train --config small"},
)
