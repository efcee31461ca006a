"""The dashboard's lab bench ("실험실"): the computations behind each lab view, free of Streamlit.

Each submodule owns one view's numbers: `vectors` (Word2Vec neighbours, analogies, projection),
`attention` (MiniLM attention maps through our BertModel), `positions` (sinusoidal table and
its rotation property), `depth` (GPT-2 residual-stream std at init), `decoding` (greedy and
beam search as a tree). The pages under `tracker/dashboard/views/lab_*.py` only draw what these
return, and `figures` renders the same numbers as static SVGs for the site.

All words a reader sees live in `LABELS` below: English msgids of the message catalog
(tracker/i18n.py), shown in the team's language through `label`.
"""

from __future__ import annotations

import argparse
import contextlib
import contextvars
import importlib.util
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from tracker.i18n import Translator, translator

REPRO_INSTALL = "pip install -e '.[repro]'"

T = TypeVar("T")


# The lab modules that write shipped files with `python -m tracker.lab.<module> build`: what
# each one's --help says it does, what `build` does, and what --out holds.
BUILD_COMMANDS = {
    "static": (
        "Render the lab's views as SVG figures for the site's paper pages.",
        "compute every view, write SVGs",
        "folder for the figures",
    ),
    "vectors": (
        "Build the lab's shipped Word2Vec vectors (skip-gram and CBOW on Brown).",
        "train both and write artefacts/",
        "folder for the artefacts",
    ),
}


def build_parser(module: str, *, out: Path) -> argparse.ArgumentParser:
    """The command line of `python -m tracker.lab.<module> build [--out DIR]` (out: the default)."""
    description, builds, out_help = BUILD_COMMANDS[module]
    parser = argparse.ArgumentParser(
        prog=f"python -m tracker.lab.{module}",
        description=description,
        epilog=f"Example: python -m tracker.lab.{module} build",
    )
    parser.add_argument("action", choices=["build"], help=f"build: {builds}")
    parser.add_argument("--out", type=Path, default=out, help=out_help)
    return parser


def run_build(build: Callable[[], T]) -> T:
    """`build()`, whose failure ends the command with one line for a person, not a traceback."""
    try:
        return build()
    except Exception as exc:  # noqa: BLE001 - any failure, said in one line
        sys.exit(f"error: {exc}")


# Marks a msgid for the catalog's extractor (Babel finds `_("...")`); `label` translates it.
def _(message: str) -> str:
    return message


# One place for every label the lab pages show: English msgids, translated in
# tracker/locale/<language>.po like the rest of the dashboard.
LABELS: dict[str, str] = {
    "section": _("Lab"),
    "missing_repro": _("This view needs the reproduction packages (torch and others): `{command}`"),
    "missing_data": _("A data file it needs is missing: {error}"),
    "vectors_title": _("Word vectors"),
    "vectors_intro": _(
        "Vectors trained with our Word2Vec (corpus: {corpus}, {words:,} words, vocabulary {vocab:,}). See for yourself whether relations between words show up as vector sums and differences."
    ),
    "vectors_word": _("Word"),
    "vectors_neighbours": _("Nearest words"),
    "vectors_analogy": _("Analogy: a − b + c"),
    "vectors_oov": _(
        "'{word}' is not in the vocabulary (it holds only lower-case English words of the Brown corpus)."
    ),
    "vectors_projection": _("2-D projection ({method})"),
    "vectors_projection_words": _("Words to project"),
    "vectors_export": _("Export to the TensorBoard Embedding Projector"),
    "vectors_umap_missing": _(
        "UMAP is not installed, so only PCA is shown (`pip install umap-learn`)."
    ),
    "vectors_similarity": _("cosine similarity"),
    "vectors_rank": _("rank"),
    "attention_title": _("Attention heads"),
    "attention_intro": _(
        "The real all-MiniLM-L6-v2 weights loaded into our BertModel: type a sentence and see the attention of every layer and head ({layers} layers × {heads} heads)."
    ),
    "attention_sentence": _("Sentence (Korean or English)"),
    "attention_jamo": _(
        "MiniLM's vocabulary is mostly English, so Hangul is split into jamo pieces: in a Korean sentence the 'same word' mark is attention between those pieces."
    ),
    "attention_example": _("Example"),
    "attention_tokens": _("Tokens: {tokens}"),
    "attention_grid": _("Every layer × head"),
    "attention_head": _("One head in detail"),
    "attention_layer": _("layer"),
    "attention_head_index": _("head"),
    "attention_marks": _("Where each head mostly looks"),
    "attention_cls": _("Share of attention going to [CLS] (mean per layer)"),
    "attention_cls_caption": _(
        "BERT's CLS token: why does information gather there? For each layer, the mean attention mass every token and head gives to [CLS]. [SEP] is shown beside it."
    ),
    "attention_query": _("sending token (query)"),
    "attention_key": _("receiving token (key)"),
    "mark_cls": _("[CLS]"),
    "mark_sep": _("[SEP]"),
    "mark_prev": _("previous token"),
    "mark_next": _("next token"),
    "mark_self": _("itself"),
    "mark_same_word": _("same word"),
    "mark_broad": _("spread out"),
    "positions_title": _("Positional encoding"),
    "positions_intro": _(
        "Is $PE_{pos+k}$ a linear function of $PE_{pos}$? Multiplying each frequency by a 2×2 rotation $R_k$ turns $PE_{pos}$ into $PE_{pos+k}$."
    ),
    "positions_table": _("Sine and cosine table (position × dimension)"),
    "positions_k": _("distance k"),
    "positions_dim_axis": _("i (dimension)"),
    "positions_other_layout": _(
        "The layouts only place the (sin, cos) pairs differently; the rotation is the same: the R_k of the other layout does not hold."
    ),
    "positions_dim": _("dimension d_model"),
    "positions_layout": _("layout"),
    "layout_interleaved": _("paper (sin, cos interleaved)"),
    "layout_halves": _("Marian (sin in the first half, cos in the second)"),
    "positions_check": _(
        "max |R_k · PE_pos − PE_(pos+k)| = {diff:.2e} (threshold 1e-12: {verdict})"
    ),
    "holds": _("holds"),
    "fails": _("does not hold"),
    "depth_title": _("Depth and initialisation"),
    "depth_intro": _(
        "GPT-2 scales the residual projections down by 1/√N at initialisation, so that layers higher up weigh less. The residual stream's standard deviation right after initialisation, per layer (our GPT2LMHeadModel, random input)."
    ),
    "depth_layers": _("layers"),
    "depth_scaled": _("1/√(2N) scaling"),
    "depth_unscaled": _("no scaling"),
    "depth_axis_layer": _("block"),
    "depth_axis_std": _("residual stream std"),
    "depth_final": _("Last block of {layers} layers: scaled {scaled:.3f}, unscaled {unscaled:.3f}"),
    "depth_ablation": _(
        "Training curves: scaled against unscaled initialisation (reproduction results)"
    ),
    "depth_ablation_missing": _(
        "No initialisation comparison has been trained yet (`tracker repro train gpt2`)."
    ),
    "decoding_title": _("Decoding"),
    "decoding_intro": _(
        "The repository holds no trained translation checkpoint, so our Transformer trains for a few seconds on a small toy task (digits → English words) when this page first opens. That model compares greedy decoding with beam search."
    ),
    "decoding_source": _("Input (digits separated by spaces)"),
    "decoding_beam": _("beam size"),
    "decoding_greedy": _("Greedy"),
    "decoding_beam_result": _("Beam search (width {beam})"),
    "decoding_tree": _("Beam search tree"),
    "decoding_score": _("score (sum of log p / length^α)"),
    "decoding_bad_input": _("The input has unknown tokens: {tokens}. Use only the digits 0–9."),
    "decoding_training": _("Training the toy Transformer…"),
    "decoding_legend": _(
        "blue: beams kept · green: finished hypotheses (score divided by length in brackets) · grey: dropped candidates"
    ),
    "site_intro": _(
        "Figures you can change yourself in the dashboard's lab (`tracker dashboard`). Made with `{command}` (commit `{commit}`)."
    ),
    "site_vectors": _(
        "{analogy}: skip-gram → {sg} (cos {sg_cos:.3f}), CBOW → {cbow} (cos {cbow_cos:.3f}); our Word2Vec trained on the Brown corpus"
    ),
    "site_attention": _(
        "all-MiniLM-L6-v2, “{sentence}”: share of attention to [CLS] per layer {mass}"
    ),
    "site_positions": _(
        "k = {k}, d = {dim}: max |R_k·PE_pos − PE_(pos+k)| = {interleaved:.1e} (paper layout), {halves:.1e} (Marian layout)"
    ),
    "site_depth": _("Residual std of the last block (scaled / unscaled): {parts}"),
    "site_decoding": _(
        "Input {source}: greedy “{greedy}” ({greedy_score:.3f}), beam {beam} “{beam_output}” ({beam_score:.3f}); a small Transformer trained for a few seconds on a toy task"
    ),
    "attention_loading": _("Loading MiniLM…"),
}

_TRANSLATOR: contextvars.ContextVar[Translator | None] = contextvars.ContextVar(
    "lab_translator", default=None
)


def use_translator(translate: Translator) -> None:
    """Show the lab's labels in `translate`'s language from here on (this thread / context).

    Each Streamlit run has its own thread, and so its own context: the dashboard sets it once
    per run for the team's language.
    """
    _TRANSLATOR.set(translate)


@contextlib.contextmanager
def language(translate: Translator) -> Iterator[None]:
    """The lab's labels in `translate`'s language inside the block (the site build)."""
    token = _TRANSLATOR.set(translate)
    try:
        yield
    finally:
        _TRANSLATOR.reset(token)


def current_language() -> str:
    """The language `label` answers in now (part of cache keys of drawn figures)."""
    return (_TRANSLATOR.get() or translator()).language


def label(key: str, **values: object) -> str:
    """The label `key` in the current language (Korean unless set), formatted with `values`."""
    translate = _TRANSLATOR.get() or translator()
    return translate(LABELS[key], **values)


def missing_repro() -> str | None:
    """None when the `repro` extra is importable, else the one-line message with the command."""
    for module in ("torch", "numpy"):
        if importlib.util.find_spec(module) is None:
            return label("missing_repro", command=REPRO_INSTALL)
    return None


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """Run torch on one thread inside the block.

    The lab's models are small: on a busy machine torch's thread hand-offs cost more than the
    arithmetic (the depth profiles took 39 s on two threads and 4 s on one under load 15).
    """
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)
