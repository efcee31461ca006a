"""The one loader: papers, team, meetings and reproduction results as typed objects and frames.

The site generator, the dashboard and the agenda all read through `load_catalog`, never parsing
files their own way. Loading never stops at the first broken file: problems are collected in
`Catalog.errors` (each names the file and the fix) so that a page can show them next to
everything that did load.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from reproductions.common.results import RunResults, read_results_dir
from tracker import store
from tracker.errors import DataError, TrackerError
from tracker.models import Meeting, Paper, TeamSettings

MEETINGS_DIR = "docs/meetings"
RESULTS_DIRS = "reproductions/*/results"
RESULTS_GLOB = f"{RESULTS_DIRS}/*.json"


# One results file: the results module's record (the catalog's name for it, kept for callers).
ReproResult = RunResults


@dataclass
class Catalog:
    root: Path
    team: TeamSettings
    papers: list[Paper]
    meetings: list[Meeting]
    results: list[ReproResult]
    errors: list[DataError] = field(default_factory=list)
    # Pictures beside each reproduction's results (e.g. Word2Vec's projections), by name.
    figures: dict[str, list[Path]] = field(default_factory=dict)

    def paper(self, paper_id: str) -> Paper | None:
        return next((p for p in self.papers if p.id == paper_id), None)

    def results_for(self, reproduction: str) -> list[ReproResult]:
        return [r for r in self.results if r.reproduction == reproduction]

    def papers_frame(self):  # noqa: ANN201 - pandas is imported lazily
        """One row per paper; list fields stay lists, dates stay dates."""
        import pandas as pd

        rows = []
        for paper in self.papers:
            row = paper.model_dump()
            row["summarised"] = paper.summarised
            row["link"] = paper.link
            rows.append(row)
        columns = [*Paper.model_fields, "summarised", "link"]
        return pd.DataFrame(rows, columns=[c for c in columns if c != "body"])

    def meetings_frame(self):  # noqa: ANN201
        import pandas as pd

        return pd.DataFrame(
            [m.model_dump(exclude={"body", "action_items"}) for m in self.meetings],
            columns=[c for c in Meeting.model_fields if c not in ("body", "action_items")],
        )


def load_team_or_default(root: Path, errors: list[DataError]) -> TeamSettings:
    try:
        return store.load_team(root)
    except DataError as exc:
        errors.append(exc)
        return TeamSettings(name="(no team settings)", topic="")


def load_meetings(root: Path, errors: list[DataError]) -> list[Meeting]:
    """Meeting notes under docs/meetings/ (blog posts with a `date` in their front matter)."""
    meetings: list[Meeting] = []
    base = Path(root) / MEETINGS_DIR
    for path in store.iter_markdown(base):
        if path.name == "index.md" or ".authors" in path.name:
            continue
        meeting = read_meeting(root, path, errors)
        if meeting is not None:
            meetings.append(meeting)
    meetings.sort(key=_by_date)
    return meetings


def read_meeting(root: Path, path: Path, errors: list[DataError]) -> Meeting | None:
    """One meeting note; None (and its error in `errors`) when it does not read."""
    rel = str(path.relative_to(root))
    try:
        data, body = store.split_front_matter(path.read_text(encoding="utf-8"), source=rel)
    except TrackerError as exc:
        errors.append(exc if isinstance(exc, DataError) else DataError(str(exc)))
        return None
    if "date" not in data:
        errors.append(
            DataError(
                f"{rel}: meeting note without a date",
                fix="add `date: YYYY-MM-DD` to its front matter",
            )
        )
        return None
    raw_date = data["date"]
    if isinstance(raw_date, dt.datetime):
        raw_date = raw_date.date()
    if isinstance(raw_date, dict):  # Material's `date: {created: ...}` form
        raw_date = raw_date.get("created")
    slug = str(data.get("slug") or path.stem)
    try:
        return Meeting.model_validate(
            {
                **{k: v for k, v in data.items() if k not in ("date", "slug")},
                "date": raw_date,
                "title": str(data.get("title") or path.stem),
                "slug": slug,
                "path": rel,
                "body": body,
            }
        )
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        errors.append(DataError(f"{rel}: {problems}", fix="correct the note's front matter"))
        return None


def reread_meeting(catalog: Catalog, path: Path) -> None:
    """Read the note at `path` into `catalog` again, after a command wrote it (the week's agenda
    draft): it replaces the note loaded from the same file, or joins the list. Papers, team and
    results stay as loaded, so a caller that changed only this note need not load it all."""
    rel = str(Path(path).relative_to(catalog.root))
    kept = [m for m in catalog.meetings if m.path != rel]
    meeting = read_meeting(catalog.root, Path(path), catalog.errors)
    catalog.meetings = sorted([*kept, *([meeting] if meeting else [])], key=_by_date)


def _by_date(meeting: Meeting) -> tuple[dt.date, str]:
    return (meeting.date, meeting.slug)


def load_results(root: Path, errors: list[DataError]) -> list[ReproResult]:
    """Every reproduction's results files, read by `reproductions.common.results` (paths
    relative to `root`); a file that does not read is an error naming it, not a stop."""
    return read_reproduction_results(root, errors)[0]


def read_reproduction_results(
    root: Path, errors: list[DataError]
) -> tuple[list[ReproResult], dict[str, list[Path]]]:
    """`load_results`, and the figures (PNGs) beside each reproduction's results by name."""
    results: list[ReproResult] = []
    figures: dict[str, list[Path]] = {}
    for folder in sorted(Path(root).glob(RESULTS_DIRS)):
        found = read_results_dir(folder, relative_to=Path(root))
        results += [*found.runs, *([found.parity] if found.parity else [])]
        errors += [DataError(str(e), fix="rerun the command that wrote it") for e in found.problems]
        if found.figures:
            figures[folder.parent.name] = found.figures
    return sorted(results, key=_by_path), figures


def _by_path(result: ReproResult) -> str:
    return result.path


def load_catalog(root: Path | None = None) -> Catalog:
    root = Path(root) if root else store.find_root()
    errors: list[DataError] = []
    team = load_team_or_default(root, errors)
    loaded = store.load_papers(root)
    errors.extend(loaded.errors)
    meetings = load_meetings(root, errors)
    results, figures = read_reproduction_results(root, errors)
    return Catalog(
        root=root,
        team=team,
        papers=loaded.papers,
        meetings=meetings,
        results=results,
        errors=errors,
        figures=figures,
    )


def catalog_fingerprint(root: Path) -> tuple:
    """Changes whenever a file the catalog reads changes (for cache invalidation)."""
    root = Path(root)
    entries = []
    for pattern in ("papers/*.md", "papers/team.yaml", "docs/meetings/**/*.md", RESULTS_GLOB):
        for path in root.glob(pattern):
            try:
                stat = os.stat(path)
            except FileNotFoundError:
                continue
            entries.append((str(path.relative_to(root)), stat.st_mtime_ns, stat.st_size))
    return tuple(sorted(entries))
