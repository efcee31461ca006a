"""The last pass of `tracker site build`: sanitise every page MkDocs wrote, as HTML.

Sanitising the Markdown *source* is not enough: the Markdown renderer turns escaped brackets,
comment tricks, unclosed fences and entity-encoded `javascript:` links back into live HTML. So
this pass works on what is published, after `mkdocs build`:

- the content region of each page (MkDocs Material's `md-content__inner`: the page body, blog
  excerpts) goes through nh3, an allow-list sanitiser with a browser-grade HTML5 parser: no
  `<script>`, no `on*` handler, no URL but http(s), mailto and relative ones, no ids that would
  shadow the theme's own (`__config`, ...);
- the theme's chrome around it (header, navigation, table of contents, `<head>`) also carries
  text people wrote (page titles), so every tag there is read with a tokenizer that follows the
  HTML5 rules for comments and raw-text elements: handlers and script URLs are dropped, a
  `<script>` stays only if it is the site's own file (a `src` inside the site) or one of the
  theme's inline scripts, each exactly once;
- the search index, whose titles and texts the theme's search shows as HTML.

Pages are rewritten only where something was removed, so the theme's markup stays byte-exact.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import nh3

from tracker import store
from tracker.errors import DataError

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})

# What Markdown, pymdownx and Material's blog put in the content region.
CONTENT_TAGS = set(nh3.ALLOWED_TAGS) | {
    "article",
    "header",
    "footer",
    "nav",
    "section",
    "time",
    "input",
    "label",
    "details",
    "summary",
    "figure",
    "figcaption",
    "mark",
    "svg",
    "path",
}
CONTENT_ATTRIBUTES: dict[str, set[str]] = {tag: set(a) for tag, a in nh3.ALLOWED_ATTRIBUTES.items()}
CONTENT_ATTRIBUTES.setdefault("*", set()).update({"id", "class", "title", "align", "lang", "dir"})
CONTENT_ATTRIBUTES.setdefault("a", set()).update({"href", "title", "target"})
CONTENT_ATTRIBUTES.setdefault("img", set()).update({"src", "alt", "title", "width", "height"})
CONTENT_ATTRIBUTES["input"] = {"type", "checked", "disabled"}
CONTENT_ATTRIBUTES["label"] = {"for"}
CONTENT_ATTRIBUTES["time"] = {"datetime"}
CONTENT_ATTRIBUTES["details"] = {"open"}
CONTENT_ATTRIBUTES["svg"] = {"xmlns", "viewbox", "width", "height", "fill"}
CONTENT_ATTRIBUTES["path"] = {"d", "fill"}
# The progress bars of member pages are sized with an inline width, nothing else.
CONTENT_ATTRIBUTES.setdefault("span", set()).add("style")
STYLE_PROPERTIES = {"width"}

_CONTENT_OPEN = re.compile(r'<(article|div) class="md-content__inner[^"]*">')
_FOOTER = '<footer class="md-footer">'

# Inline scripts Material writes into every page, known by how they begin.
THEME_INLINE_SCRIPTS = (
    "__md_scope=new URL(",
    'var palette=__md_get("__palette")',
    "var target=document.getElementById(location.hash.slice(1))",
)
# Elements that load or run something of their own: never outside the content region either.
_DROP_TAGS = frozenset(
    {
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "base",
        "portal",
        "animate",
        "set",
        "animatetransform",
        "animatemotion",
        "foreignobject",
    }
)
_URL_ATTRS = frozenset(
    {
        "href",
        "src",
        "action",
        "formaction",
        "xlink:href",
        "poster",
        "data",
        "background",
        "cite",
        "ping",
        "lowsrc",
        "dynsrc",
        "codebase",
    }
)
# Browsers treat the content of these as text up to their end tag (in HTML, not in SVG).
_RAW_TEXT = frozenset(
    {"title", "textarea", "style", "xmp", "iframe", "noembed", "noframes", "noscript"}
)


@dataclass
class SanitizeReport:
    pages: int = 0
    rewritten: list[str] = field(default_factory=list)
    removed: int = 0


# --------------------------------------------------------------------------------------------
# URLs


def safe_url(value: str) -> bool:
    """True for http(s), mailto and relative URLs, as a browser reads the attribute value
    (character references decoded, tabs and newlines removed, leading controls stripped)."""
    text = html.unescape(value)
    text = re.sub(r"[\t\n\r]", "", text).strip(
        "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c"
        "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18"
        "\x19\x1a\x1b\x1c\x1d\x1e\x1f "
    )
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.\-]*):", text)
    if match is None:
        # No scheme: relative (or `//host`, which takes the page's own http(s) scheme).
        return True
    return match.group(1).lower() in SAFE_SCHEMES


def url_or_none(value: str | None, *, mailto: bool = True) -> str | None:
    """A URL from the sheet if it may be a link (http/https, mailto), else None (shown as text)."""
    if not value:
        return None
    text = value.strip()
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.\-]*):", text)
    schemes = {"http", "https"} | ({"mailto"} if mailto else set())
    if match is None or match.group(1).lower() not in schemes:
        return None
    return text


# --------------------------------------------------------------------------------------------
# The content region


def _content_region(page: str) -> tuple[int, int] | None:
    opening = _CONTENT_OPEN.search(page)
    footer = page.rfind(_FOOTER)
    if opening is None or footer < 0:
        return None
    end = page.rfind("</article>", opening.end(), footer)
    if end < 0:
        return None
    if opening.group(1) == "div":
        end += len("</article>")  # blog lists: the last excerpt's end belongs to the content
    return opening.end(), end


def clean_content(fragment: str, *, reserved_ids: set[str] = frozenset()) -> str:  # type: ignore[assignment]
    """The content region through nh3; ids that the theme itself uses are dropped."""

    def attribute_filter(tag: str, name: str, value: str) -> str | None:
        if name == "id" and (value in reserved_ids or value.startswith("__md")):
            return None
        if name in _URL_ATTRS and not safe_url(value):
            return None
        return value

    return nh3.clean(
        fragment,
        tags=CONTENT_TAGS,
        clean_content_tags={"script", "style"},
        attributes=CONTENT_ATTRIBUTES,
        attribute_filter=attribute_filter,
        url_schemes=set(SAFE_SCHEMES),
        link_rel=None,
        strip_comments=True,
        filter_style_properties=STYLE_PROPERTIES,
    )


# --------------------------------------------------------------------------------------------
# A tokenizer for the theme's chrome


@dataclass
class _Tag:
    start: int
    end: int
    name: str
    closing: bool
    attrs: list[tuple[str, str | None]]
    raw: str


_ATTR = re.compile(
    r"""[\s/]*(?P<name>[^\s/>][^\s/>=]*)(?:\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<uq>[^\s>]*)))?"""
)


def _parse_tag(page: str, start: int) -> _Tag | None:
    """The tag starting at `start` ('<' + letter or '</' + letter), read as HTML5 does."""
    closing = page.startswith("</", start)
    position = start + (2 if closing else 1)
    name_match = re.compile(r"[^\s/>]*").match(page, position)
    assert name_match is not None
    name = name_match.group(0).lower()
    position = name_match.end()
    attrs: list[tuple[str, str | None]] = []
    while position < len(page):
        if page[position] == ">":
            return _Tag(start, position + 1, name, closing, attrs, page[start : position + 1])
        match = _ATTR.match(page, position)
        if match is None or match.end() == position:
            position += 1
            continue
        if match.group("name"):
            value = next(
                (match.group(g) for g in ("dq", "sq", "uq") if match.group(g) is not None), None
            )
            attrs.append((match.group("name").lower(), value))
        position = match.end()
    return None  # an unclosed tag at the end of the file: the browser drops it


def _tokens(page: str) -> Iterator[tuple[str, int, int, _Tag | None]]:
    """(kind, start, end, tag) over the page; kind is text, comment, tag or raw."""
    position = 0
    length = len(page)
    while position < length:
        lt = page.find("<", position)
        if lt < 0:
            yield "text", position, length, None
            return
        if lt > position:
            yield "text", position, lt, None
        nxt = page[lt + 1 : lt + 2]
        if page.startswith("<!--", lt):
            if page.startswith("<!-->", lt) or page.startswith("<!--->", lt):
                end = page.index(">", lt + 4) + 1
            else:
                ends = [i for i in (page.find("-->", lt + 4), page.find("--!>", lt + 4)) if i >= 0]
                if ends:
                    first = min(ends)
                    end = first + (3 if page.startswith("-->", first) else 4)
                else:
                    end = length
            yield "comment", lt, end, None
            position = end
        elif nxt in ("!", "?") or (nxt == "/" and not page[lt + 2 : lt + 3].isalpha()):
            close = page.find(">", lt)
            end = length if close < 0 else close + 1
            if page.startswith("<!doctype", lt) or page.startswith("<!DOCTYPE", lt):
                yield "text", lt, end, None  # the doctype: kept as it is
            else:
                yield "comment", lt, end, None
            position = end
        elif nxt.isalpha() or (nxt == "/" and page[lt + 2 : lt + 3].isalpha()):
            tag = _parse_tag(page, lt)
            if tag is None:
                yield "comment", lt, length, None
                return
            yield "tag", lt, tag.end, tag
            position = tag.end
            if not tag.closing and (tag.name in _RAW_TEXT or tag.name == "script"):
                match = re.compile(rf"</{tag.name}[\s/>]", re.IGNORECASE).search(page, position)
                end = match.start() if match else length
                yield "raw", position, end, tag
                position = end
        else:
            yield "text", lt, lt + 1, None
            position = lt + 1


def _render_tag(tag: _Tag, attrs: list[tuple[str, str | None]]) -> str:
    parts = [tag.name]
    for name, value in attrs:
        parts.append(name if value is None else f'{name}="{html.escape(value, quote=True)}"')
    return ("</" if tag.closing else "<") + " ".join(parts) + ">"


def _script_allowed(tag: _Tag, body: str, site_dir: Path, page_path: Path) -> bool:
    attrs = dict(tag.attrs)
    if "src" in attrs:
        src = attrs["src"] or ""
        if body.strip() or re.match(r"[a-zA-Z][a-zA-Z0-9+.\-]*:|//", src.strip()):
            return False
        relative = html.unescape(src).split("?")[0].split("#")[0]
        site = site_dir.resolve()
        if relative.startswith("/"):
            # 404.html links from the site URL's path (/<project>/assets/...): any tail of the
            # path that names a file of this site is the site's own.
            parts = relative.strip("/").split("/")
            candidates = [site.joinpath(*parts[i:]) for i in range(len(parts))]
        else:
            candidates = [page_path.parent / relative]
        return any(c.resolve().is_file() and site in c.resolve().parents for c in candidates)
    if (attrs.get("type") or "").lower() == "application/json":
        return "</" not in body
    return "</" not in body and "<!--" not in body and body.startswith(THEME_INLINE_SCRIPTS)


def clean_chrome(page: str, *, site_dir: Path, page_path: Path) -> tuple[str, int]:
    """The page with every unsafe tag outside the content region neutralised; (page, removed)."""
    out: list[str] = []
    removed = 0
    inline_seen: dict[str, int] = {}
    skip_script_end = 0
    tokens = list(_tokens(page))
    index = 0
    while index < len(tokens):
        kind, start, end, tag = tokens[index]
        chunk = page[start:end]
        if kind == "comment":
            removed += 1  # nothing the theme needs lives in a comment
        elif kind == "raw" and tag is not None:
            if tag.name == "script":
                out.append(chunk)
            else:
                # In HTML this is text; inside an <svg> it would be markup. Escaping '<' makes
                # both readings the same text.
                escaped = chunk.replace("<", "&lt;")
                removed += escaped != chunk
                out.append(escaped)
        elif kind == "tag" and tag is not None:
            if tag.name == "script" and not tag.closing:
                body_token = tokens[index + 1] if index + 1 < len(tokens) else None
                body = (
                    page[body_token[1] : body_token[2]]
                    if body_token and body_token[0] == "raw"
                    else ""
                )
                if _script_allowed(tag, body, site_dir, page_path):
                    if "src" not in dict(tag.attrs):
                        prefix = next((p for p in THEME_INLINE_SCRIPTS if body.startswith(p)), None)
                        key = prefix or f"json:{dict(tag.attrs).get('id')}"
                        inline_seen[key] = inline_seen.get(key, 0) + 1
                    out.append(chunk)
                else:
                    # Drop the start tag and let the browser read the content as text: the
                    # content is tokenised below exactly as the browser will then read it.
                    removed += 1
                    skip_script_end += 1
                    if body_token and body_token[0] == "raw":
                        tokens[index + 1 : index + 2] = [
                            (k, body_token[1] + s, body_token[1] + e, t)
                            for k, s, e, t in _tokens(body)
                        ]
            elif tag.name == "script" and tag.closing and skip_script_end:
                skip_script_end -= 1
                removed += 1
            elif tag.name in _DROP_TAGS or (
                tag.name == "meta" and any(n == "http-equiv" for n, _ in tag.attrs)
            ):
                removed += 1
            else:
                kept = [
                    (n, v)
                    for n, v in tag.attrs
                    if not n.startswith("on")
                    and n not in ("srcdoc", "srcset")
                    and not (n in _URL_ATTRS and v is not None and not safe_url(v))
                ]
                if kept != tag.attrs:
                    removed += 1
                    out.append(_render_tag(tag, kept))
                else:
                    out.append(chunk)
        else:
            out.append(chunk)
        index += 1
    doubled = sorted(k for k, n in inline_seen.items() if n > 1)
    if doubled:
        raise DataError(
            f"{page_path}: the theme's inline script {doubled[0]!r} appears twice: a page title "
            "or heading carries a <script> of its own",
            fix="remove the HTML from that page's title (front matter `title:`) and build again",
        )
    return "".join(out), removed


def _reserved_ids(chrome: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', chrome))


def sanitize_page(page: str, *, site_dir: Path, page_path: Path) -> tuple[str, int]:
    """One built page, sanitised; (new text, number of things removed)."""
    removed = 0
    region = _content_region(page)
    if region is not None:
        start, end = region
        chrome = page[:start] + page[end:]
        fragment = page[start:end]
        cleaned = clean_content(fragment, reserved_ids=_reserved_ids(chrome))
        if cleaned != fragment:
            removed += 1
            page = page[:start] + cleaned + page[end:]
    page, more = clean_chrome(page, site_dir=site_dir, page_path=page_path)
    return page, removed + more


def _clean_search_index(path: Path) -> bool:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    changed = False
    for doc in data.get("docs", []):
        for key in ("title", "text"):
            value = doc.get(key)
            if isinstance(value, str) and "<" in value:
                # A result's title is text; its text keeps the content's allowed markup.
                cleaned = nh3.clean(value, tags=set()) if key == "title" else clean_content(value)
                if cleaned != value:
                    doc[key] = cleaned
                    changed = True
    if changed:
        store.atomic_write_bytes(
            path, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        )
    return changed


def sanitize_site(site_dir: Path) -> SanitizeReport:
    """Sanitise every HTML page and the search index of a built site in place."""
    site_dir = Path(site_dir)
    report = SanitizeReport()
    for path in sorted(site_dir.rglob("*.html")):
        if "assets" in path.relative_to(site_dir).parts[:1]:
            continue
        report.pages += 1
        text = path.read_text(encoding="utf-8")
        cleaned, removed = sanitize_page(text, site_dir=site_dir, page_path=path)
        if cleaned != text:
            store.atomic_write_bytes(path, cleaned.encode("utf-8"), durable=False)
            report.rewritten.append(str(path.relative_to(site_dir)))
            report.removed += removed
    index = site_dir / "search" / "search_index.json"
    if index.is_file() and _clean_search_index(index):
        report.rewritten.append(str(index.relative_to(site_dir)))
    return report
