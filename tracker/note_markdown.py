"""Reshaping a note's Markdown body so the site shows what the note's own tool showed.

Each function takes and returns Markdown text and leaves code, math and HTML comments alone
(line by line, with `markdown_regions` marking what is not prose):

- `markdown_html_headings`: simple raw `<h1>`..`<h6>` lines become Markdown headings, so they
  join the table of contents like every other heading;
- `normalise_headings`: a leading heading that repeats the title is dropped (the page shows the
  title), and when H1s remain every heading moves down one level, so that a note with three
  top-level sections keeps all three in the table of contents;
- `keep_soft_breaks`: Obsidian shows a single newline as a line break; `<br>` says so to MkDocs;
- `kramdown_to_markdown`: kramdown's definition markers and `{: ...}` attribute lists become
  Python-Markdown definition lists, admonitions or nothing, never literal text;
- `ensure_excerpt_marker`: `<!-- more -->` after the first block when the note has none, so
  listings show an excerpt rather than the whole note.
"""

from __future__ import annotations

import re

from tracker.sanitize import markdown_regions

EXCERPT_MARKER = "<!-- more -->"

_HEADING = re.compile(r"^(?P<indent>[ \t]{0,3})(?P<marks>#{1,6})(?P<rest>(?:[ \t].*)?)$")
_HTML_HEADING_LINE = re.compile(
    r"^[ \t]*<h(?P<level>[1-6])(?:\s[^<>]*)?>(?P<text>[^<>\n]*)</h(?P=level)\s*>[ \t]*$",
    re.IGNORECASE,
)
_HTML_HEADING_TAG = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)


def protected_lines(text: str) -> list[bool]:
    """For each line of `text`: True when any of it is inside fenced code, display math or an
    HTML comment (such lines are never rewritten)."""
    lines = text.split("\n")
    starts = []
    offset = 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    flags = [False] * len(lines)
    position = 0
    line_no = 0
    for kind, chunk in markdown_regions(text):
        start, end = position, position + len(chunk)
        position = end
        if kind not in ("fence", "display", "comment"):
            continue
        while line_no + 1 < len(lines) and starts[line_no + 1] <= start:
            line_no += 1
        number = line_no
        while number < len(lines) and starts[number] < max(end, start + 1):
            flags[number] = True
            number += 1
    return flags


def _heading_text(line: str) -> str | None:
    match = _HEADING.match(line)
    if not match:
        return None
    return re.sub(r"[ \t]+#+[ \t]*$", "", match.group("rest")).strip()


def _plain(text: str) -> str:
    """Text of a heading for comparing with the title: no tags, emphasis or extra spaces."""
    text = re.sub(r"<[^>]+>", "", text)
    # A date in the file name or heading ("2025-09-23 메모") is not part of the title.
    text = re.sub(r"(?<!\d)(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{6,8})(?!\d)", "", text)
    text = re.sub(r"[*_`]", "", text)
    return re.sub(r"\s+", " ", text).strip().casefold()


_SETEXT = re.compile(r"^[ \t]{0,3}(?P<mark>=+|-+)[ \t]*$")


def markdown_html_headings(body: str) -> str:
    """Headings in the one spelling the rest of this module reads (`## Title`).

    `<h2>Title</h2>` alone on a line (text only inside) and a one-line paragraph underlined
    with `===` or `---` (setext) become ATX headings of the same level.
    """
    lines = body.split("\n")
    protected = protected_lines(body)
    for i, line in enumerate(lines):
        if protected[i]:
            continue
        match = _HTML_HEADING_LINE.match(line)
        if match and match.group("text").strip():
            lines[i] = "#" * int(match.group("level")) + " " + match.group("text").strip()
            continue
        setext = _SETEXT.match(line)
        if (
            setext
            and i > 0
            and lines[i - 1].strip()
            and not protected[i - 1]
            and (i == 1 or not lines[i - 2].strip())
            and not _BLOCK_START.match(lines[i - 1])
        ):
            level = "#" if setext.group("mark").startswith("=") else "##"
            lines[i - 1] = f"{level} {lines[i - 1].strip()}"
            lines[i] = ""
    return "\n".join(lines)


def _is_h1(line: str) -> bool:
    match = _HEADING.match(line)
    if match:
        return len(match.group("marks")) == 1
    return any(level == "1" for _, level in _HTML_HEADING_TAG.findall(line))


def normalise_headings(body: str, title: str) -> str:
    """Drop a leading heading equal to the title; demote all headings when an H1 remains."""
    lines = body.split("\n")
    protected = protected_lines(body)
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and not protected[first]:
        text = _heading_text(lines[first])
        if text is not None and _plain(text) == _plain(title):
            end = first + 1
            while end < len(lines) and not lines[end].strip():
                end += 1
            del lines[first:end], protected[first:end]
    has_h1 = any(not protected[i] and _is_h1(line) for i, line in enumerate(lines))
    if has_h1:
        for i, line in enumerate(lines):
            if protected[i]:
                continue
            match = _HEADING.match(line)
            if match and len(match.group("marks")) < 6:
                lines[i] = match.group("indent") + "#" + match.group("marks") + match.group("rest")
            elif "<h" in line.lower():
                lines[i] = _HTML_HEADING_TAG.sub(
                    lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + 1)}", line
                )
    return "\n".join(lines)


# A line that opens a new block: a soft break before it would be wrong.
_BLOCK_START = re.compile(
    r"^[ \t]*(?:[-*+][ \t]|\d+[.)][ \t]|#{1,6}(?:[ \t]|$)|>|\||`{3}|~{3}|\$\$|:[ \t]"
    r"|[-*_=](?:[ \t]*[-*_=]){2,}[ \t]*$|<(?!br\b)[A-Za-z/!])",
    re.IGNORECASE,
)
_HARD_BREAK_END = re.compile(r"(?:<br\s*/?>|\\|  )$", re.IGNORECASE)


def keep_soft_breaks(body: str) -> str:
    """End each line that continues a paragraph (or list item) with `<br>`."""
    lines = body.split("\n")
    protected = protected_lines(body)
    for i in range(len(lines) - 1):
        line, following = lines[i], lines[i + 1]
        if protected[i] or protected[i + 1] or not line.strip() or not following.strip():
            continue
        stripped = line.strip()
        quoted = stripped.startswith(">") and following.lstrip().startswith(">")
        if quoted and stripped.strip("> ") and following.strip().strip("> "):
            lines[i] = line.rstrip() + "<br>"  # a line break inside a block quote
            continue
        if (
            ("|" in line and "|" in following)  # table rows, with or without outer pipes
            or _BLOCK_START.match(following)
            or _HEADING.match(line)
            or stripped.startswith("|")
            or (stripped.startswith("<") and stripped.endswith(">"))
            or _HARD_BREAK_END.search(line)
            or line.startswith(("    ", "\t"))
            and not lines[i - 1 if i else 0].strip()
        ):
            continue
        lines[i] = line.rstrip() + "<br>"
    return "\n".join(lines)


_IAL_LINE = re.compile(r"^[ \t]*\{:(?:[^{}\n]|\{[^{}\n]*\})*\}[ \t]*$")
_IAL_INLINE = re.compile(r"\{:(?:[^{}\n]|\{[^{}\n]*\})*\}")
_TOC_LIST = re.compile(r"^[ \t]*(?:[*+-]|1\.)[ \t]+TOC[ \t]*$")
_NOTICE = re.compile(r"\.notice(?:--(?P<kind>info|warning|danger|success|primary))?\b")
_NOTICE_KIND = {None: "note", "primary": "note", "info": "info", "warning": "warning",
                "danger": "danger", "success": "success"}  # fmt: skip
_DEFINITION = re.compile(r"^[ \t]{0,3}:(?:[ \t]+:)*(?:[ \t]+(?P<text>\S.*))?[ \t]*$")


def _is_term(line: str) -> bool:
    """A line that can be a definition list's term: plain text, not a block of its own."""
    return bool(line.strip()) and not _BLOCK_START.match(line) and not _IAL_LINE.match(line)


def kramdown_to_markdown(body: str) -> str:
    """kramdown syntax MkDocs does not speak, turned into what it meant (or removed).

    - `term` + `: definition` (also `: : definition`, a blank line between): a definition
      list; a marker with no term before it is dropped and its text kept;
    - `{: .notice--info}` under a paragraph: that paragraph as an admonition of that kind;
    - any other `{: ...}` / `{:toc}` (and the `* TOC` line before it): removed.
    """
    lines = body.split("\n")
    protected = protected_lines(body)
    out: list[str] = []
    for i, line in enumerate(lines):
        if protected[i]:
            out.append(line)
            continue
        if (
            _TOC_LIST.match(line)
            and i + 1 < len(lines)
            and "{:toc" in lines[i + 1].replace(" ", "")
        ):
            continue
        if _IAL_LINE.match(line):
            notice = _NOTICE.search(line)
            if notice:
                _wrap_admonition(out, _NOTICE_KIND[notice.group("kind")])
            continue
        definition = _DEFINITION.match(line)
        if definition:
            text = definition.group("text") or ""
            previous = len(out) - 1
            while previous >= 0 and not out[previous].strip():
                previous -= 1
            gap = len(out) - 1 - previous
            term_before = (
                previous >= 0
                and gap <= 1
                and (_is_term(out[previous]) or out[previous].startswith(":   "))
            )
            if not text:
                continue
            if term_before:
                out.append(":   " + text)
            else:
                out.append(text)
            continue
        out.append(_IAL_INLINE.sub("", line) if "{:" in line else line)
    return "\n".join(out)


def _wrap_admonition(out: list[str], kind: str) -> None:
    """Turn the paragraph that ends `out` into `!!! kind` with its lines indented."""
    end = len(out)
    while end > 0 and not out[end - 1].strip():
        end -= 1
    start = end
    while start > 0 and out[start - 1].strip():
        start -= 1
    if (
        start == end
        or _BLOCK_START.match(out[start])
        and not out[start].lstrip().startswith(("-", "*", "+"))
    ):
        return
    paragraph = out[start:end]
    out[start:] = [f"!!! {kind}", "", *("    " + line for line in paragraph), ""]


def ensure_excerpt_marker(body: str) -> str:
    """`<!-- more -->` after the note's first block (headings alone are not a block)."""
    if EXCERPT_MARKER in body:
        return body
    lines = body.split("\n")
    protected = protected_lines(body)
    content = False
    for i, line in enumerate(lines):
        if protected[i]:
            content = True
            continue
        if not line.strip():
            following = next((x for x in lines[i:] if x.strip()), "")
            # An indented line after the blank one continues the block (an admonition's
            # body, a list item's second paragraph): the excerpt may not cut it.
            if content and not following.startswith(("    ", "\t")):
                return "\n".join([*lines[:i], "", EXCERPT_MARKER, *lines[i:]])
            continue
        if _HEADING.match(line) is None:
            content = True
    return body.rstrip("\n") + "\n\n" + EXCERPT_MARKER + "\n"
