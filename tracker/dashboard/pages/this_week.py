"""Page "This week": the next meeting's presentations, open action items and new papers."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tracker.dashboard import data, ui

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def render() -> None:
    catalog, _ = ui.start_page("This week")
    try:
        from tracker.agenda import build_agenda
    except ImportError:
        st.info("Meeting prep (`tracker.agenda`) is not installed in this checkout yet.")
        return
    agenda = build_agenda(catalog, today=data.today())
    schedule = catalog.team.schedule
    where = f" · {schedule.location}" if schedule.location else ""
    st.subheader(f"Next meeting: {agenda.date.isoformat()} ({WEEKDAYS[agenda.date.weekday()]})")
    st.caption(f"{schedule.time.strftime('%H:%M')} {schedule.timezone}{where}")

    st.markdown("#### Presentations")
    if agenda.presentations:
        names = {m.handle: m.name for m in catalog.team.members}
        rows = []
        for item in agenda.presentations:
            paper = catalog.paper(item["paper_id"])
            presenter = item.get("presenter")
            rows.append(
                {
                    "paper": item.get("title") or item["paper_id"],
                    "id": item["paper_id"],
                    "presenter": f"{names.get(presenter, presenter)} (@{presenter})"
                    if presenter
                    else "—",
                    "slides": item.get("slides"),
                    "link": paper.link if paper else None,
                }
            )
        st.dataframe(
            pd.DataFrame(rows),
            hide_index=True,
            column_config={
                "slides": st.column_config.LinkColumn("slides", display_text="slides ↗"),
                "link": st.column_config.LinkColumn("paper", display_text="paper ↗"),
            },
        )
        missing = [r["id"] for r in rows if not r["slides"]]
        if missing:
            st.warning(
                f"No slides link yet for: {', '.join(missing)} (set `slides:` in the paper)."
            )
    else:
        st.info(
            f"Nobody is down to present on {agenda.date.isoformat()} yet: set `presenter` and "
            "`presented_on` in papers/<id>.md (or the sheet's 발표자 / 발표일 columns)."
        )

    st.markdown("#### Carried-over action items")
    if agenda.open_items:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "item": item.text,
                        "owner": item.owner or "—",
                        "since": item.meeting_date,
                        "weeks open": item.weeks_open,
                        "note": item.source_path,
                    }
                    for item in agenda.open_items
                ]
            ),
            hide_index=True,
        )
    else:
        st.success("No open action items from earlier meetings.")

    st.markdown("#### New since the last meeting")
    if agenda.new_papers:
        for paper_id in agenda.new_papers:
            paper = catalog.paper(paper_id)
            title = paper.title if paper else paper_id
            link = paper.link if paper else None
            st.markdown(f"- [{title}]({link}) `{paper_id}`" if link else f"- {title} `{paper_id}`")
    else:
        st.caption("No papers were added since the last meeting.")

    behind = [p for p in agenda.progress if p.behind]
    if behind:
        st.markdown("#### Behind on reading")
        st.markdown(
            "\n".join(f"- {p.name} (@{p.handle}): {p.behind_by} behind pace" for p in behind)
        )
    changed = getattr(agenda, "changed_results", None)
    if changed:
        st.markdown("#### Reproduction results that changed")
        st.dataframe(pd.DataFrame(changed), hide_index=True)

    rota = getattr(agenda, "rota", None)
    if rota:
        st.markdown("#### Coming weeks (presenter rota)")
        rows = []
        for row in rota:
            if row["skipped"]:
                rows.append(
                    {
                        "date": row["date"],
                        "presenter": "—",
                        "paper": f"쉼: {row['skipped']}",
                        "status": "skipped",
                    }
                )
                continue
            for talk in row["talks"]:
                rows.append(
                    {
                        "date": row["date"],
                        "presenter": talk["presenter"],
                        "paper": f"{talk['title']} ({talk['paper']})",
                        "status": "proposed" if talk["origin"] == "new" else talk["origin"],
                    }
                )
        st.dataframe(pd.DataFrame(rows), hide_index=True, key="rota")
        if any(r["status"] == "proposed" for r in rows):
            st.caption("Proposed slots become the plan with `tracker schedule --apply`.")


if __name__ == "__main__":
    render()
