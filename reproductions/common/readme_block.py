"""Generated blocks inside hand-written Markdown: the text between `<!-- NAME:START -->` and
`<!-- NAME:END -->` is replaced by a command's output, and everything around it is kept."""

from __future__ import annotations

import re
from pathlib import Path

from tracker.atomic import atomic_write_text


def replace_block(path: Path, name: str, body: str) -> None:
    """Put `body` between the `name` markers in `path` (UTF-8, written atomically); the
    markers stay."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(
        rf"(<!-- {name}:START -->\n).*?(<!-- {name}:END -->)",
        lambda m: m.group(1) + body + "\n" + m.group(2),
        text,
        flags=re.S,
    )
    atomic_write_text(path, text)  # a reader never sees half a README
