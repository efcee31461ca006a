"""Page "Quota": each member's progress toward the reading quota, who is behind, and why the
assignment gave them their papers."""

from __future__ import annotations

import streamlit as st

from tracker.dashboard import data, ui


def render() -> None:
    catalog, digest = ui.start_page("Quota")
    team = catalog.team
    if not team.members:
        st.info(
            "No members yet: list them under `members:` in papers/team.yaml "
            "(handle, name, interests), then run `tracker assign`."
        )
        return
    try:
        table = data.cached_progress_table(str(catalog.root), digest, data.today())
    except ImportError:
        st.info("Quota progress (`tracker.progress`) is not installed in this checkout yet.")
        return
    quota = int(table["quota"].max()) if len(table) else team.quota
    st.caption(
        f"Each member reads and summarises {team.quota} papers"
        + (f" by {team.deadline.isoformat()}" if team.deadline else "")
        + "."
    )

    behind = table[table["behind"]]
    if behind.empty:
        st.success("Everyone is on pace.")
    else:
        st.warning(
            "Behind pace: "
            + ", ".join(
                f"{r.name} (@{r.handle}, {r.behind_by} behind)" for r in behind.itertuples()
            )
        )

    progress = st.column_config.ProgressColumn
    st.dataframe(
        table[
            [
                "name",
                "handle",
                "assigned",
                "read",
                "summarised",
                "presented",
                "expected_by_now",
                "behind",
            ]
        ],
        hide_index=True,
        column_config={
            "assigned": progress("assigned", min_value=0, max_value=quota, format="%d"),
            "read": progress("read", min_value=0, max_value=quota, format="%d"),
            "summarised": progress("summarised", min_value=0, max_value=quota, format="%d"),
            "expected_by_now": st.column_config.NumberColumn("expected by now", format="%d"),
            "behind": st.column_config.CheckboxColumn("behind"),
        },
    )
    chart = table.set_index("name")[["assigned", "read", "summarised"]]
    st.bar_chart(chart, stack=False, horizontal=True, height=max(240, 28 * len(table)))

    st.markdown("#### Why these papers?")
    handle = st.selectbox(
        "Explain the assignment for",
        [m.handle for m in team.members],
        index=None,
        placeholder="choose a member",
        format_func=lambda h: f"{team.member(h).name} (@{h})",
        key="explain_member",
    )
    if handle is None:
        st.caption("The assignment is solved when you choose a member.")
        return
    try:
        view = data.cached_assignment(str(catalog.root), digest)
    except ImportError:
        st.info("The assignment (`tracker.assign`) is not installed in this checkout yet.")
        return
    if not view.feasible:
        st.error(
            "The quota cannot be met as configured:\n\n" + "\n".join(f"- {r}" for r in view.reasons)
        )
    lines = view.explanations.get(handle)
    if not lines:
        st.info(f"@{handle} is not part of the assignment (inactive, or nothing to assign).")
        return
    st.code("\n".join(lines), language=None)


if __name__ == "__main__":
    render()
