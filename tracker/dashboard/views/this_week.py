"""Page "This week": the next meeting's presentations, open action items and new papers."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tracker.dashboard import data, ui
from tracker.i18n import Translator


def weekday_name(weekday: int, _: Translator) -> str:
    names = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday")]
    return (names + [_("Saturday"), _("Sunday")])[weekday]


def render() -> None:
    _ = ui.page_translator()
    catalog, _digest = ui.start_page(_("This week"))
    team = catalog.team
    try:
        from tracker.agenda import build_agenda
    except ImportError:
        st.info(_("Meeting prep (`tracker.agenda`) is not installed in this checkout yet."))
        return
    agenda = build_agenda(catalog, today=data.today())
    schedule = team.schedule
    where = f" · {schedule.location}" if schedule.location else ""
    st.subheader(
        _(
            "Next meeting: {date} ({weekday})",
            date=agenda.date.isoformat(),
            weekday=weekday_name(agenda.date.weekday(), _),
        )
    )
    st.caption(f"{schedule.time.strftime('%H:%M')} {schedule.timezone}{where}")

    st.markdown("#### " + _("Presentations"))
    if agenda.presentations:
        rows = []
        for item in agenda.presentations:
            paper = catalog.paper(item["paper_id"])
            rows.append(
                {
                    "title": item.get("title") or item["paper_id"],
                    "presenter": ui.person(team, item.get("presenter")) or "—",
                    "slides": item.get("slides") or "",
                    "link": paper.link if paper else None,
                    "id": item["paper_id"],
                }
            )
        st.dataframe(
            pd.DataFrame(rows),
            hide_index=True,
            column_order=["title", "presenter", "slides", "link"],
            column_config={
                "title": st.column_config.TextColumn(_("paper"), width="large"),
                "presenter": st.column_config.TextColumn(_("presenter")),
                "slides": st.column_config.LinkColumn(_("slides"), display_text=_("slides ↗")),
                "link": st.column_config.LinkColumn(_("link"), display_text=_("open ↗")),
            },
        )
        missing = [r["title"] for r in rows if not r["slides"]]
        if missing:
            st.warning(
                _(
                    "No slides link yet for: {papers} (set `slides:` in the paper).",
                    papers=", ".join(missing),
                )
            )
    else:
        st.info(
            _(
                "Nobody is down to present on {date} yet: set `presenter` and `presented_on` in "
                "papers/<id>.md (or the sheet's 발표자 / 발표일 columns).",
                date=agenda.date.isoformat(),
            )
        )

    st.markdown("#### " + _("Carried-over action items"))
    if agenda.open_items:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "item": item.text,
                        "owner": ui.person(team, item.owner) or "—",
                        "since": f"{item.meeting_date.isoformat()} {item.meeting_title}".strip(),
                        "weeks_open": item.weeks_open,
                    }
                    for item in agenda.open_items
                ]
            ),
            hide_index=True,
            column_config={
                "item": st.column_config.TextColumn(_("item"), width="large"),
                "owner": st.column_config.TextColumn(_("owner")),
                "since": st.column_config.TextColumn(_("since")),
                "weeks_open": st.column_config.NumberColumn(_("weeks open"), format="%d"),
            },
        )
    else:
        st.success(_("No open action items from earlier meetings."))

    st.markdown("#### " + _("New since the last meeting"))
    if agenda.new_papers:
        for paper_id in agenda.new_papers:
            paper = catalog.paper(paper_id)
            title = paper.title if paper else paper_id
            link = paper.link if paper else None
            st.markdown(f"- [{title}]({link})" if link else f"- {title}")
    else:
        st.caption(_("No papers were added since the last meeting."))

    behind = [p for p in agenda.progress if p.behind]
    if behind:
        st.markdown("#### " + _("Behind on reading"))
        st.markdown(
            "\n".join(
                "- "
                + _(
                    "{person}: {count} behind pace",
                    person=ui.person(team, p.handle),
                    count=p.behind_by,
                )
                for p in behind
            )
        )
    changed = getattr(agenda, "changed_results", None)
    if changed:
        from tracker.result_text import describe_changes

        lines = describe_changes(catalog, changed, _, agenda.last_meeting)
        st.markdown("#### " + _("Reproduction results that changed"))
        st.markdown("\n".join(f"- {line}" for line in lines))

    rota = getattr(agenda, "rota", None)
    if rota:
        st.markdown("#### " + _("Coming weeks (presenter rota)"))
        states = {"proposed": _("proposed"), "skipped": _("no meeting"), "kept": _("planned")}
        rows = []
        for row in rota:
            if row["skipped"]:
                rows.append(
                    {
                        "date": row["date"],
                        "presenter": "—",
                        "paper": _("no meeting: {reason}", reason=row["skipped"]),
                        "status": "skipped",
                    }
                )
                continue
            for talk in row["talks"]:
                rows.append(
                    {
                        "date": row["date"],
                        "presenter": talk["presenter"],
                        "paper": talk["title"],
                        "status": "proposed" if talk["origin"] == "new" else talk["origin"],
                    }
                )
        frame = pd.DataFrame(rows, columns=["date", "presenter", "paper", "status"])
        frame["state"] = [states.get(s, s) for s in frame["status"]]
        frame["who"] = [ui.person(team, h) if h != "—" else h for h in frame["presenter"]]
        st.dataframe(
            frame,
            hide_index=True,
            key="rota",
            column_order=["date", "who", "paper", "state"],
            column_config={
                "date": st.column_config.DateColumn(_("date")),
                "who": st.column_config.TextColumn(_("presenter")),
                "paper": st.column_config.TextColumn(_("paper"), width="large"),
                "state": st.column_config.TextColumn(_("state")),
            },
        )
        if any(r["status"] == "proposed" for r in rows):
            st.caption(_("Proposed slots become the plan with `tracker schedule --apply`."))


if __name__ == "__main__":
    render()
