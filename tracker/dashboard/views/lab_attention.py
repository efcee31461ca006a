"""Lab page "어텐션 헤드": a sentence through our BertModel with the real all-MiniLM-L6-v2 weights;
every layer × head map, one head in detail, what each head attends to, and the mass on [CLS]."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tracker.dashboard import lab_ui
from tracker.lab import label

DEFAULT_SENTENCE = "The cat sat on the mat because it was tired."
EXAMPLES = [DEFAULT_SENTENCE, "나는 어제 도서관에서 책을 읽었다.", "Attention is all you need."]


@st.cache_data(show_spinner=False, max_entries=32)
def attention_run(sentence: str):  # noqa: ANN201 - tracker.lab.attention.AttentionRun
    from tracker.lab import attention

    model, tokenizer = lab_ui.minilm()
    return attention.run_sentence(model, tokenizer, sentence)


def render() -> None:
    lab_ui.start_lab_page("attention_title")
    from tracker.lab import attention

    try:
        lab_ui.minilm()
    except Exception as exc:  # noqa: BLE001 - missing weights: one line with the fetch command
        st.error(label("missing_data", error=exc), icon=":material/error:")
        return
    choice = st.selectbox(label("attention_example"), EXAMPLES, key="lab_attention_example")
    sentence = st.text_input(label("attention_sentence"), value=choice, key="lab_sentence")
    if not sentence.strip():
        sentence = choice
    run = attention_run(sentence)
    st.markdown(label("attention_intro", layers=run.layers, heads=run.heads))
    st.caption(label("attention_tokens", tokens=" ".join(f"`{t}`" for t in run.tokens)))
    if any("\uac00" <= ch <= "\ud7a3" for ch in sentence):
        st.caption(label("attention_jamo"))

    st.subheader(label("attention_grid"))
    lab_ui.show_figure("attention_grid_figure", run.attentions)

    st.subheader(label("attention_head"))
    left, right = st.columns(2)
    layer = left.slider(label("attention_layer"), 0, run.layers - 1, 2, key="lab_layer")
    head = right.slider(label("attention_head_index"), 0, run.heads - 1, 0, key="lab_head")
    lab_ui.show_figure(
        "head_figure", run.attentions[layer, head], run.tokens, f"layer {layer}, head {head}"
    )

    st.subheader(label("attention_marks"))
    marks = attention.head_marks(run)
    masses = attention.mark_masses(run)
    table = pd.DataFrame(
        [
            [f"{label('mark_' + marks[i][h])} {masses[i, h].max():.0%}" for h in range(run.heads)]
            for i in range(run.layers)
        ],
        columns=[f"h{h}" for h in range(run.heads)],
    )
    table.index = [f"L{i}" for i in range(run.layers)]
    st.dataframe(table)

    st.subheader(label("attention_cls"))
    cls = attention.cls_mass_per_layer(run)
    lab_ui.show_figure("cls_mass_figure", cls)
    st.caption(label("attention_cls_caption"))
    st.dataframe(
        pd.DataFrame({"[CLS]": cls["cls"], "[SEP]": cls["sep"]}).rename_axis("layer"),
        column_config={
            "[CLS]": st.column_config.NumberColumn(format="%.3f"),
            "[SEP]": st.column_config.NumberColumn(format="%.3f"),
        },
    )


if __name__ == "__main__":
    render()
