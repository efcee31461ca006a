"""The dashboard's data: cached loaders over the catalog and the tables each page shows.

Everything comes from `tracker.catalog.load_catalog`; nothing here parses a paper or note itself.
Caches are keyed on a digest of `catalog_fingerprint(root)` (file names, sizes and mtimes), so an
edit to any paper, note or results file is seen on the next rerun without a restart.

The catalog itself is kept with `st.cache_resource`: it holds exceptions (`Catalog.errors`) that
do not survive pickling, and pages only read it. The tables derived from it are `st.cache_data`
(plain frames and lists that pickle cheaply), so a page's widgets never recompute them.
The pure functions (`filter_papers`, `search_key`, ...) take no Streamlit state and are tested
directly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd
import streamlit as st

from tracker import store
from tracker.catalog import Catalog, ReproResult, catalog_fingerprint, load_catalog
from tracker.dashboard import ROOT_ENV
from tracker.i18n import translator
from tracker.models import STATUS_ORDER

# ----------------------------------------------------------------------------- root and catalog


def dashboard_root() -> Path:
    """The team repository: $TRACKER_ROOT (set by `tracker dashboard`) or the nearest parent."""
    env = os.environ.get(ROOT_ENV)
    return Path(env).resolve() if env else store.find_root()


def fingerprint_digest(root: Path) -> str:
    """A short cache key that changes whenever a file the catalog reads changes."""
    # Hashing one string is far cheaper for Streamlit than hashing a tuple of 5,000 tuples.
    return hashlib.sha1(repr(catalog_fingerprint(root)).encode()).hexdigest()


@st.cache_resource(show_spinner=False, max_entries=4)
def _cached_catalog(root: str, digest: str) -> Catalog:
    return load_catalog(Path(root))


def current_catalog(root: Path | None = None) -> tuple[Catalog, str]:
    """The catalog of `root` (default: the dashboard's root) and its cache key."""
    root = Path(root) if root else dashboard_root()
    digest = fingerprint_digest(root)
    return _cached_catalog(str(root), digest), digest


def clear_caches() -> None:
    """Forget every cached table (after a sync wrote files)."""
    st.cache_data.clear()
    st.cache_resource.clear()


def today() -> dt.date:
    """Today, pinned by $TRACKER_TODAY in tests and demos."""
    return store.today()


# ----------------------------------------------------------------------------- reading list


def search_key(text: str) -> str:
    """Text as search compares it: NFC (a macOS keyboard sends decomposed Hangul) and casefolded."""
    return unicodedata.normalize("NFC", text).casefold()


PAPER_COLUMNS = [
    "id", "title", "year", "status", "topics", "readers", "read_by", "presenter",
    "presented_on", "link", "slides", "added_on", "summarised", "search",
]  # fmt: skip


def papers_table(catalog: Catalog) -> pd.DataFrame:
    """One row per paper with the columns the page shows and a `search` column for the filter."""
    # Built from the typed papers directly: `papers_frame()` dumps every field of every model,
    # which costs a second for 5,000 papers and is not needed here.
    rows = [
        (
            p.id,
            p.title,
            p.year,
            p.status.value,
            p.topics,
            p.readers,
            p.read_by,
            p.presenter,
            p.presented_on,
            p.link,
            p.slides,
            p.added_on,
            p.summarised,
            # What people remember a paper by: its names, people, topics and summary.
            search_key(
                " ".join(
                    [
                        p.id,
                        p.title,
                        *p.authors,
                        *p.aliases,
                        *p.topics,
                        p.venue or "",
                        p.abstract or "",
                        p.body,
                    ]
                )
            ),
        )
        for p in catalog.papers
    ]
    frame = pd.DataFrame(rows, columns=PAPER_COLUMNS)
    frame["year"] = frame["year"].astype("Int64")
    return frame


@st.cache_data(show_spinner=False, max_entries=4)
def cached_papers_table(root: str, digest: str) -> pd.DataFrame:
    catalog, _ = current_catalog(Path(root))
    return papers_table(catalog)


@dataclass
class PaperFilters:
    """What the reading-list page filters on; empty means 'no constraint'."""

    topics: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    readers: list[str] = field(default_factory=list)
    years: tuple[int, int] | None = None
    text: str = ""


SORTS: dict[str, tuple[list[str], list[bool]]] = {
    "newest added": (["added_on", "id"], [False, True]),
    "year (newest first)": (["year", "id"], [False, True]),
    "year (oldest first)": (["year", "id"], [True, True]),
    "title": (["title"], [True]),
    "status": (["status_rank", "id"], [True, True]),
}


def _has_any(values: Any, wanted: set[str]) -> bool:
    return isinstance(values, list | tuple) and not wanted.isdisjoint(values)


def filter_papers(
    table: pd.DataFrame, filters: PaperFilters, sort: str = "newest added"
) -> pd.DataFrame:
    """The rows of `table` that pass every filter, in the chosen order.

    Text search: every whitespace-separated term must occur in the paper's title, authors,
    aliases, topics, venue, abstract or summary. Korean is matched as written (a term like
    "어텐션" finds "어텐션을"), after NFC normalisation, so decomposed input still matches.
    """
    mask = pd.Series(True, index=table.index)
    if filters.topics:
        wanted = set(filters.topics)
        mask &= table["topics"].map(lambda v: _has_any(v, wanted))
    if filters.statuses:
        mask &= table["status"].isin(filters.statuses)
    if filters.readers:
        wanted = set(filters.readers)
        mask &= table["readers"].map(lambda v: _has_any(v, wanted)) | table["read_by"].map(
            lambda v: _has_any(v, wanted)
        )
    if filters.years is not None:
        low, high = filters.years
        years = table["year"]
        mask &= years.notna() & (years >= low) & (years <= high)
    for term in search_key(filters.text).split():
        mask &= table["search"].str.contains(term, regex=False)
    result = table[mask].copy()
    columns, ascending = SORTS.get(sort, SORTS["newest added"])
    if "status_rank" in columns:
        order = {s.value: i for i, s in enumerate(STATUS_ORDER)}
        result["status_rank"] = result["status"].map(order)
    result = result.sort_values(columns, ascending=ascending, na_position="last", kind="stable")
    return result.drop(columns=["status_rank"], errors="ignore")


# ----------------------------------------------------------------------------- quota


def progress_table(catalog: Catalog, on: dt.date) -> pd.DataFrame:
    """Per-member quota progress from `tracker.progress.member_progress`."""
    from tracker.progress import member_progress

    rows = [
        {
            "handle": p.handle,
            "name": p.name,
            "quota": p.quota,
            "assigned": p.assigned,
            "read": p.read,
            "summarised": p.summarised,
            "presented": p.presented,
            "expected_by_now": p.expected_by_now,
            "behind": p.behind,
            "behind_by": p.behind_by,
        }
        for p in member_progress(catalog, today=on)
    ]
    columns = [
        "handle", "name", "quota", "assigned", "read", "summarised", "presented",
        "expected_by_now", "behind", "behind_by",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


@st.cache_data(show_spinner=False, max_entries=4)
def cached_progress_table(root: str, digest: str, on: dt.date) -> pd.DataFrame:
    catalog, _ = current_catalog(Path(root))
    return progress_table(catalog, on)


@dataclass
class AssignmentView:
    """What the quota page shows about the optimal assignment."""

    feasible: bool
    reasons: list[str]
    explanations: dict[str, list[str]]


@st.cache_data(show_spinner=False, max_entries=2)
def cached_assignment(root: str, digest: str) -> AssignmentView:
    from tracker.assign import assign_reading_quota

    catalog, _digest = current_catalog(Path(root))
    _ = translator(catalog.team)
    result = assign_reading_quota(catalog)
    return AssignmentView(
        feasible=result.feasible,
        reasons=list(result.reasons),
        explanations={
            m.handle: list(result.explain(m.handle, team=catalog.team, width=120, _=_))
            for m in result.members
        },
    )


# ----------------------------------------------------------------------------- reproductions


@dataclass
class ReproductionView:
    """One reproduction: its paper, parity record and training runs (any may be missing)."""

    name: str
    paper_id: str | None = None
    paper_title: str | None = None
    parity: ReproResult | None = None
    runs: list[ReproResult] = field(default_factory=list)
    images: list[Path] = field(default_factory=list)


def reproduction_views(catalog: Catalog) -> list[ReproductionView]:
    """Every reproduction a paper names or a results file belongs to, sorted by name."""
    views: dict[str, ReproductionView] = {}
    for paper in catalog.papers:
        if paper.reproduction:
            view = views.setdefault(paper.reproduction, ReproductionView(paper.reproduction))
            view.paper_id, view.paper_title = paper.id, paper.title
    for result in catalog.results:
        view = views.setdefault(result.reproduction, ReproductionView(result.reproduction))
        if result.kind == "parity":
            # Several parity files (unlikely) → the latest run wins.
            if view.parity is None or (result.started_at or "") > (view.parity.started_at or ""):
                view.parity = result
        else:
            view.runs.append(result)
        if view.paper_id is None and result.paper_id:
            view.paper_id = result.paper_id
            paper = catalog.paper(result.paper_id)
            view.paper_title = paper.title if paper else None
    for view in views.values():
        view.runs.sort(key=lambda r: r.run)
        view.images = list(catalog.figures.get(view.name, []))
    return sorted(views.values(), key=lambda v: v.name)


def parity_by_dtype(result: ReproResult) -> pd.DataFrame:
    """Worst (largest) max-abs-diff per dtype, and whether every check of that dtype passed."""
    checks = pd.DataFrame(result.checks)
    if checks.empty or "dtype" not in checks:
        return pd.DataFrame(columns=["dtype", "checks", "max_abs_diff", "passed"])
    checks["passed"] = checks.get("passed", pd.Series(dtype=bool)).fillna(False).astype(bool)
    grouped = checks.groupby("dtype", sort=True)
    return pd.DataFrame(
        {
            "checks": grouped.size(),
            "max_abs_diff": grouped["max_abs_diff"].max() if "max_abs_diff" in checks else None,
            "passed": grouped["passed"].all(),
        }
    ).reset_index()


def metrics_vs_paper(result: ReproResult) -> pd.DataFrame:
    """Our metrics beside the paper's reported number for the same key (and how they differ)."""
    rows = []
    paper = result.paper_metrics
    for key in sorted(set(result.metrics) | set(paper)):
        reported = paper.get(key)
        rows.append(
            {
                "metric": key,
                "ours": result.metrics.get(key),
                "paper": reported.get("value") if isinstance(reported, dict) else reported,
                "note": reported.get("note", "") if isinstance(reported, dict) else "",
            }
        )
    return pd.DataFrame(rows, columns=["metric", "ours", "paper", "note"])


def curves_frame(result: ReproResult) -> pd.DataFrame:
    """Training curves as one column per curve indexed by step (NaN where a curve has no point)."""
    series = {}
    for name, points in result.curves.items():
        pairs = [(p[0], p[1]) for p in points if isinstance(p, list | tuple) and len(p) >= 2]
        if pairs:
            steps, values = zip(*pairs, strict=True)
            series[name] = pd.Series(values, index=pd.Index(steps, name="step"), dtype=float)
    if not series:
        return pd.DataFrame()
    return pd.DataFrame(series).sort_index()


# ----------------------------------------------------------------------------- notes


def meeting_tags(catalog: Catalog) -> list[str]:
    return sorted({tag for meeting in catalog.meetings for tag in meeting.tags})


PAPER_VIEW = "reading_list"  # the Reading list page's URL path; `?paper=<id>` shows one paper
_NOTE_PAPER_LINK = re.compile(
    r"\[(?P<label>[^\]\n]*)\]\((?:\.\./)+papers/(?P<id>[^()\s/]+)\.md(?P<title>\s+\"[^\"]*\")?\)"
)


def note_paper_links(body: str) -> str:
    """A note's links to paper pages (`../../papers/<id>.md`, right for the site) pointed at
    the dashboard's own paper view instead; a heading's label-less link gets a visible label."""

    def replace(match: re.Match[str]) -> str:
        label = match.group("label") or "paper ↗"
        href = f"{PAPER_VIEW}?paper={quote(match.group('id'), safe='')}"
        return f"[{label}]({href}{match.group('title') or ''})"

    return _NOTE_PAPER_LINK.sub(replace, body)
