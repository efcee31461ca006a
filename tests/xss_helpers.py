"""A team site seeded with every stored-XSS payload the attack found, built once per session.

The payloads arrive the three ways the team's content does: a note through
`tracker notes import`, a post written by hand in docs/meetings/posts/, and sheet cells pulled
into a paper file (title, venue, url, slides). Each one would set `document.title` to MARK if
it ran.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from site_helpers import TODAY, make_team_repo
from typer.testing import CliRunner

MARK = "pwned"
RUN = f"document.title='{MARK}'"

# The Markdown-source tricks: each survives a sanitiser that works on the source.
NOTE_PAYLOADS = f"""\
\\[<img src=x onerror="{RUN}">\\]

<!--><img src=x onerror="{RUN}">-->

<!-- --!><img src=x onerror="{RUN}"> -->

\\\\(<img src=x onerror="{RUN}">\\\\)

$$<img src=x onerror="{RUN}">$$

[angle](<javascript:{RUN}>) [ref][r] [dec](&#106;avascript:{RUN}) [named](javascript&colon;{RUN}) [tab](java&#x09;script:{RUN})

<a href="data:text/html,<script>{RUN}</script>">data</a> <svg onload="{RUN}"></svg>
<script>{RUN}</script>
<details open ontoggle="{RUN}"><summary>x</summary></details>

[r]: javascript:{RUN}

```
<img src=x onerror="{RUN}">
"""

NOTE = f"""---
title: "XSS 모임 <img src=x onerror={RUN}>"
date: 2025-08-26
tags: [xss]
---

# 공격 <img src=x onerror={RUN}>

{NOTE_PAYLOADS}"""

POST = f"""---
title: "손으로 쓴 글 <script>{RUN}</script>"
date: 2025-08-27
categories: [Meeting]
tags: [xss]
authors: [jiwoo]
draft: false
slug: hand-written
---

# 손으로 쓴 글

{NOTE_PAYLOADS}"""

PAPER_ID = "1810.04805"
SHEET_CELLS = {
    "title": f"BERT <img src=x onerror={RUN}>",
    "venue": f"<img src=x onerror={RUN}>",
    "slides": f"javascript:{RUN}",
    "url": f"javascript:{RUN}",
}

_BUILT: dict[str, Path] = {}


def hostile_site(base: Path) -> Path:
    """The team repository with all payloads, built (non-strict: the broken `javascript&colon;`
    links are warnings); returns the repository root (the site is root/site)."""
    if "root" in _BUILT:
        return _BUILT["root"]
    from tracker import store
    from tracker.cli.main import app
    from tracker.models import Paper
    from tracker.site import build_site

    root = make_team_repo(base / "hostile")
    note = base / "hostile-notes" / "250826-xss.md"
    note.parent.mkdir(parents=True, exist_ok=True)
    note.write_text(NOTE, encoding="utf-8")
    done = CliRunner().invoke(app, ["notes", "import", str(note), "--root", str(root)])
    assert done.exit_code == 0, done.output
    (root / "docs" / "meetings" / "posts" / "2025-08-27-hand-written.md").write_text(
        POST, encoding="utf-8"
    )
    paper = store.read_paper(store.paper_path(root, PAPER_ID))
    data = {**paper.model_dump(), **SHEET_CELLS, "body": paper.body}
    store.write_paper(root, Paper.model_validate(data))
    build_site(root, strict=False, today=dt.date.fromisoformat(TODAY))
    _BUILT["root"] = root
    return root
