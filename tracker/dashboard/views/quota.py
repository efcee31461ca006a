"""Page "Quota": each member's progress toward the reading quota, who is behind, and why the
assignment gave them their papers."""

from __future__ import annotations

import streamlit as st

from tracker.dashboard import data, ui


def render() -> None:
    _ = ui.page_translator()
    catalog, digest = ui.start_page(_("Quota"))
    team = catalog.team
    if not team.members:
        st.info(
            _(
                "No members yet: list them under `members:` in papers/team.yaml "
                "(handle, name, interests), then run `tracker assign`."
            )
        )
        return
    try:
        table = data.cached_progress_table(str(catalog.root), digest, data.today())
    except ImportError:
        st.info(_("Quota progress (`tracker.progress`) is not installed in this checkout yet."))
        return
    quota = int(table["quota"].max()) if len(table) else team.quota
    if team.deadline:
        st.caption(
            _(
                "Each member reads and summarises {quota} papers by {deadline}.",
                quota=team.quota,
                deadline=team.deadline.isoformat(),
            )
        )
    else:
        st.caption(_("Each member reads and summarises {quota} papers.", quota=team.quota))

    behind = table[table["behind"]]
    if behind.empty:
        st.success(_("Everyone is on pace."))
    else:
        st.warning(
            _("Behind pace:")
            + " "
            + ", ".join(
                _(
                    "{person}, {count} behind",
                    person=ui.person(team, r.handle),
                    count=r.behind_by,
                )
                for r in behind.itertuples()
            )
        )

    table = table.copy()
    table["member"] = [ui.person(team, h) for h in table["handle"]]
    table["state"] = [
        _("{count} behind", count=n) if b else _("on pace")
        for b, n in zip(table["behind"], table["behind_by"], strict=True)
    ]
    progress = st.column_config.ProgressColumn
    st.dataframe(
        table,
        hide_index=True,
        column_order=[
            "member",
            "assigned",
            "read",
            "summarised",
            "presented",
            "expected_by_now",
            "state",
        ],  # fmt: skip
        column_config={
            "member": st.column_config.TextColumn(_("member")),
            "assigned": progress(_("assigned"), min_value=0, max_value=quota, format="%d"),
            "read": progress(_("read"), min_value=0, max_value=quota, format="%d"),
            "summarised": progress(_("summarised"), min_value=0, max_value=quota, format="%d"),
            "presented": st.column_config.NumberColumn(_("presented"), format="%d"),
            "expected_by_now": st.column_config.NumberColumn(_("expected by now"), format="%d"),
            "state": st.column_config.TextColumn(_("state")),
        },
    )
    chart = table.set_index("member")[["assigned", "read", "summarised"]].rename(
        columns={"assigned": _("assigned"), "read": _("read"), "summarised": _("summarised")}
    )
    st.bar_chart(chart, stack=False, horizontal=True, height=max(240, 28 * len(table)))

    st.markdown("#### " + _("Why these papers?"))
    handle = st.selectbox(
        _("Explain the assignment for"),
        [m.handle for m in team.members],
        index=None,
        placeholder=_("choose a member"),
        format_func=lambda h: ui.person(team, h),
        key="explain_member",
    )
    if handle is None:
        st.caption(_("The assignment is solved when you choose a member."))
        return
    try:
        with st.spinner(_("Solving the reading assignment…")):
            view = data.cached_assignment(str(catalog.root), digest)
    except ImportError:
        st.info(_("The assignment (`tracker.assign`) is not installed in this checkout yet."))
        return
    if not view.feasible:
        st.error(
            _("The quota cannot be met as configured:")
            + "\n\n"
            + "\n".join(f"- {r}" for r in view.reasons)
        )
    lines = view.explanations.get(handle)
    if not lines:
        st.info(
            _(
                "{person} is not part of the assignment (inactive, or nothing to assign).",
                person=ui.person(team, handle),
            )
        )
        return
    st.code("\n".join(lines), language=None)


if __name__ == "__main__":
    render()
