"""Page "Reproductions": parity against the reference, our numbers beside the paper's, training
curves, and the command that reproduces each number."""

from __future__ import annotations

import streamlit as st

from tracker import claims
from tracker.catalog import ReproResult
from tracker.dashboard import data, ui

HOW_TO = (
    "Record the parity suite with `tracker repro check NAME` and a baseline run with "
    "`tracker repro train NAME`; their results land in `reproductions/NAME/results/`."
)


def show_parity(result: ReproResult) -> None:
    when = result.started_at or "unknown time"
    if result.passed:
        st.success(f"Parity: all {len(result.checks)} checks passed (run {when})")
    else:
        failed = sum(1 for c in result.checks if not c.get("passed"))
        st.error(f"Parity: {failed} of {len(result.checks)} checks failed (run {when})")
    st.dataframe(
        data.parity_by_dtype(result),
        hide_index=True,
        column_config={
            "max_abs_diff": st.column_config.NumberColumn("max abs diff", format="%.2e")
        },
    )
    with st.expander(f"All {len(result.checks)} checks"):
        st.dataframe(
            result.checks,
            hide_index=True,
            column_config={
                "max_abs_diff": st.column_config.NumberColumn("max abs diff", format="%.2e"),
                "tol": st.column_config.NumberColumn("tolerance", format="%.0e"),
            },
        )
    command = (result.data.get("provenance") or {}).get("command")
    if command:
        st.code(command, language="bash")


def show_claims(result: ReproResult) -> None:
    """The paper's claims as this run decided them (a table), and constant-answer heads."""
    rows = claims.claims_records([result])
    if rows:
        held = sum(r["reproduced"] for r in rows)
        st.markdown(f"Claims reproduced: **{held} of {len(rows)}**")
        st.dataframe(
            rows,
            hide_index=True,
            column_config={"reproduced": st.column_config.CheckboxColumn("reproduced")},
        )
    heads = claims.constant_heads(result)
    if heads:
        st.warning(
            "Constant head (one class for more than 90% of examples): "
            + ", ".join(heads)
            + ". Its accuracy is the class share, not a learned decision."
        )


def show_overview(results: list[ReproResult]) -> None:
    ov = claims.overview(results)
    if ov.total:
        st.metric("Claims reproduced at CPU scale", f"{ov.held} of {ov.total}")


def show_run(result: ReproResult) -> None:
    provenance = result.data.get("provenance") or {}
    st.markdown(f"**Run `{result.run}`** · {provenance.get('started_at', 'unknown time')}")
    show_claims(result)
    metrics = data.metrics_vs_paper(result)
    if not metrics.empty:
        st.dataframe(metrics, hide_index=True)
    curves = data.curves_frame(result)
    if not curves.empty:
        st.line_chart(curves, x_label="step")
    command = provenance.get("command")
    if command:
        st.caption("Reproduce these numbers with:")
        st.code(command, language="bash")


def render() -> None:
    catalog, _ = ui.start_page("Reproductions")
    views = data.reproduction_views(catalog)
    if not views:
        st.info("No reproductions yet. " + HOW_TO)
        return
    show_overview(catalog.results)
    for view in views:
        st.header(view.name, divider="gray")
        if view.paper_title:
            st.caption(f"{view.paper_title} (`{view.paper_id}`)")
        if view.parity is None and not view.runs:
            st.info(
                f"No results for {view.name} yet: run `tracker repro check {view.name}` "
                f"(parity) or `tracker repro train {view.name}` (baseline)."
            )
        if view.parity is not None:
            show_parity(view.parity)
        for run in view.runs:
            show_run(run)
        for image in view.images:
            st.image(str(image), caption=image.name)


if __name__ == "__main__":
    render()
