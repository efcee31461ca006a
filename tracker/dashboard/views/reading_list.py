"""Page "Reading list": every paper, with filters, Korean-aware text search and link columns."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from tracker.dashboard import data, ui
from tracker.i18n import Translator
from tracker.models import STATUS_ORDER, TeamSettings

# What the table shows, in this order; `id` and the rest stay in the frame for search and tests.
SHOWN_COLUMNS = [
    "title", "year", "status", "topics", "people", "presenting", "link", "slides",
]  # fmt: skip


def status_labels(_: Translator) -> dict[str, str]:
    return {
        "proposed": _("proposed"),
        "assigned": _("assigned"),
        "read": _("read"),
        "summarised": _("summarised"),
        "presented": _("presented"),
    }


def sort_labels(_: Translator) -> dict[str, str]:
    return {
        "newest added": _("newest added"),
        "year (newest first)": _("year (newest first)"),
        "year (oldest first)": _("year (oldest first)"),
        "title": _("title"),
        "status": _("status"),
    }


def people_cell(team: TeamSettings, readers: list[str], read_by: list[str]) -> str:
    """Readers by name, a ✓ after those who finished: "안나 ✓, 벤" (one short cell)."""
    names = []
    for handle in dict.fromkeys([*readers, *read_by]):
        mark = " ✓" if handle in read_by else ""
        names.append(ui.person_name(team, handle) + mark)
    return ", ".join(names)


def presenting_cell(team: TeamSettings, presenter: Any, day: Any) -> str:
    """ "안나 · 07-08": who presents and when (either part may be missing)."""
    parts = []
    if isinstance(presenter, str) and presenter:
        parts.append(ui.person_name(team, presenter))
    if isinstance(day, dt.date):
        parts.append(day.strftime("%m-%d"))
    return " · ".join(parts)


def render() -> None:
    _ = ui.page_translator()
    catalog, digest = ui.start_page(_("Reading list"))
    team = catalog.team
    table = data.cached_papers_table(str(catalog.root), digest)
    if table.empty:
        st.info(
            _(
                "No papers yet. Pull the team's sheet with `tracker sync --apply` (or the sync "
                "button in the sidebar), or add one with `tracker add 1810.04805`."
            )
        )
        return

    topics = sorted({t for values in table["topics"] for t in values})
    members = [m.handle for m in team.members]
    readers = sorted(
        {r for column in ("readers", "read_by") for values in table[column] for r in values}
        | set(members)
    )
    statuses = [s.value for s in STATUS_ORDER]
    status_text = status_labels(_)

    search = st.text_input(
        _("Search"),
        key="search",
        placeholder=_("title, author, alias, topic or summary — e.g. 어텐션, BERT"),
    )
    left, middle, right = st.columns(3)
    chosen_topics = left.multiselect(_("Topic"), topics, key="topics", placeholder=_("any"))
    chosen_statuses = middle.multiselect(
        _("Status"),
        statuses,
        key="statuses",
        format_func=lambda s: status_text.get(s, s),
        placeholder=_("any"),
    )
    chosen_readers = right.multiselect(
        _("Reader"),
        readers,
        key="readers",
        format_func=lambda h: ui.person(team, h),
        placeholder=_("anyone"),
    )
    years = table["year"].dropna()
    year_range = None
    left, right = st.columns([3, 1])
    if len(years) and years.min() < years.max():
        low, high = int(years.min()), int(years.max())
        chosen = left.slider(_("Year"), low, high, (low, high), key="years")
        # The full range means "any year", which also keeps papers without a year.
        year_range = None if chosen == (low, high) else chosen
    sorts = sort_labels(_)
    sort = right.selectbox(
        _("Sort by"), list(data.SORTS), key="sort", format_func=lambda s: sorts.get(s, s)
    )

    shown = data.filter_papers(
        table,
        data.PaperFilters(
            topics=chosen_topics,
            statuses=chosen_statuses,
            readers=chosen_readers,
            years=year_range,
            text=search,
        ),
        sort=sort,
    )
    # A note's paper link opens this page with ?paper=<id>: show that paper alone.
    wanted = st.query_params.get("paper")
    if wanted and (table["id"] == wanted).any():
        shown = table[table["id"] == wanted]
        st.info(
            _(
                "Paper linked from a note: {title} ({paper})",
                title=shown.iloc[0]["title"],
                paper=wanted,
            )
        )
        if st.button(_("Show every paper"), key="all_papers"):
            del st.query_params["paper"]
            st.rerun()
    st.caption(_("Showing {shown} of {total} papers", shown=len(shown), total=len(table)))
    if shown.empty:
        st.info(_("No paper matches these filters."))
        return
    shown = shown.drop(columns=["search"])
    shown["status"] = shown["status"].map(lambda s: status_text.get(s, s))
    # Tags as one short line of text: chips of a list column spill past a narrow cell.
    shown["topics"] = shown["topics"].map(lambda values: " · ".join(values))
    shown["people"] = [
        people_cell(team, r, b) for r, b in zip(shown["readers"], shown["read_by"], strict=True)
    ]
    shown["presenting"] = [
        presenting_cell(team, p, d)
        for p, d in zip(shown["presenter"], shown["presented_on"], strict=True)
    ]
    # Empty cells, never the text "None" (a link column draws a missing value as "None").
    for column in ("link", "slides"):
        shown[column] = shown[column].map(lambda v: v if isinstance(v, str) else "")
    # Widths add up to ~900 px: the main column at 1400 px with the sidebar open is ~940 px, so
    # readers and presenter stay on screen without a horizontal scrollbar.
    st.dataframe(
        shown,
        hide_index=True,
        column_order=SHOWN_COLUMNS,
        column_config={
            "title": st.column_config.TextColumn(_("title"), width=290),
            "year": st.column_config.NumberColumn(_("year"), format="%d", width=52),
            "status": st.column_config.TextColumn(_("status"), width=72),
            "topics": st.column_config.TextColumn(_("topics"), width=150),
            "people": st.column_config.TextColumn(_("readers (✓ done)"), width=130),
            "presenting": st.column_config.TextColumn(_("presenter"), width=96),
            "link": st.column_config.LinkColumn(_("link"), display_text=_("open ↗"), width=56),
            "slides": st.column_config.LinkColumn(
                _("slides"), display_text=_("slides ↗"), width=56
            ),
        },
    )


if __name__ == "__main__":
    render()
