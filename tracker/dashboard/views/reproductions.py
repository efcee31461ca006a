"""Page "Reproductions": our numbers beside the paper's first, then the parity against the
reference folded into one line (the per-dtype and per-check tables open on request), training
curves, and the command that reproduces each number."""

from __future__ import annotations

import streamlit as st

from tracker import claims
from tracker.catalog import ReproResult
from tracker.dashboard import data, ui
from tracker.i18n import Translator


def when(stamp: str | None, _: Translator) -> str:
    """A run's start as a reader says it: "2025-07-02 09:30", not an ISO timestamp."""
    if not stamp:
        return _("unknown time")
    text = str(stamp).replace("T", " ")
    return text[:16]


def show_parity(result: ReproResult, _: Translator) -> None:
    started = when(result.started_at, _)
    total = len(result.checks)
    if result.passed:
        st.success(_("Parity: all {total} checks passed (run {when})", total=total, when=started))
    else:
        failed = sum(1 for c in result.checks if not c.get("passed"))
        st.error(
            _(
                "Parity: {failed} of {total} checks failed (run {when})",
                failed=failed,
                total=total,
                when=started,
            )
        )
    with st.expander(_("Parity by dtype and all {total} checks", total=total)):
        st.dataframe(
            data.parity_by_dtype(result),
            hide_index=True,
            column_config={
                "dtype": st.column_config.TextColumn("dtype"),
                "checks": st.column_config.NumberColumn(_("checks"), format="%d"),
                "max_abs_diff": st.column_config.NumberColumn(_("max abs diff"), format="%.2e"),
                "passed": st.column_config.CheckboxColumn(_("passed")),
            },
        )
        st.dataframe(
            result.checks,
            hide_index=True,
            column_config={
                "name": st.column_config.TextColumn(_("check")),
                "max_abs_diff": st.column_config.NumberColumn(_("max abs diff"), format="%.2e"),
                "tol": st.column_config.NumberColumn(_("tolerance"), format="%.0e"),
                "passed": st.column_config.CheckboxColumn(_("passed")),
            },
        )
        command = (result.data.get("provenance") or {}).get("command")
        if command:
            st.code(command, language="bash")


def show_claims(result: ReproResult, _: Translator) -> None:
    """The paper's claims as this run decided them (a table), and constant-answer heads."""
    rows = claims.claims_records([result])
    if rows:
        held = sum(r["reproduced"] for r in rows)
        st.markdown(_("Claims reproduced: **{held} of {total}**", held=held, total=len(rows)))
        # Widths that fit the 1400 px meeting screen; a cell's full text shows on hover.
        st.dataframe(
            [{k: v for k, v in r.items() if k != "run"} for r in rows],
            hide_index=True,
            column_config={
                "claim": st.column_config.TextColumn(_("claim"), width=300),
                "paper": st.column_config.TextColumn(_("paper's number"), width=100),
                "ours": st.column_config.TextColumn(_("our result"), width=220),
                "test": st.column_config.TextColumn(_("test"), width=150),
                "reproduced": st.column_config.CheckboxColumn(_("reproduced"), width=70),
            },
        )
    heads = claims.constant_heads(result)
    if heads:
        st.warning(
            _(
                "Constant head (one class for more than 90% of examples): {heads}. Its accuracy "
                "is the class share, not a learned decision.",
                heads=", ".join(heads),
            )
        )


def show_overview(results: list[ReproResult], _: Translator) -> None:
    ov = claims.overview(results)
    if ov.total:
        st.metric(_("Claims reproduced at CPU scale"), f"{ov.held} / {ov.total}")


def show_run(result: ReproResult, _: Translator) -> None:
    from tracker.result_text import format_metric, metric_label

    provenance = result.data.get("provenance") or {}
    st.markdown(
        "**" + _("Run {run}", run=result.run) + f"** · {when(provenance.get('started_at'), _)}"
    )
    show_claims(result, _)
    metrics = data.metrics_vs_paper(result)
    if not metrics.empty:
        metrics["label"] = [metric_label(m, _) for m in metrics["metric"]]
        for column in ("ours", "paper"):
            metrics[f"{column}_text"] = [
                "" if value is None or value != value else format_metric(m, value)
                for m, value in zip(metrics["metric"], metrics[column], strict=True)
            ]
        st.dataframe(
            metrics,
            hide_index=True,
            # ~900 px in all: the main column at 1400 px holds it without a scrollbar.
            column_order=["label", "ours_text", "paper_text", "note"],
            column_config={
                "label": st.column_config.TextColumn(_("metric"), width=260),
                "ours_text": st.column_config.TextColumn(_("ours"), width=100),
                "paper_text": st.column_config.TextColumn(_("paper reports"), width=100),
                "note": st.column_config.TextColumn(_("note"), width=440),
            },
        )
    curves = data.curves_frame(result)
    if not curves.empty:
        st.line_chart(curves, x_label=_("step"))
    command = provenance.get("command")
    if command:
        st.caption(_("Reproduce these numbers with:"))
        st.code(command, language="bash")


def render() -> None:
    _ = ui.page_translator()
    catalog, _digest = ui.start_page(_("Reproductions"))
    views = data.reproduction_views(catalog)
    how_to = _(
        "Record the parity suite with `tracker repro check NAME` and a baseline run with "
        "`tracker repro train NAME`; their results land in `reproductions/NAME/results/`."
    )
    if not views:
        st.info(_("No reproductions yet.") + " " + how_to)
        return
    show_overview(catalog.results, _)
    for view in views:
        paper = catalog.paper(view.paper_id) if view.paper_id else None
        heading = (paper.aliases[0] if paper and paper.aliases else None) or view.name
        st.header(heading, divider="gray")
        if view.paper_title:
            st.caption(view.paper_title)
        if view.parity is None and not view.runs:
            st.info(
                _(
                    "No results for {name} yet: run `tracker repro check {name}` (parity) or "
                    "`tracker repro train {name}` (baseline).",
                    name=view.name,
                )
            )
        # Results first: what the meeting asks is "does it reproduce?"; parity is the footnote.
        for run in view.runs:
            show_run(run, _)
        if view.parity is not None:
            show_parity(view.parity, _)
        for image in view.images:
            st.image(str(image), caption=image.name)


if __name__ == "__main__":
    render()
