"""Pictures the site draws itself as SVG: training curves and member avatars.

Written by hand rather than with matplotlib (see `render_curves_svg`): a few polylines and
circles need no plotting library.
"""

from __future__ import annotations

import hashlib
import html

from tracker.catalog import ReproResult

_PLOT_COLOURS = ("#3f51b5", "#e65100", "#2e7d32", "#ad1457", "#00838f", "#6d4c41")


def _tick(value: float) -> str:
    return f"{value:.4g}"


def render_curves_svg(result: ReproResult) -> str | None:
    """An SVG line plot of the result's curves (value against step), or None without curves.

    Written by hand rather than with matplotlib: importing and laying out one matplotlib figure
    cost about 3 s of every site build, for a plot that is a few polylines on two axes.
    Identical input gives identical bytes, so regenerating does not rewrite the file.
    """
    curves = result.data.get("curves") or {}
    series = {
        name: [(float(p[0]), float(p[1])) for p in points]
        for name, points in sorted(curves.items())
        if isinstance(points, list) and points and all(len(p) == 2 for p in points)
    }
    if not series:
        return None
    width, height = 640, 360
    left, right, top, bottom = 64, 160, 40, 48  # room for tick labels, legend and title
    steps = [x for points in series.values() for x, _ in points]
    values = [y for points in series.values() for _, y in points]
    x0, x1 = min(steps), max(steps)
    y0, y1 = min(values), max(values)
    x1, y1 = (x1 if x1 > x0 else x0 + 1), (y1 if y1 > y0 else y0 + 1)  # flat curves still draw
    plot_w, plot_h = width - left - right, height - top - bottom

    def sx(x: float) -> float:
        return left + (x - x0) / (x1 - x0) * plot_w

    def sy(y: float) -> float:
        return top + (y1 - y) / (y1 - y0) * plot_h

    title = html.escape(f"{result.reproduction} / {result.run}")
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="{left + plot_w / 2:.1f}" y="24" text-anchor="middle" font-size="14">'
        f"{title}</text>",
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" '
        'stroke="#444444"/>',
    ]
    for k in range(5):  # light grid with tick labels at quarters of each axis
        gx, gy = x0 + (x1 - x0) * k / 4, y0 + (y1 - y0) * k / 4
        out += [
            f'<line x1="{sx(gx):.1f}" y1="{top}" x2="{sx(gx):.1f}" y2="{top + plot_h}" '
            'stroke="#dddddd"/>',
            f'<line x1="{left}" y1="{sy(gy):.1f}" x2="{left + plot_w}" y2="{sy(gy):.1f}" '
            'stroke="#dddddd"/>',
            f'<text x="{sx(gx):.1f}" y="{top + plot_h + 16}" text-anchor="middle">'
            f"{_tick(gx)}</text>",
            f'<text x="{left - 6}" y="{sy(gy) + 4:.1f}" text-anchor="end">{_tick(gy)}</text>',
        ]
    out += [
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 10}" text-anchor="middle">step</text>',
        f'<text x="16" y="{top + plot_h / 2:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 16 {top + plot_h / 2:.1f})">value</text>',
    ]
    for n, (name, points) in enumerate(series.items()):
        colour = _PLOT_COLOURS[n % len(_PLOT_COLOURS)]
        coords = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in points)
        out.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"/>')
        if len(points) < 30:  # markers only where they stay readable
            out += [
                f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3" fill="{colour}"/>'
                for x, y in points
            ]
        ly = top + 12 + 18 * n
        out += [
            f'<line x1="{width - right + 12}" y1="{ly}" x2="{width - right + 36}" y2="{ly}" '
            f'stroke="{colour}" stroke-width="2"/>',
            f'<text x="{width - right + 42}" y="{ly + 4}">{html.escape(name)}</text>',
        ]
    out.append("</svg>")
    return "\n".join(out) + "\n"


def avatar_svg(name: str, handle: str) -> str:
    hue = int(hashlib.sha256(handle.encode()).hexdigest()[:4], 16) % 360
    initial = html.escape(name[:1] or handle[:1].upper())
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">'
        f'<circle cx="32" cy="32" r="32" fill="hsl({hue}, 55%, 45%)"/>'
        '<text x="32" y="41" font-size="28" text-anchor="middle" fill="#fff" '
        f'font-family="sans-serif">{initial}</text></svg>\n'
    )
