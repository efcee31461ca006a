"""Merging two branches' sync snapshots (papers/.sync/base.csv), for git's merge driver.

Two members who sync and commit change rows of the snapshot that sit next to each other, and
git's line merge conflicts there. The snapshot is a table keyed by id, so it merges as one: a
row or cell changed on one branch only is taken; changed the same way on both, kept; changed
differently on both, the cell is left empty, meaning "no agreed value": the next sync then
compares papers/ with the sheet for that cell (equal: settled; one side empty: the other is
taken; both differ: a conflict is reported) instead of trusting either branch.
"""

from __future__ import annotations

from pathlib import Path

from tracker import store
from tracker.errors import DataError


def _merge_cell(base: str, ours: str, theirs: str) -> tuple[str, bool]:
    if ours == theirs:
        return ours, False
    if ours == base:
        return theirs, False
    if theirs == base:
        return ours, False
    return "", True


def merge_snapshots(
    ancestor: dict[str, dict[str, str]],
    ours: dict[str, dict[str, str]],
    theirs: dict[str, dict[str, str]],
    fields: list[str],
) -> tuple[dict[str, dict[str, str]], int]:
    """(merged records, number of cells left without a base)."""
    merged: dict[str, dict[str, str]] = {}
    unknown = 0
    for paper_id in sorted(set(ours) | set(theirs) | set(ancestor)):
        o, a, b = ancestor.get(paper_id), ours.get(paper_id), theirs.get(paper_id)
        if a is None and b is None:
            continue
        if a is None or b is None:
            present = a if a is not None else b
            # Dropped on one branch: keep it if the other branch changed it, else drop it.
            if o is None or present != o:
                merged[paper_id] = dict(present)
            continue
        row: dict[str, str] = {}
        for name in fields:
            value, lost = _merge_cell((o or {}).get(name, ""), a.get(name, ""), b.get(name, ""))
            row[name] = value
            unknown += lost
        row["id"] = paper_id
        merged[paper_id] = row
    return merged, unknown


def merge_snapshot_files(ancestor: Path, ours: Path, theirs: Path) -> int:
    """Merge the three files git hands a merge driver; the result replaces `ours`."""
    tables = []
    headers: list[str] = []
    for path in (ancestor, ours, theirs):
        try:
            data = Path(path).read_bytes()
        except FileNotFoundError:
            data = b""
        tables.append(store.parse_snapshot(data, source=str(path)) if data else {})
        first = data.decode("utf-8", "replace").split("\n", 1)[0] if data else ""
        for name in first.strip().split(","):
            if name and name not in headers:
                headers.append(name)
    if "id" not in headers:
        raise DataError(f"{ours}: no 'id' column in the snapshots", fix=store.REBUILD_FIX)
    merged, unknown = merge_snapshots(*tables, fields=headers)
    store.atomic_write_text(Path(ours), store.snapshot_csv(merged, headers))
    return unknown
