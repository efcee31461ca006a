"""Lab page "디코딩": greedy beside beam search on a tiny Transformer, the beam drawn as a tree."""

from __future__ import annotations

import streamlit as st

from tracker.dashboard import lab_ui
from tracker.lab import label, one_thread


def render() -> None:
    lab_ui.start_lab_page("decoding_title")
    from tracker.lab import decoding

    st.info(label("decoding_intro"), icon=":material/info:")
    model = lab_ui.toy_transformer()
    left, right = st.columns([2, 1])
    text = left.text_input(label("decoding_source"), value=decoding.DEFAULT_SOURCE, key="lab_src")
    beam = right.slider(label("decoding_beam"), 1, 5, 3, key="lab_beam")
    try:
        source = decoding.encode_source(text)
    except KeyError as exc:
        st.error(label("decoding_bad_input", tokens=exc.args[0]))
        return
    with one_thread():
        greedy_tokens, greedy_logp = decoding.greedy(model, source)
        trace = decoding.traced_beam_search(model, source, beam)
    greedy_len = len(greedy_tokens) + 1  # the EOS counts as a generated token
    st.dataframe(
        [
            {
                "": label("decoding_greedy"),
                "output": " ".join(greedy_tokens),
                "log p": round(greedy_logp, 3),
                label("decoding_score"): round(greedy_logp / greedy_len, 3),
            },
            {
                "": label("decoding_beam_result", beam=beam),
                "output": " ".join(trace.best),
                "log p": round(trace.best_logp, 3),
                label("decoding_score"): round(trace.best_score, 3),
            },
        ],
        hide_index=True,
    )
    st.subheader(label("decoding_tree"))
    path = decoding.best_path(trace)
    lab_ui.show_figure("beam_tree_figure", trace, path, greedy_tokens)
    st.caption(label("decoding_legend"))


if __name__ == "__main__":
    render()
