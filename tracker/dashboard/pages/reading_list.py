"""Page "Reading list": every paper, with filters, Korean-aware text search and link columns."""

from __future__ import annotations

import streamlit as st

from tracker.dashboard import data, ui
from tracker.models import STATUS_ORDER

SHOWN_COLUMNS = [
    "title", "year", "status", "topics", "readers", "read_by", "presenter", "presented_on",
    "link", "slides", "id", "added_on",
]  # fmt: skip


def render() -> None:
    catalog, digest = ui.start_page("Reading list")
    table = data.cached_papers_table(str(catalog.root), digest)
    if table.empty:
        st.info(
            "No papers yet. Pull the team's sheet with `tracker sync --apply` (or the sync button "
            "in the sidebar), or add one with `tracker add 1810.04805`."
        )
        return

    topics = sorted({t for values in table["topics"] for t in values})
    members = [m.handle for m in catalog.team.members]
    readers = sorted(
        {r for column in ("readers", "read_by") for values in table[column] for r in values}
        | set(members)
    )
    names = {m.handle: f"{m.name} (@{m.handle})" for m in catalog.team.members}
    statuses = [s.value for s in STATUS_ORDER]

    search = st.text_input(
        "Search",
        key="search",
        placeholder="title, author, alias, topic or summary — e.g. 어텐션, BERT",
    )
    left, middle, right = st.columns(3)
    chosen_topics = left.multiselect("Topic", topics, key="topics")
    chosen_statuses = middle.multiselect("Status", statuses, key="statuses")
    chosen_readers = right.multiselect(
        "Reader", readers, key="readers", format_func=lambda h: names.get(h, h)
    )
    years = table["year"].dropna()
    year_range = None
    left, right = st.columns([3, 1])
    if len(years) and years.min() < years.max():
        low, high = int(years.min()), int(years.max())
        chosen = left.slider("Year", low, high, (low, high), key="years")
        # The full range means "any year", which also keeps papers without a year.
        year_range = None if chosen == (low, high) else chosen
    sort = right.selectbox("Sort by", list(data.SORTS), key="sort")

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
        st.info(f"Paper linked from a note: {shown.iloc[0]['title']} ({wanted})")
        if st.button("Show every paper", key="all_papers"):
            del st.query_params["paper"]
            st.rerun()
    st.caption(f"Showing {len(shown)} of {len(table)} papers")
    if shown.empty:
        st.info("No paper matches these filters.")
        return
    st.dataframe(
        shown[SHOWN_COLUMNS],
        hide_index=True,
        column_config={
            "title": st.column_config.TextColumn("title", width="large"),
            "year": st.column_config.NumberColumn("year", format="%d"),
            "topics": st.column_config.ListColumn("topics"),
            "readers": st.column_config.ListColumn("readers"),
            "read_by": st.column_config.ListColumn("read by"),
            "presented_on": st.column_config.DateColumn("presented"),
            "link": st.column_config.LinkColumn("paper", display_text="paper ↗"),
            "slides": st.column_config.LinkColumn("slides", display_text="slides ↗"),
            "added_on": st.column_config.DateColumn("added"),
        },
    )


if __name__ == "__main__":
    render()
