"""The lab's pictures: one matplotlib figure per view, drawn from the numbers the lab modules
compute. The dashboard pages show them with `st.pyplot`; `tracker.lab.static` saves the same
figures as SVG for the site's paper pages.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tracker.lab import label

FONTS = ["Noto Sans CJK KR", "Noto Sans CJK JP", "DejaVu Sans"]  # Korean tokens need a CJK font


def pyplot() -> Any:
    """matplotlib.pyplot on Agg with a font that has Hangul (falls back where it is missing)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["font.family"] = FONTS
    plt.rcParams["axes.unicode_minus"] = False
    plt.rcParams["svg.hashsalt"] = "lab"  # stable ids: a rebuilt SVG only changes with its data
    return plt


def figure_png(fig: Any, dpi: int = 110) -> bytes:
    """The figure as PNG bytes; the figure is closed."""
    import io

    buffer = io.BytesIO()
    # No bbox_inches="tight": the builders lay out with tight_layout, and "tight" here would
    # render the figure twice (a third of a view's time on a busy machine).
    fig.savefig(buffer, format="png", dpi=dpi)
    pyplot().close(fig)
    return buffer.getvalue()


def figure_svg(fig: Any) -> str:
    """The figure as SVG text (for the site); the figure is closed."""
    import io

    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    pyplot().close(fig)
    return buffer.getvalue()


# ----------------------------------------------------------------------------- word vectors


def projection_figure(
    panels: list[tuple[str, list[str], np.ndarray, list[tuple[str, str]]]],
) -> Any:
    """Side-by-side 2-D projections: (title, words, (N, 2) coordinates, arrows from→to) each."""
    plt = pyplot()
    fig, axes = plt.subplots(1, len(panels), figsize=(5.2 * len(panels), 4.6), squeeze=False)
    for ax, (title, words, xy, arrows) in zip(axes[0], panels, strict=True):
        if len(words):
            ax.scatter(xy[:, 0], xy[:, 1], s=18, color="#3367d6")
        where = {w: xy[i] for i, w in enumerate(words)}
        for w, (x, y) in where.items():
            ax.annotate(w, (x, y), xytext=(4, 3), textcoords="offset points", fontsize=9)
        for start, end in arrows:
            if start in where and end in where:
                ax.annotate(
                    "",
                    xy=where[end],
                    xytext=where[start],
                    arrowprops={"arrowstyle": "->", "color": "#d6336c", "lw": 1.6},
                )
        ax.set_title(title)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------- attention


def attention_grid_figure(attentions: np.ndarray) -> Any:
    """Every layer × head map tiled into one image (row = layer, column = head)."""
    plt = pyplot()
    L, A, T, _ = attentions.shape
    gap = max(1, T // 6)
    canvas = np.full((L * (T + gap) - gap, A * (T + gap) - gap), np.nan)
    for layer in range(L):
        for head in range(A):
            r, c = layer * (T + gap), head * (T + gap)
            canvas[r : r + T, c : c + T] = attentions[layer, head]
    fig, ax = plt.subplots(figsize=(min(14, 1.1 * A + 1), min(8, 1.1 * L + 1)))
    ax.imshow(canvas, cmap="viridis", vmin=0, vmax=1, interpolation="nearest")
    ax.set_xticks([h * (T + gap) + T / 2 for h in range(A)], [str(h) for h in range(A)])
    ax.set_yticks([layer * (T + gap) + T / 2 for layer in range(L)], [str(x) for x in range(L)])
    ax.set_xlabel(label("attention_head_index"))
    ax.set_ylabel(label("attention_layer"))
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    fig.tight_layout()
    return fig


def head_figure(attention: np.ndarray, tokens: list[str], title: str) -> Any:
    """One head's (T, T) map with the tokens on both axes."""
    plt = pyplot()
    T = len(tokens)
    size = min(9, 2.5 + 0.28 * T)
    fig, ax = plt.subplots(figsize=(size, size))
    image = ax.imshow(attention, cmap="viridis", vmin=0, vmax=1)
    ax.set_xticks(range(T), tokens, rotation=90, fontsize=8)
    ax.set_yticks(range(T), tokens, fontsize=8)
    ax.set_xlabel(label("attention_key"))
    ax.set_ylabel(label("attention_query"))
    ax.set_title(title)
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    fig.tight_layout()
    return fig


def cls_mass_figure(masses: dict[str, list[float]]) -> Any:
    """Mean attention on [CLS] and [SEP] per layer."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6, 3.4))
    layers = range(len(masses["cls"]))
    ax.plot(layers, masses["cls"], "-o", label="[CLS]")
    ax.plot(layers, masses["sep"], "--s", label="[SEP]")
    ax.set_xlabel(label("attention_layer"))
    ax.set_ylim(0, 1)
    ax.set_xticks(list(layers))
    ax.grid(alpha=0.3)
    ax.legend()
    ax.set_title(label("attention_cls"))
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------- positions


def positions_figure(table: np.ndarray, per_position: np.ndarray, k: int, layout: str) -> Any:
    """The PE table as a heatmap, and |R_k PE_pos − PE_{pos+k}| per position (log scale)."""
    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8), width_ratios=[1.6, 1])
    image = left.imshow(table, aspect="auto", cmap="RdBu", vmin=-1, vmax=1)
    left.set_xlabel(label("positions_dim_axis"))
    left.set_ylabel("pos")
    left.set_title(f"{label('positions_table')} — {label('layout_' + layout)}")
    fig.colorbar(image, ax=left)
    # A zero difference has no logarithm: show it at the smallest double instead.
    right.semilogy(np.maximum(per_position, np.finfo(float).tiny), ".-")
    right.axhline(1e-12, color="#d6336c", ls="--", label="1e-12")
    right.set_xlabel("pos")
    right.set_title(f"k = {k}: max |R_k·PE_pos − PE_(pos+k)|")
    right.grid(alpha=0.3)
    right.legend()
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------- depth


def depth_figure(profiles: list[Any]) -> Any:
    """Residual-stream std against block index for each depth, scaled vs unscaled init."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7, 4))
    colours = ["#3367d6", "#0f9d58", "#d6336c", "#f4b400"]
    for colour, p in zip(colours, profiles, strict=False):
        blocks = range(len(p.scaled))
        ax.plot(
            blocks, p.scaled, "-", color=colour, label=f"N={p.n_layer}, {label('depth_scaled')}"
        )
        ax.plot(
            blocks,
            p.unscaled,
            "--",
            color=colour,
            label=f"N={p.n_layer}, {label('depth_unscaled')}",
        )
    ax.set_xlabel(label("depth_axis_layer"))
    ax.set_ylabel(label("depth_axis_std"))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def ablation_figure(curves: dict[str, dict[str, list[list[float]]]]) -> Any:
    """The scaled-init ablation's curves (train/val loss), both arms per panel."""
    plt = pyplot()
    metrics = [m for m in ("train_loss", "val_loss") if m in curves] or list(curves)[:2]
    fig, axes = plt.subplots(
        1, max(1, len(metrics)), figsize=(5 * max(1, len(metrics)), 3.4), squeeze=False
    )
    for ax, metric in zip(axes[0], metrics, strict=False):
        for arm, style in (("scaled", "-o"), ("unscaled", "--s")):
            points = curves[metric].get(arm) or []
            if points:
                steps, values = zip(*points, strict=True)
                ax.plot(steps, values, style, markersize=3, label=label(f"depth_{arm}"))
        ax.set_title(metric)
        ax.set_xlabel("step")
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------- decoding


def beam_tree_figure(trace: Any, path: set[int], greedy_tokens: list[str]) -> Any:
    """The beam's candidates by step: kept beams in blue, finished in green, dropped in grey;
    the best hypothesis bold, greedy's choice listed in the title."""
    plt = pyplot()
    by_step: dict[int, list[Any]] = {}
    for node in trace.nodes:
        by_step.setdefault(node.step, []).append(node)
    rows = max((len(v) for v in by_step.values()), default=1)
    fig, ax = plt.subplots(figsize=(2.0 + 1.7 * len(by_step), 1.0 + 0.55 * rows))
    where: dict[int | None, tuple[float, float]] = {None: (0.0, (rows - 1) / 2)}
    colours = {"live": "#3367d6", "finished": "#0f9d58", "dropped": "#9e9e9e"}
    for step in sorted(by_step):
        for y, node in enumerate(by_step[step]):
            where[node.id] = (float(step), float(y))
    ax.text(0, (rows - 1) / 2, "<s>", ha="center", va="center", fontsize=9)
    for node in trace.nodes:
        x, y = where[node.id]
        px, py = where[node.parent]
        on_path = node.id in path
        ax.plot([px, x], [py, y], color=colours[node.status], lw=2.2 if on_path else 0.8, alpha=0.9)
        text = f"{node.token}\n{node.logp:.2f}"
        if node.score is not None:
            text += f" ({node.score:.2f})"
        ax.text(
            x,
            y,
            text,
            ha="center",
            va="center",
            fontsize=8,
            fontweight="bold" if on_path else "normal",
            color=colours[node.status],
            bbox={"boxstyle": "round", "fc": "white", "ec": colours[node.status], "lw": 0.6},
        )
    ax.set_xlim(-0.5, max(by_step, default=1) + 0.6)
    ax.set_ylim(rows - 0.4, -0.6)
    ax.axis("off")
    ax.set_title(
        f"beam: {' '.join(trace.best)}   ·   greedy: {' '.join(greedy_tokens)}", fontsize=10
    )
    fig.tight_layout()
    return fig
