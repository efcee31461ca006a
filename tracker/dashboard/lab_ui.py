"""What the lab pages (`views/lab_*.py`) share: the `repro` check and the cached models.

Models and vectors are `st.cache_resource` (one copy per server, never pickled); the numbers
each page computes from them come from `tracker.lab`, the module the lab tests check.
"""

from __future__ import annotations

import threading
from typing import Any

import streamlit as st

from tracker import lab


def start_lab_page(title_key: str) -> None:
    """Title, and a one-line stop with the install command when the `repro` extra is missing."""
    from tracker.dashboard import ui

    # The team's language; app.py sets it too, this covers a page run on its own.
    lab.use_translator(ui.page_translator())
    st.title(lab.label(title_key))
    message = lab.missing_repro()
    if message:
        st.error(message, icon=":material/error:")
        st.stop()


@st.cache_data(show_spinner=False, max_entries=64)
def _figure_png(builder: str, language: str, *args: Any) -> bytes:
    from tracker.lab import figures

    # `language` keys the cache: the figures' axis labels come from `lab.label`.
    del language
    # dpi 110 rather than st.pyplot's 200: a quarter of the pixels to render, sharp on screen.
    return figures.figure_png(getattr(figures, builder)(*args), dpi=110)


def show_figure(builder: str, *args: Any) -> None:
    """Draw `tracker.lab.figures.<builder>(*args)` as a PNG.

    Cached on the arguments: moving one slider reruns the whole page, and the figures the
    slider does not touch are then not drawn again.
    """
    st.image(_figure_png(builder, lab.current_language(), *args))


@st.cache_resource(show_spinner=False)
def word_vectors(arch: str) -> Any:
    from tracker.lab import vectors

    return vectors.load_vectors(arch)


def minilm() -> tuple[Any, Any]:
    with st.spinner(lab.label("attention_loading")):
        return _minilm()


@st.cache_resource(show_spinner=False)
def _minilm() -> tuple[Any, Any]:
    from tracker.lab import attention

    return attention.load_minilm()


_TOY: dict[str, Any] = {}
_TOY_LOCK = threading.Lock()


def toy_transformer() -> Any:
    """The toy Transformer, trained once per server with a progress bar on the first visit.

    Kept in a module dict rather than `st.cache_resource`: a progress bar drawn inside a cached
    function would be replayed, at 100 %, on every later run of the page.
    """
    from tracker.lab import decoding

    with _TOY_LOCK:
        if "model" not in _TOY:
            text = lab.label("decoding_training")
            bar = st.progress(0.0, text=text)
            _TOY["model"] = decoding.train_toy_model(
                progress=lambda done: bar.progress(done, text=text)
            )
            bar.empty()
    return _TOY["model"]


@st.cache_data(show_spinner=False)
def depth_profile(n_layer: int) -> Any:
    from tracker.lab import depth

    return depth.depth_profile(n_layer)
