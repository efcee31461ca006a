"""The lab's views as static figures for the site's paper pages.

`python -m tracker.lab.static build` computes each view with its default inputs (the same
`tracker.lab` functions the dashboard pages call), saves the same matplotlib figures as SVG
under `artefacts/figures/`, and records the numbers the captions quote, with the commit it ran
at, in `figures.json`. `tracker site build` then copies them onto the paper pages through
`site_section` (cheap: no model is loaded while the site builds).
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tracker.atomic import atomic_write_text
from tracker.i18n import Translator, translator
from tracker.lab import build_parser, label, language, run_build

FIGURES = Path(__file__).resolve().parent / "artefacts" / "figures"
POSITIONS_K = 5


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], capture_output=True, text=True, check=False
    ).stdout.strip()


def _vectors() -> tuple[dict[str, str], dict[str, Any]]:
    from tracker.lab import figures, vectors

    a, b, c = vectors.DEFAULT_ANALOGY
    panels, numbers = [], {}
    for arch in vectors.ARCHS:
        wv = vectors.load_vectors(arch)
        answer, cosine = vectors.analogy(wv, a, b, c, 1)[0]
        numbers[arch] = {"answer": answer, "cosine": round(cosine, 4)}
        words, xy = vectors.projection(wv, [*vectors.DEFAULT_PROJECTION, answer])
        panels.append((f"{arch} (PCA)", words, xy, [(b, c), (a, answer)]))
    svg = figures.figure_svg(figures.projection_figure(panels))
    return {"word2vec-projection": svg}, {"analogy": f"{a} - {b} + {c}", **numbers}


def _attention() -> tuple[dict[str, str], dict[str, Any]]:
    from tracker.lab import attention, figures

    sentence = "The cat sat on the mat because it was tired."
    model, tokenizer = attention.load_minilm()
    run = attention.run_sentence(model, tokenizer, sentence)
    cls = attention.cls_mass_per_layer(run)
    svgs = {
        "attention-grid": figures.figure_svg(figures.attention_grid_figure(run.attentions)),
        "attention-cls": figures.figure_svg(figures.cls_mass_figure(cls)),
    }
    return svgs, {"sentence": sentence, "cls_mass": [round(x, 4) for x in cls["cls"]]}


def _positions() -> tuple[dict[str, str], dict[str, Any]]:
    from tracker.lab import figures, positions

    svgs, numbers = {}, {}
    for layout in positions.LAYOUTS:
        check = positions.check_rotation(POSITIONS_K, 64, layout, 100)
        table = positions.position_table(100, 64, layout)
        fig = figures.positions_figure(table, check.per_position, POSITIONS_K, layout)
        svgs[f"positions-{layout}"] = figures.figure_svg(fig)
        numbers[layout] = check.max_abs_diff
    return svgs, {"k": POSITIONS_K, "dim": 64, "positions": 100, "max_abs_diff": numbers}


def _depth() -> tuple[dict[str, str], dict[str, Any]]:
    from tracker.lab import depth, figures

    profiles = [depth.depth_profile(n) for n in depth.DEPTHS]
    svg = figures.figure_svg(figures.depth_figure(profiles))
    numbers = {str(p.n_layer): [round(p.scaled[-1], 4), round(p.unscaled[-1], 4)] for p in profiles}
    return {"depth-residual-std": svg}, {"final_std_scaled_unscaled": numbers}


def _decoding() -> tuple[dict[str, str], dict[str, Any]]:
    from tracker.lab import decoding, figures

    model = decoding.train_toy_model()
    source = decoding.encode_source(decoding.DEFAULT_SOURCE)
    greedy_tokens, greedy_logp = decoding.greedy(model, source)
    trace = decoding.traced_beam_search(model, source, 3)
    fig = figures.beam_tree_figure(trace, decoding.best_path(trace), greedy_tokens)
    numbers = {
        "source": decoding.DEFAULT_SOURCE,
        "beam": 3,
        "greedy": " ".join(greedy_tokens),
        "greedy_score": round(greedy_logp / (len(greedy_tokens) + 1), 4),
        "beam_output": " ".join(trace.best),
        "beam_score": round(trace.best_score, 4),
    }
    return {"decoding-beam-tree": figures.figure_svg(fig)}, numbers


# view name -> (reproduction whose paper page shows it, computation)
VIEWS: dict[str, tuple[str, Callable[[], tuple[dict[str, str], dict[str, Any]]]]] = {
    "vectors": ("word2vec", _vectors),
    "attention": ("bert", _attention),
    "positions": ("transformer", _positions),
    "depth": ("gpt2", _depth),
    "decoding": ("transformer", _decoding),
}


def build(out: Path = FIGURES) -> dict:
    """Compute every view, write its SVGs and `figures.json`; returns the record."""
    from tqdm import tqdm

    record: dict[str, Any] = {
        "schema": 1,
        "command": "python -m tracker.lab.static build",
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
        "views": {},
    }
    out.mkdir(parents=True, exist_ok=True)
    for name, (reproduction, compute) in tqdm(VIEWS.items(), desc="lab figures", unit="view"):
        svgs, numbers = compute()
        for figure, svg in svgs.items():
            atomic_write_text(out / f"{figure}.svg", svg)
        record["views"][name] = {
            "reproduction": reproduction,
            "figures": sorted(svgs),
            "numbers": numbers,
        }
    atomic_write_text(out / "figures.json", json.dumps(record, indent=1) + "\n")
    return record


def _caption(name: str, numbers: dict[str, Any]) -> str:
    if name == "vectors":
        sg, cbow = numbers["sg"], numbers["cbow"]
        return label(
            "site_vectors",
            analogy=numbers["analogy"],
            sg=sg["answer"],
            sg_cos=sg["cosine"],
            cbow=cbow["answer"],
            cbow_cos=cbow["cosine"],
        )
    if name == "attention":
        mass = ", ".join(f"{x:.2f}" for x in numbers["cls_mass"])
        return label("site_attention", sentence=numbers["sentence"], mass=mass)
    if name == "positions":
        diffs = numbers["max_abs_diff"]
        return label("site_positions", k=numbers["k"], dim=numbers["dim"], **diffs)
    if name == "depth":
        pairs = numbers["final_std_scaled_unscaled"].items()
        parts = ", ".join(f"N={n}: {s:.3f} / {u:.3f}" for n, (s, u) in pairs)
        return label("site_depth", parts=parts)
    if name == "decoding":
        return label("site_decoding", **numbers)
    return ""


def site_section(
    reproduction: str | None,
    write: Callable[[str, str], None],
    folder: Path = FIGURES,
    translate: Translator | None = None,
) -> list[str]:
    """Markdown lines of the "실험실" section for a paper page; SVGs written through `write`
    (relative path under docs/, text). Nothing when no figure belongs to the reproduction.
    Captions in `translate`'s language (the team's; Korean by default)."""
    with language(translate or translator()):
        return _site_section(reproduction, write, folder)


def _site_section(
    reproduction: str | None, write: Callable[[str, str], None], folder: Path
) -> list[str]:
    index = folder / "figures.json"
    if not reproduction or not index.is_file():
        return []
    record = json.loads(index.read_text(encoding="utf-8"))
    lines: list[str] = []
    for name, view in record["views"].items():
        if view["reproduction"] != reproduction:
            continue
        lines += [f"### {label('section')}: {label(name + '_title')}", ""]
        for figure in view["figures"]:
            svg = (folder / f"{figure}.svg").read_text(encoding="utf-8")
            write(f"papers/img/lab-{figure}.svg", svg)
            lines += [f"![{label(name + '_title')}](img/lab-{figure}.svg)", ""]
        lines += [_caption(name, view["numbers"]), ""]
    if lines:
        lines = [
            f"## {label('section')}",
            "",
            label("site_intro", command=record["command"], commit=record["git_commit"][:10]),
            "",
            *lines,
        ]
    return lines


def main(argv: list[str] | None = None) -> None:
    args = build_parser("static", out=FIGURES).parse_args(argv)
    record = run_build(lambda: build(args.out))
    print(f"wrote {sum(len(v['figures']) for v in record['views'].values())} figures → {args.out}")


if __name__ == "__main__":
    main()
