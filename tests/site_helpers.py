"""A temporary copy of the team repository for the notes and site tests, and one shared build.

The strict MkDocs build is the slow part (seconds), so the build test and the browser test share
one build per session through `built_site()`.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from results_helpers import results_record, write_result

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "notes"
GOOD_DIALECTS = ["astro", "jekyll", "obsidian", "plain"]
TODAY = "2025-09-01"

# A training result for the BERT reproduction, with curves and the paper's numbers, written by
# hand for the tests (the real ones are written by `tracker repro train`).
BERT_TRAIN_RESULT = results_record(
    "bert",
    "1810.04805",
    "train",
    "tiny",
    metrics={"mlm_accuracy": 0.4125, "glue_sst2": 0.8031},
    paper_metrics={"glue_sst2": {"value": 0.935, "note": "BERT-base; we train a tiny model"}},
    curves={"train_loss": [[0, 7.5], [100, 5.25], [200, 4.5]], "val_loss": [[0, 7.6], [200, 4.9]]},
    provenance={"started_at": "2025-08-30T10:00:00+00:00"},
)
BERT_PARITY_RESULT = results_record(
    "bert",
    "1810.04805",
    "parity",
    "parity",
    checks=[
        {
            "name": "last_hidden_state",
            "dtype": "float64",
            "max_abs_diff": 3.5e-15,
            "tol": 1e-10,
            "passed": True,
        },
        {
            "name": "pooler_output",
            "dtype": "float32",
            "max_abs_diff": 2e-07,
            "tol": 1e-05,
            "passed": True,
        },
    ],
    passed=True,
    provenance={"started_at": "2025-08-29T09:00:00+00:00"},
)


def make_team_repo(target: Path, *, results: bool = True) -> Path:
    """Copy the sample team data and site config into `target` (a fresh team repository)."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "papers", target / "papers", ignore=shutil.ignore_patterns(".sync"))
    shutil.copy(REPO / "mkdocs.yml", target / "mkdocs.yml")
    docs = target / "docs"
    shutil.copytree(REPO / "docs" / "meetings", docs / "meetings")
    shutil.copy(REPO / "docs" / "index.md", docs / "index.md")
    for sub in ("css", "javascripts"):
        shutil.copytree(REPO / "docs" / "assets" / sub, docs / "assets" / sub)
    if results:
        write_result(target, BERT_TRAIN_RESULT)
        write_result(target, BERT_PARITY_RESULT)
    return target


def example_notes(*dialects: str) -> list[Path]:
    from tracker.notes import expand_paths

    return expand_paths([EXAMPLES / d for d in (dialects or GOOD_DIALECTS)])


_BUILT: dict[str, Path] = {}


def built_site(base: Path) -> Path:
    """The team repo with the example notes imported and the site built strictly (once)."""
    if "root" in _BUILT:
        return _BUILT["root"]
    from tracker.notes import import_notes
    from tracker.site import build_site

    root = make_team_repo(base / "team")
    import_notes(root, example_notes())
    build_site(root, strict=True, today=dt.date.fromisoformat(TODAY))
    _BUILT["root"] = root
    return root


def built_folder_site(base: Path) -> Path:
    """A team repo with the real notes folder (examples/notes/folder) imported and built
    strictly, once per session (shared by the notes-folder tests and the browser test)."""
    if "folder" in _BUILT:
        return _BUILT["folder"]
    from tracker.notes import import_notes
    from tracker.site import build_site

    root = make_team_repo(base / "team", results=False)
    import_notes(root, [EXAMPLES / "folder"])
    build_site(root, strict=True, today=dt.date.fromisoformat(TODAY))
    _BUILT["folder"] = root
    return root
