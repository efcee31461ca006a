"""Lab page "위치 인코딩": the sinusoidal table, and PE_{pos+k} = R_k · PE_pos checked live in the
paper's interleaved layout and in Marian's halves."""

from __future__ import annotations

import numpy as np
import streamlit as st

from tracker.dashboard import lab_ui
from tracker.lab import label

TOLERANCE = 1e-12


def render() -> None:
    lab_ui.start_lab_page("positions_title")
    from tracker.lab import positions

    st.markdown(label("positions_intro"))
    left, middle, right = st.columns(3)
    k = middle.slider(label("positions_k"), 0, 100, 5, key="lab_k")
    dim = left.select_slider(label("positions_dim"), [16, 32, 64, 128, 256, 512], 64, key="lab_dim")
    layouts = list(positions.LAYOUTS)
    layout = right.radio(
        label("positions_layout"),
        layouts,
        format_func=lambda x: label("layout_" + x),
        key="lab_layout",
    )
    n_positions = 100
    check = positions.check_rotation(k, dim, layout, n_positions)
    table = positions.position_table(n_positions, dim, layout)
    verdict = label("holds") if check.holds(TOLERANCE) else label("fails")
    (st.success if check.holds(TOLERANCE) else st.error)(
        label("positions_check", diff=check.max_abs_diff, verdict=verdict)
    )
    lab_ui.show_figure("positions_figure", table, check.per_position, k, layout)

    st.subheader("R_k")
    st.caption(label("positions_other_layout"))
    other = layouts[1 - layouts.index(layout)]
    mixed = np.abs(
        table[: n_positions - k] @ positions.rotation(k, dim, other).T - table[k:n_positions]
    ).max()
    st.dataframe(
        [
            {
                label("positions_layout"): label("layout_" + layout) + " · R_k (" + layout + ")",
                "max |diff|": f"{check.max_abs_diff:.2e}",
            },
            {
                label("positions_layout"): label("layout_" + layout) + " · R_k (" + other + ")",
                "max |diff|": f"{mixed:.2e}",
            },
        ],
        hide_index=True,
    )


if __name__ == "__main__":
    render()
