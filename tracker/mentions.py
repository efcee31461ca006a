"""Paper mentions in meeting notes: finding them and turning them into links to paper pages.

A mention is a paper's title, one of its common names (`aliases`: "BERT", "Word2Vec") or its
arXiv id. Notes are Korean, so names sit right against particles ("BERT는", "Word2Vec의"):
a mention is bounded by anything that is not an ASCII letter or digit, which also keeps
"BERT" from matching inside "RoBERTa". Code, math, headings, existing links, raw HTML tags
and URLs are never touched (a heading gets a link beside its text on request). Only the first
mention of each paper in a note becomes a link, as in an encyclopaedia article, so the prose
stays readable.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from tracker.models import Paper
from tracker.sanitize import markdown_regions

# Prose constructs a link must not be placed inside.
_PROTECTED_PROSE = re.compile(
    r"(?P<heading>^[ \t]{0,3}#{1,6}(?:[ \t].*)?$)"
    r"|(?P<refdef>^[ \t]{0,3}\[[^\]\n]+\]:.*$)"
    r"|(?P<htmlheading><h(?P<level>[1-6])\b[\s\S]*?</h(?P=level)\s*>)"
    r"|(?P<anchor><a\b[\s\S]*?</a\s*>)"
    r"|(?P<link>!?\[(?:[^\[\]\n]|\[[^\]\n]*\])*\](?:\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)|\[[^\]\n]*\])?)"
    r"|(?P<tag><[^<>\n]+>)"
    r"|(?P<url>\b(?:https?|ftp)://[^\s<>()\[\]]+)",
    re.MULTILINE | re.IGNORECASE,
)

_LINK_TARGET = re.compile(r"\]\(([^()\s]+)")
_ARXIV_SHAPE = re.compile(r"^\d{4}\.\d{4,5}$")
_MIN_TITLE_LENGTH = 12  # shorter titles are ambiguous as plain words


@dataclass(frozen=True)
class MentionIndex:
    """One compiled pattern over every paper name, and which paper each name belongs to."""

    pattern: re.Pattern[str] | None
    names: dict[str, str]  # normalised name -> paper id

    @classmethod
    def from_papers(cls, papers: Iterable[Paper]) -> MentionIndex:
        exact: dict[str, str] = {}
        folded: dict[str, str] = {}
        for paper in papers:
            for alias in paper.aliases:
                if alias.strip():
                    exact.setdefault(alias.strip(), paper.id)
            for arxiv in {paper.arxiv, paper.id if _ARXIV_SHAPE.match(paper.id) else None}:
                if arxiv:
                    exact.setdefault(arxiv, paper.id)
            title = paper.title.strip()
            if len(title) >= _MIN_TITLE_LENGTH:
                folded.setdefault(title.casefold(), paper.id)
        names = {**{k.casefold(): v for k, v in folded.items()}}
        # Aliases are case-sensitive ("BERT" the model, not "bert" in a word); titles are not.
        alternatives = [
            *(re.escape(name) for name in exact),
            *(f"(?i:{re.escape(title)})" for title in folded),
        ]
        if not alternatives:
            return cls(pattern=None, names={})
        # Longest first so "Attention Is All You Need" wins over "Transformer"-like prefixes.
        alternatives.sort(key=len, reverse=True)
        pattern = re.compile(
            r"(?<![A-Za-z0-9_./-])(?:" + "|".join(alternatives) + r")(?![A-Za-z0-9_]|\.\d)"
        )
        names.update(exact)
        return cls(pattern=pattern, names=names)

    def paper_for(self, text: str) -> str | None:
        return self.names.get(text) or self.names.get(text.casefold())


# Protected pieces that still count as mentioning a paper (only linking avoids them).
_MENTIONING_KINDS = {"heading", "htmlheading", "link", "anchor"}


def _linkable_spans(markdown: str) -> list[tuple[str, str]]:
    """Split a note into (kind, chunk) pieces; kind 'text' is plain prose outside links."""
    pieces: list[tuple[str, str]] = []
    for kind, chunk in markdown_regions(markdown):
        if kind != "prose":
            pieces.append((kind, chunk))
            continue
        position = 0
        for match in _PROTECTED_PROSE.finditer(chunk):
            if match.start() > position:
                pieces.append(("text", chunk[position : match.start()]))
            pieces.append((match.lastgroup or "protected", match.group(0)))
            position = match.end()
        if position < len(chunk):
            pieces.append(("text", chunk[position:]))
    return pieces


def find_mentions(markdown: str, index: MentionIndex) -> list[str]:
    """Ids of the papers a note mentions (prose, headings and link labels), in order."""
    if index.pattern is None:
        return []
    found: list[str] = []
    for kind, chunk in _linkable_spans(markdown):
        if kind != "text" and kind not in _MENTIONING_KINDS:
            continue
        for match in index.pattern.finditer(chunk):
            paper_id = index.paper_for(match.group(0))
            if paper_id and paper_id not in found:
                found.append(paper_id)
    return found


def link_mentions(
    markdown: str,
    index: MentionIndex,
    href_for: Callable[[str], str],
    *,
    already_linked: Iterable[str] = (),
    headings: bool = False,
) -> str:
    """Link the first prose mention of each paper to `href_for(paper_id)`.

    Papers the note already links to (`already_linked`, or found in existing links) are not
    linked again, so running this twice gives the same text. With `headings`, a Markdown
    heading that names papers gets a link to each (the first heading per paper) placed after
    its text, with no link text of its own: the heading's anchor is computed from its text, so
    it stays what it was (the site's CSS shows the link as a small label).
    """
    if index.pattern is None:
        return markdown
    linked = set(already_linked)
    pieces = _linkable_spans(markdown)
    by_href = {href_for(paper_id): paper_id for paper_id in set(index.names.values())}
    for kind, chunk in pieces:
        if kind != "text":
            for href in _LINK_TARGET.findall(chunk):
                if href in by_href:
                    linked.add(by_href[href])
    out: list[str] = []
    for kind, chunk in pieces:
        if kind == "heading" and headings:
            chunk = _link_heading(chunk, index, href_for, linked)
        if kind != "text":
            out.append(chunk)
            continue

        def replace(match: re.Match[str]) -> str:
            paper_id = index.paper_for(match.group(0))
            if paper_id is None or paper_id in linked:
                return match.group(0)
            linked.add(paper_id)
            return f"[{match.group(0)}]({href_for(paper_id)})"

        out.append(index.pattern.sub(replace, chunk))
    return "".join(out)


_CLOSING_HASHES = re.compile(r"(?P<text>.*?)(?P<close>[ \t]+#+[ \t]*|[ \t]*)$")


def _link_heading(
    heading: str, index: MentionIndex, href_for: Callable[[str], str], linked: set[str]
) -> str:
    """`## Word2Vec와 GloVe` -> `## Word2Vec와 GloVe [](w2v.md "논문: ...") [](glove.md ...)`."""
    assert index.pattern is not None
    # Names inside the heading's own links or code are not looked at (they are elsewhere).
    text = re.sub(r"`[^`]*`|\[[^\]]*\]\([^)]*\)", " ", heading)
    added = []
    for match in index.pattern.finditer(text):
        paper_id = index.paper_for(match.group(0))
        if paper_id is None or paper_id in linked:
            continue
        linked.add(paper_id)
        label = match.group(0).replace('"', "'")
        added.append(f'[]({href_for(paper_id)} "논문 페이지: {label}")')
    if not added:
        return heading
    parts = _CLOSING_HASHES.match(heading)
    assert parts is not None
    return f"{parts.group('text')} {' '.join(added)}{parts.group('close')}"
