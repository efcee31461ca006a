"""Lab page "깊이와 초기화": GPT-2 residual-stream std at init against depth, with and without the
1/sqrt(N) residual scaling, beside the training curves of the scaled-init ablation."""

from __future__ import annotations

import streamlit as st

from tracker.dashboard import data, lab_ui
from tracker.lab import label


def ablation_results() -> dict | None:
    """The GPT-2 train results with both init arms, read through the catalog."""
    catalog, _ = data.current_catalog()
    for result in catalog.results:
        curves = result.data.get("curves") or {}
        if result.reproduction == "gpt2" and any(k.endswith("(unscaled init)") for k in curves):
            return result.data
    return None


def render() -> None:
    lab_ui.start_lab_page("depth_title")
    from tracker.lab import depth

    st.markdown(label("depth_intro"))
    depths = st.multiselect(
        label("depth_layers"), list(depth.DEPTHS), default=list(depth.DEPTHS), key="lab_depths"
    )
    profiles = [lab_ui.depth_profile(n) for n in sorted(depths)]
    if profiles:
        lab_ui.show_figure("depth_figure", profiles)
        st.dataframe(
            [
                {
                    label("depth_layers"): p.n_layer,
                    label("depth_scaled"): round(p.scaled[-1], 4),
                    label("depth_unscaled"): round(p.unscaled[-1], 4),
                    "ratio": round(p.unscaled[-1] / p.scaled[-1], 2),
                }
                for p in profiles
            ],
            hide_index=True,
        )
        st.caption(
            f"width {depth.WIDTH}, heads {depth.HEADS}, {depth.BATCH}×{depth.TOKENS} random tokens, "
            "seed 0"
        )

    st.subheader(label("depth_ablation"))
    results = ablation_results()
    if results is None:
        st.info(label("depth_ablation_missing"))
        return
    lab_ui.show_figure("ablation_figure", depth.ablation_curves(results))
    command = (results.get("provenance") or {}).get("command")
    if command:
        st.code(command, language="bash")


if __name__ == "__main__":
    render()
