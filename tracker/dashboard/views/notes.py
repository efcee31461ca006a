"""Page "Notes": browse meeting notes by date and tag, rendered with math; raw HTML sanitised."""

from __future__ import annotations

import streamlit as st

from tracker.dashboard import data, ui


def render() -> None:
    _ = ui.page_translator()
    catalog, _digest = ui.start_page(_("Notes"))
    if not catalog.meetings:
        st.info(
            _(
                "No meeting notes yet. Import the team's notes with `tracker notes import "
                "FILE...` (they land in docs/meetings/posts/), or draft the next one with "
                "`tracker agenda`."
            )
        )
        return
    left, right = st.columns([2, 1])
    tags = left.multiselect(
        _("Tags"), data.meeting_tags(catalog), key="note_tags", placeholder=_("any")
    )
    drafts = right.toggle(_("Show drafts"), value=False, key="note_drafts")
    meetings = [
        m
        for m in reversed(catalog.meetings)  # newest first
        if (drafts or not m.draft) and (not tags or set(tags) & set(m.tags))
    ]
    if not meetings:
        st.info(_("No note has these tags."))
        return
    chosen = st.selectbox(
        _("Meeting"),
        range(len(meetings)),
        format_func=lambda i: (
            f"{meetings[i].date.isoformat()} · {meetings[i].title}"
            + (" " + _("(draft)") if meetings[i].draft else "")
        ),
        key="note_choice",
    )
    meeting = meetings[chosen or 0]
    st.caption(
        " · ".join(
            part
            for part in (
                meeting.date.isoformat(),
                ", ".join(f"#{t}" for t in meeting.tags),
                ", ".join(ui.person(catalog.team, a) for a in meeting.authors),
            )
            if part
        )
    )
    with st.container(border=True):
        # Only the sanitised text is rendered with HTML enabled (see ui.safe_note_markdown).
        # Paper links point at the dashboard's paper view: the site's relative .md paths mean
        # nothing inside Streamlit.
        body = data.note_paper_links(meeting.body)
        st.markdown(ui.safe_note_markdown(body), unsafe_allow_html=True)


if __name__ == "__main__":
    render()
