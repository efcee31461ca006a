"""Lab page "단어 벡터": neighbours, analogies a − b + c, a 2-D projection with the analogy's
arrows, skip-gram beside CBOW, and the TensorBoard Embedding Projector export."""

from __future__ import annotations

import importlib.util

import streamlit as st

from tracker.dashboard import lab_ui
from tracker.lab import label

ARCH_TITLES = {"sg": "skip-gram", "cbow": "CBOW"}


@st.cache_data(show_spinner=False)
def projector_files(arch: str) -> tuple[str, str]:
    from tracker.lab import vectors

    return vectors.projector_tsv(lab_ui.word_vectors(arch))


def words_of(text: str) -> list[str]:
    return [w.strip().lower() for w in text.replace(",", " ").split() if w.strip()]


def render() -> None:
    lab_ui.start_lab_page("vectors_title")
    from tracker.lab import vectors

    try:
        models = {arch: lab_ui.word_vectors(arch) for arch in vectors.ARCHS}
        record = vectors.load_provenance()
    except FileNotFoundError as exc:
        st.error(label("missing_data", error=exc), icon=":material/error:")
        return
    st.markdown(
        label(
            "vectors_intro",
            corpus="Brown",
            words=record["corpus_words"],
            vocab=len(models["sg"].words),
        )
    )
    st.caption(f"`{record['command']}` · commit `{record['git_commit'][:10]}`")

    st.subheader(label("vectors_neighbours"))
    word = st.text_input(label("vectors_word"), value="france", key="lab_word").strip().lower()
    topn = st.slider("top-k", 3, 20, 8, key="lab_topn")
    columns = st.columns(len(models))
    for column, (arch, wv) in zip(columns, models.items(), strict=True):
        with column:
            st.markdown(f"**{ARCH_TITLES[arch]}**")
            if word not in wv:
                st.warning(label("vectors_oov", word=word))
                continue
            rows = vectors.neighbours(wv, word, topn)
            st.dataframe(
                [{"word": w, label("vectors_similarity"): round(s, 4)} for w, s in rows],
                hide_index=True,
            )

    st.subheader(label("vectors_analogy"))
    a_col, b_col, c_col = st.columns(3)
    a = a_col.text_input("a", value=vectors.DEFAULT_ANALOGY[0], key="lab_a").strip().lower()
    b = b_col.text_input("b", value=vectors.DEFAULT_ANALOGY[1], key="lab_b").strip().lower()
    c = c_col.text_input("c", value=vectors.DEFAULT_ANALOGY[2], key="lab_c").strip().lower()
    answers: dict[str, str] = {}
    columns = st.columns(len(models))
    for column, (arch, wv) in zip(columns, models.items(), strict=True):
        with column:
            st.markdown(f"**{ARCH_TITLES[arch]}**: {a} − {b} + {c}")
            missing = [w for w in (a, b, c) if w not in wv]
            if missing:
                st.warning(label("vectors_oov", word=missing[0]))
                continue
            rows = vectors.analogy(wv, a, b, c, topn)
            answers[arch] = rows[0][0]
            st.dataframe(
                [
                    {
                        label("vectors_rank"): i + 1,
                        "word": w,
                        label("vectors_similarity"): round(s, 4),
                    }
                    for i, (w, s) in enumerate(rows)
                ],
                hide_index=True,
            )

    st.subheader(label("vectors_projection", method="PCA"))
    chosen = st.text_input(
        label("vectors_projection_words"),
        value=" ".join(vectors.DEFAULT_PROJECTION),
        key="lab_projection_words",
    )
    panels = []
    for arch, wv in models.items():
        extra = [a, b, c] + ([answers[arch]] if arch in answers else [])
        known, xy = vectors.projection(wv, words_of(chosen) + extra)
        arrows = [(b, c)] + ([(a, answers[arch])] if arch in answers else [])
        panels.append((f"{ARCH_TITLES[arch]} (PCA)", known, xy, arrows))

    lab_ui.show_figure("projection_figure", panels)
    st.caption(f"→ {b}→{c} ∥ {a}→(a − b + c)")
    if importlib.util.find_spec("umap") is None:
        st.caption(label("vectors_umap_missing"))
    else:
        umap_panels = []
        for (title, known, _, arrows), wv in zip(panels, models.values(), strict=True):
            xy = vectors.umap_2d(wv.unit[[wv.index[w] for w in known]])
            umap_panels.append((title.replace("PCA", "UMAP"), known, xy, arrows))
        lab_ui.show_figure("projection_figure", umap_panels)

    st.subheader(label("vectors_export"))
    arch = st.radio(
        "model", list(models), format_func=ARCH_TITLES.get, horizontal=True, key="lab_export"
    )
    # projector_files gives (vectors, metadata): one download button each, side by side.
    parts = enumerate(("vectors", "metadata"))
    for column, (part, name) in zip(st.columns(2), parts, strict=True):
        # Deferred: the 8,000 × 100 table is written only when someone clicks, not on every rerun.
        column.download_button(
            f"{name}.tsv",
            lambda part=part: projector_files(arch)[part],
            f"{name}-{arch}.tsv",
            "text/tab-separated-values",
            key=f"lab_export_{name}",
        )
    st.caption("https://projector.tensorflow.org → Load → vectors.tsv, metadata.tsv")


if __name__ == "__main__":
    render()
