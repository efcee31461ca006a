"""Three-way, per-cell sync between `papers/*.md` and the team's spreadsheet.

For every paper id and every mapped field the engine compares three texts: the last-synced
snapshot (`papers/.sync/base.csv`), the local file and the sheet. One side changed → take it;
both changed to the same value → nothing to do; both changed differently → a conflict, and then
*nothing* is written anywhere. A row missing on one side that the snapshot knows is reported as a
deletion and never carried out. Writes go remote first (one batch), then local files (each
atomic), then the snapshot last, so an interrupted run converges when it is run again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from tracker import store
from tracker.errors import ConflictError, DataError
from tracker.models import Paper, TeamSettings, split_list
from tracker.people import Roster
from tracker.remotes import Remote, open_remote
from tracker.sheet import (
    IGNORE_FIELD,
    CellUpdate,
    ParsedSheet,
    SheetTable,
    build_table,
    paper_record,
    parse_table,
    record_values,
    sheet_text,
)

SCHEMA = 1
Side = Literal["local", "sheet"]


@dataclass
class FieldChange:
    paper_id: str
    field: str
    old: str
    new: str
    row: int | None = None


@dataclass
class Conflict:
    paper_id: str
    field: str
    base: str
    local: str
    sheet: str
    row: int | None = None

    def describe(self) -> str:
        where = f" (sheet row {self.row})" if self.row else ""
        return (
            f"{self.paper_id} {self.field}{where}: local {self.local!r} vs sheet {self.sheet!r} "
            f"(was {self.base!r})"
        )


@dataclass
class SyncPlan:
    """What a sync would do; `apply_plan` carries it out."""

    remote: str
    fields: list[str]
    pulls: list[FieldChange] = field(default_factory=list)  # sheet -> papers/
    pushes: list[FieldChange] = field(default_factory=list)  # papers/ -> sheet
    new_from_sheet: list[str] = field(default_factory=list)  # rows that become paper files
    new_to_sheet: list[str] = field(default_factory=list)  # paper files that become rows
    deleted_in_sheet: list[str] = field(default_factory=list)  # reported, kept locally
    deleted_locally: list[str] = field(default_factory=list)  # reported, kept in the sheet
    conflicts: list[Conflict] = field(default_factory=list)
    unchanged: int = 0
    creates_sheet: bool = False
    rebuilt_snapshot: bool = False  # the base was rebuilt from the cells both sides agree on
    remote_identity: str = ""
    # Internal state needed to apply the plan.
    merged: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)
    next_base: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)
    sheet: ParsedSheet | None = field(default=None, repr=False)
    papers: dict[str, Paper] = field(default_factory=dict, repr=False)

    @property
    def has_changes(self) -> bool:
        return bool(
            self.pulls
            or self.pushes
            or self.new_from_sheet
            or self.new_to_sheet
            or self.creates_sheet
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "remote": self.remote,
            "pulled": [asdict(c) for c in self.pulls],
            "pushed": [asdict(c) for c in self.pushes],
            "new_from_sheet": self.new_from_sheet,
            "new_to_sheet": self.new_to_sheet,
            "deleted_in_sheet": self.deleted_in_sheet,
            "deleted_locally": self.deleted_locally,
            "conflicts": [asdict(c) for c in self.conflicts],
            "unchanged_papers": self.unchanged,
            "creates_sheet": self.creates_sheet,
            "rebuilt_snapshot": self.rebuilt_snapshot,
        }


@dataclass
class SyncResult:
    plan: SyncPlan
    applied: bool
    files_written: list[str] = field(default_factory=list)
    cells_pushed: int = 0
    rows_appended: int = 0

    def to_json(self) -> dict[str, Any]:
        data = self.plan.to_json()
        data.update(
            applied=self.applied,
            files_written=self.files_written,
            cells_pushed=self.cells_pushed,
            rows_appended=self.rows_appended,
        )
        return data


def merge_cell(base: str, local: str, sheet: str) -> tuple[str, str | None]:
    """Three-way merge of one cell: (value, side that changed) or raise on conflict.

    Returns the merged value and 'local'/'sheet'/None for which side's change is taken.
    """
    if local == sheet:
        return local, None
    if local == base:
        return sheet, "sheet"
    if sheet == base:
        return local, "local"
    raise _CellConflict


class _CellConflict(Exception):
    pass


# Fields whose value is a set: the order people list them in is not a change.
SET_FIELDS = frozenset({"readers", "read_by", "topics", "aliases"})
# What an empty cell means for a field with a default: the file gets the default, so the
# comparison must see the empty cell and the default as the same value.
FIELD_DEFAULTS = {"status": "proposed"}


def settled(field_name: str, text: str) -> str:
    """The value the merge compares: defaults applied, sets in a fixed order. Applied to the
    snapshot, the file and the sheet alike, so a value that means the same on both sides is
    never a change (and never a spurious conflict later)."""
    if not text and field_name in FIELD_DEFAULTS:
        return FIELD_DEFAULTS[field_name]
    if field_name in SET_FIELDS:
        return ", ".join(sorted(dict.fromkeys(split_list(text))))
    return text


def plan_sync(
    root: Path,
    *,
    team: TeamSettings | None = None,
    remote: Remote | None = None,
    take: Side | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    rebuild_snapshot: bool = False,
) -> SyncPlan:
    """Read both sides and the snapshot; compute the merge without writing anything.

    `take` resolves conflicts in favour of one side (the user's explicit choice).
    `rebuild_snapshot` ignores the stored snapshot (damaged, or taken against another remote)
    and assumes as the base every cell on which papers/ and the sheet agree now; a cell that
    differs then has no base: where one side is empty the other side's value is taken, where
    both hold different values it is a conflict. Rows on one side only are new, never deleted.
    """
    root = Path(root)
    team = team or store.load_team(root)
    remote = remote or open_remote(team, root)
    papers = store.load_papers_strict(root)
    stored_base: dict[str, dict[str, str]] = {}
    if not rebuild_snapshot:
        stored_base = store.read_snapshot(root) or {}
        owner = store.read_snapshot_remote(root)
        if stored_base and owner is not None and owner != remote.identity:
            raise DataError(
                f"{store.SNAPSHOT_FILE} was taken against {owner}, but the remote is now "
                f"{remote.identity}: compared with it every row would look deleted or new",
                fix=store.REBUILD_FIX,
            )
    local_by_id = {p.id: p for p in papers}
    columns = [c for c in team.remote.columns if c.field != IGNORE_FIELD]
    config_fields = [c.field for c in columns]
    unknown = [f for f in config_fields if f not in Paper.model_fields]
    if unknown:
        raise DataError(
            f"papers/team.yaml: remote.columns maps to unknown paper fields {unknown}",
            fix=f"use fields of a paper ({', '.join(Paper.model_fields)}) or 'ignore'",
        )

    table = remote.read() if remote.exists() else None
    if table is not None and _blank(table):
        table = None  # a wholly blank sheet (a new spreadsheet's first tab): fill it
    if table is not None:
        sheet = parse_table(
            table,
            team.remote.columns,
            progress=(lambda n: progress("parse", n, len(table.rows))) if progress else None,
            roster=team_roster(team),
        )
        fields = sheet.fields
        creates = False
    else:
        sheet = None
        fields = config_fields
        creates = True

    plan = SyncPlan(remote=remote.description, fields=fields, creates_sheet=creates)
    plan.remote_identity = remote.identity
    plan.sheet = sheet
    plan.papers = local_by_id
    plan.rebuilt_snapshot = rebuild_snapshot
    base = stored_base
    local = {pid: paper_record(p, fields) for pid, p in local_by_id.items()}
    remote_records = sheet.records if sheet else {}
    if (
        not rebuild_snapshot
        and base
        and remote_records
        and store.read_snapshot_remote(root) is None
        and not set(base) & set(remote_records)
    ):
        # A snapshot from before the remote was recorded, and not one of its papers is in
        # this sheet: it belongs to another remote (the team switched), not to deletions.
        raise DataError(
            f"none of the {len(base)} papers in {store.SNAPSHOT_FILE} is in {remote.description}:"
            " the snapshot was taken against another remote, and every row would look deleted",
            fix=store.REBUILD_FIX,
        )
    if rebuild_snapshot:
        base = {
            pid: {
                name: loc[name] if settled(name, loc[name]) == settled(name, rem[name]) else ""
                for name in fields
            }
            for pid, loc in local.items()
            if (rem := remote_records.get(pid)) is not None
        }

    if creates:
        # No sheet yet: the local list becomes the sheet.
        plan.new_to_sheet = sorted(local)
        plan.merged = dict(local)
        plan.next_base = dict(local)
        return plan

    empty = dict.fromkeys(fields, "")
    next_base: dict[str, dict[str, str]] = {}
    merged: dict[str, dict[str, str]] = {}
    for paper_id in sorted(set(base) | set(local) | set(remote_records)):
        b = base.get(paper_id)
        loc = local.get(paper_id)
        rem = remote_records.get(paper_id)
        row = sheet.row_of.get(paper_id) if sheet else None
        if loc is None and rem is None:
            continue  # gone on both sides: forget it
        if loc is None or rem is None:
            # On one side only: new there when the base never had it (copied to the other
            # side), else deleted on the other side (kept and reported, never deleted here).
            only_local = rem is None
            if b is None:
                (plan.new_to_sheet if only_local else plan.new_from_sheet).append(paper_id)
                merged[paper_id] = next_base[paper_id] = loc if only_local else rem
            else:
                (plan.deleted_in_sheet if only_local else plan.deleted_locally).append(paper_id)
                next_base[paper_id] = b
            continue
        b = {**empty, **(b or {})}
        out: dict[str, str] = {}
        changed = False
        for name in fields:
            if loc[name] == rem[name]:
                out[name] = loc[name]  # the same text on both sides: what merge_cell keeps
                continue
            try:
                _, side = merge_cell(
                    settled(name, b.get(name, "")),
                    settled(name, loc[name]),
                    settled(name, rem[name]),
                )
                value = rem[name] if side == "sheet" else loc[name]
            except _CellConflict:
                if take is None:
                    plan.conflicts.append(
                        Conflict(paper_id, name, b.get(name, ""), loc[name], rem[name], row)
                    )
                    out[name] = loc[name]
                    changed = True
                    continue
                else:
                    side = take
                    value = loc[name] if take == "local" else rem[name]
            out[name] = value
            if side == "sheet":
                plan.pulls.append(FieldChange(paper_id, name, loc[name], value, row))
                changed = True
            elif side == "local":
                plan.pushes.append(FieldChange(paper_id, name, rem[name], value, row))
                changed = True
        if not changed:
            plan.unchanged += 1
        merged[paper_id] = out
        next_base[paper_id] = out
    plan.merged = merged
    plan.next_base = next_base
    return plan


def team_roster(team: TeamSettings) -> Roster | None:
    """The roster people cells are checked against (none for a team without members yet)."""
    return Roster(team.members) if team.members else None


def _sheet_roster(team: TeamSettings) -> Roster | None:
    """The roster to write names with, when the team's sheet writes people by name."""
    return team_roster(team) if team.remote.people == "name" else None


def _blank(table: SheetTable) -> bool:
    return not any(h.strip() for h in table.headers) and not any(
        c.strip() for row in table.rows for c in row
    )


def apply_plan(
    root: Path,
    plan: SyncPlan,
    *,
    team: TeamSettings | None = None,
    remote: Remote | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> SyncResult:
    """Carry out a conflict-free plan: push, then write papers, then the snapshot."""
    root = Path(root)
    if plan.conflicts:
        raise ConflictError.listing(
            f"{len(plan.conflicts)} cell(s) were edited differently in papers/ and in "
            f"{plan.remote} since the last sync; nothing was written",
            [c.describe() for c in plan.conflicts],
            fix="make both sides agree on these cells (edit one), or rerun with "
            "`--take local` / `--take sheet` to keep one side's values",
        )
    team = team or store.load_team(root)
    remote = remote or open_remote(team, root)
    result = SyncResult(plan=plan, applied=True)
    roster = _sheet_roster(team)
    store.remove_stale_temp_files(root)  # what a kill -9 during an earlier write left behind

    # 1. The remote, in one batch. Nothing local is written if this fails.
    if plan.creates_sheet:
        remote.create(
            build_table(plan.merged, team.remote.columns, source=plan.remote, roster=roster)
        )
        result.rows_appended = len(plan.merged)
    elif plan.sheet is not None and (plan.pushes or plan.new_to_sheet):
        sheet = plan.sheet
        updates = [
            CellUpdate(
                row=sheet.row_of[c.paper_id],
                col=sheet.col_of[c.field],
                value=sheet_text(c.field, c.new, roster),
                expected=sheet.table.cell(sheet.row_of[c.paper_id], sheet.col_of[c.field]),
                paper_id=c.paper_id,
                field=c.field,
            )
            for c in plan.pushes
        ]
        width = len(sheet.table.headers)
        appends = []
        for paper_id in plan.new_to_sheet:
            row = [""] * width
            for name, col in sheet.col_of.items():
                row[col - 1] = sheet_text(name, plan.merged[paper_id].get(name, ""), roster)
            appends.append(row)
        remote.apply(sheet.table, updates, appends)
        result.cells_pushed = len(updates)
        result.rows_appended = len(appends)

    # 2. Local paper files, each atomically, in one batch; only the ones whose merged values
    # changed. Each is written while the next is prepared; the batch returns once every file
    # is durable, before the snapshot is written.
    targets = sorted({c.paper_id for c in plan.pulls} | set(plan.new_from_sheet))

    def merged_papers() -> Iterator[Paper]:
        sheet = plan.sheet
        added_on: str | None = None  # today, read once (it may read papers/team.yaml)
        for index, paper_id in enumerate(targets):
            if progress is not None:
                progress("write", index, len(targets))
            record = plan.merged[paper_id]
            existing = plan.papers.get(paper_id)
            try:
                if existing is None:
                    if added_on is None:
                        added_on = store.today(root).isoformat()
                    validated = (
                        sheet.papers.get(paper_id)
                        if sheet is not None and sheet.records.get(paper_id) == record
                        else None
                    )
                    yield _new_paper(record, validated, added_on)
                else:
                    data = existing.model_dump()
                    data.update(record_values(record))
                    data["body"] = existing.body
                    yield Paper.model_validate(data)
            except ValidationError as exc:  # pragma: no cover - records were validated on read
                raise DataError(f"{paper_id}: merged values are invalid: {exc}") from exc

    written = store.write_papers(root, merged_papers())
    result.files_written = [f"papers/{paper_id}.md" for paper_id in written]

    # 3. The snapshot, last: until it is written a rerun recomputes the same merge.
    store.write_snapshot(
        root, plan.next_base, plan.fields, remote=plan.remote_identity or plan.remote
    )
    return result


def _new_paper(record: dict[str, str], validated: Paper | None, added_on: str) -> Paper:
    """The paper a sheet row becomes (dated `added_on` unless the sheet has that column).

    `validated` is the paper `parse_table` built from this very record while checking the
    sheet: validating the same values again would give the same paper, so it is reused.
    """
    if validated is not None:
        if "added_on" in record:  # the sheet's own date, or none when its cell is empty
            return validated.model_copy()
        return validated.model_copy(update={"added_on": dt.date.fromisoformat(added_on)})
    values = record_values(record)
    values.setdefault("added_on", added_on)
    return Paper.model_validate({k: v for k, v in values.items() if v is not None})


def sync(
    root: Path,
    *,
    apply: bool = False,
    take: Side | None = None,
    remote: Remote | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    rebuild_snapshot: bool = False,
) -> SyncResult:
    """Plan a sync and, with `apply=True`, carry it out."""
    team = store.load_team(root)
    remote = remote or open_remote(team, root)
    plan = plan_sync(
        root,
        team=team,
        remote=remote,
        take=take,
        progress=progress,
        rebuild_snapshot=rebuild_snapshot,
    )
    if not apply:
        return SyncResult(plan=plan, applied=False)
    return apply_plan(root, plan, team=team, remote=remote, progress=progress)


def last_synced(root: Path) -> dt.datetime | None:
    path = Path(root) / store.SNAPSHOT_FILE
    if not path.is_file():
        return None
    return dt.datetime.fromtimestamp(path.stat().st_mtime)
