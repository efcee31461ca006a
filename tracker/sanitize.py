"""Sanitising the raw HTML inside meeting notes, without touching their Markdown or math.

Notes mix Markdown, LaTeX and raw HTML (`<h1>`, `<br>`, entities). Running an HTML sanitiser over
the whole note would escape `>` of block quotes and `<` inside `$a < b$`, so this module owns the
split of a note into regions: code and math are left byte-for-byte, and in the prose between them
each HTML tag is passed on its own through nh3 (a maintained, allow-list sanitiser), keeping the
structure (headings, line breaks, tables, images) and dropping scripts, `on*=` handlers and
`javascript:` URLs. `markdown_regions` is shared with the mention linker.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import nh3

# Elements whose content is dangerous or meaningless once the tag is gone: dropped whole.
_DROP_WITH_CONTENT = re.compile(
    r"<(script|style|iframe|object|embed|template|noscript)\b[^>]*>.*?</\1\s*>"
    r"|<(script|style|iframe|object|embed|template|noscript)\b[^>]*/?>",
    re.IGNORECASE | re.DOTALL,
)

# A tag name must be followed by space, '/' or '>' so that autolinks (<https://...>) are not tags.
_TAG = re.compile(r"""</?[A-Za-z][A-Za-z0-9-]*(?=[\s/>])(?:[^<>"']|"[^"]*"|'[^']*')*>""")
_CLOSING_TAG = re.compile(r"^</([A-Za-z][A-Za-z0-9-]*)\s*>$")
_TAG_NAME = re.compile(r"^<([A-Za-z][A-Za-z0-9-]*)")

ALLOWED_TAGS = set(nh3.ALLOWED_TAGS)
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()
}
# Structure people write by hand: anchors, alignment and classes; never style or handlers.
ALLOWED_ATTRIBUTES.setdefault("*", set()).update({"id", "class", "title", "align", "lang"})
ALLOWED_ATTRIBUTES.setdefault("a", set()).update({"href", "title", "target", "name"})
ALLOWED_ATTRIBUTES.setdefault("img", set()).update({"src", "alt", "title", "width", "height"})
URL_SCHEMES = {"http", "https", "mailto"}
_PARSE_CONTEXT = {
    "tr": "<table><tbody>",
    "td": "<table><tbody><tr>",
    "th": "<table><tbody><tr>",
    "tbody": "<table>",
    "thead": "<table>",
    "tfoot": "<table>",
    "caption": "<table>",
    "colgroup": "<table>",
    "col": "<table><colgroup>",
    "li": "<ul>",
    "dt": "<dl>",
    "dd": "<dl>",
}

# Markdown links and images whose target uses a script-capable scheme.
_UNSAFE_MD_LINK = re.compile(
    r"(\]\(\s*)(?:javascript|vbscript|data)\s*:(?:[^()\s]|\([^()\s]*\))*", re.IGNORECASE
)

# Regions that are not prose. Order matters: fences before inline code, display math before
# inline math. Each alternative is one named group so callers know what they hit.
_REGION = re.compile(
    r"(?P<fence>^[ \t]{0,3}(?P<mark>`{3,}|~{3,})[^\n]*\n.*?(?:^[ \t]{0,3}(?P=mark)[ \t]*$|\Z))"
    r"|(?P<comment><!--.*?-->)"
    r"|(?P<display>\$\$.+?\$\$|\\\[.+?\\\])"
    r"|(?P<code>(?P<ticks>`+)[^`].*?(?<!`)(?P=ticks)(?!`))"
    r"|(?P<inline>(?<![\\$\w])\$(?=[^\s$])[^$\n]*?(?<=[^\s\\])\$(?![$\d])|\\\(.+?\\\))",
    re.DOTALL | re.MULTILINE,
)


def markdown_regions(text: str) -> Iterator[tuple[str, str]]:
    """Yield `(kind, chunk)` pairs covering `text` in order; kind is 'prose' or the region name.

    Region kinds: 'fence' (fenced code), 'comment' (HTML comment, e.g. `<!-- more -->`),
    'display' ($$...$$ or \\[...\\]), 'code' (inline code), 'inline' ($...$ or \\(...\\)).
    """
    position = 0
    for match in _REGION.finditer(text):
        if match.start() > position:
            yield "prose", text[position : match.start()]
        kind = next(
            name
            for name in ("fence", "comment", "display", "code", "inline")
            if match.group(name) is not None
        )
        yield kind, match.group(0)
        position = match.end()
    if position < len(text):
        yield "prose", text[position:]


def sanitize_tag(tag: str) -> str:
    """One HTML tag through nh3: the cleaned tag, or '' when the element is not allowed."""
    closing = _CLOSING_TAG.match(tag)
    if closing:
        return tag if closing.group(1).lower() in ALLOWED_TAGS else ""
    name_match = _TAG_NAME.match(tag)
    if not name_match:
        return ""
    name = name_match.group(1).lower()
    if name not in ALLOWED_TAGS:
        return ""
    # An HTML parser drops table parts and list items met out of context, so give it one.
    context = _PARSE_CONTEXT.get(name, "")
    cleaned = nh3.clean(
        context + tag,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
    )
    # nh3 returns a balanced fragment; keep only the opening tag (the note closes it later).
    opening = re.search(rf"<{name}(?:\s[^>]*)?/?>", cleaned, flags=re.IGNORECASE)
    return opening.group(0) if opening else ""


def sanitize_prose(text: str) -> str:
    """Sanitise the HTML in a stretch of prose; Markdown syntax and entities stay as written."""
    text = _DROP_WITH_CONTENT.sub("", text)
    text = _TAG.sub(lambda m: sanitize_tag(m.group(0)), text)
    return _UNSAFE_MD_LINK.sub(r"\1#", text)


def sanitize_markdown(text: str) -> str:
    """Sanitise the raw HTML of a Markdown note; code, math and comments are left untouched."""
    out = []
    for kind, chunk in markdown_regions(text):
        out.append(sanitize_prose(chunk) if kind == "prose" else chunk)
    return "".join(out)
