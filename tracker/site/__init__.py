"""The published site: Markdown pages generated from the catalog, then `mkdocs build`.

Everything the site shows is written as real Markdown under `docs/` before MkDocs runs (no
MkDocs hooks), so the generator can move to another engine later. The package's parts:
`pages` (the Markdown pages, read only through `tracker.catalog.load_catalog`, written through
`tracker.store`), `svg` (curves and avatars drawn by hand), `katex` (math vendoring) and
`build` (`mkdocs build` / `serve`, then sanitising the HTML). What it writes:

- `docs/papers/index.md` and `docs/papers/<id>.md`: metadata, readers, presenter and slides,
  the team's summary, the notes that mention the paper, the reproduction's parity status and
  results beside the paper's numbers, with an SVG plot of the training curves;
- `docs/members/index.md` and `docs/members/<handle>.md`: quota progress;
- `docs/reproductions/index.md`, `docs/agenda.md` (the next meeting), `docs/tags.md`;
- `docs/.authors.yml` and `docs/assets/avatars/` for the blog plugin;
- `docs/assets/vendor/katex/`: KaTeX, fetched once from the npm registry into a cache,
  checked against a pinned sha256 and copied into the site, so math renders with no network.
"""

from __future__ import annotations

from tracker.site.build import BuildResult, build_site, iter_generated, search_index, serve_site
from tracker.site.katex import KATEX_DIR, KATEX_VERSION, fetch_katex, vendor_katex
from tracker.site.pages import (
    GENERATED_DIRS,
    GENERATED_MARK,
    SiteReport,
    _write_generated,
    agenda_page,
    generate_site,
    published_meetings,
    results_for_paper,
    status_label,
)
from tracker.site.svg import avatar_svg, render_curves_svg

__all__ = [
    "GENERATED_DIRS",
    "GENERATED_MARK",
    "KATEX_DIR",
    "KATEX_VERSION",
    "BuildResult",
    "SiteReport",
    "_write_generated",
    "agenda_page",
    "avatar_svg",
    "build_site",
    "fetch_katex",
    "generate_site",
    "iter_generated",
    "published_meetings",
    "render_curves_svg",
    "results_for_paper",
    "search_index",
    "serve_site",
    "status_label",
    "vendor_katex",
]
