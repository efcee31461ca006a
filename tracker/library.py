"""Reading-list operations behind `tracker papers`, `tracker add` and `tracker export`."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from tracker import store
from tracker.errors import DataError, RemoteError
from tracker.models import Paper, Status

ARXIV_ENDPOINT_ENV = "TRACKER_ARXIV_ENDPOINT"
ARXIV_API = "https://export.arxiv.org/api/query"


def normalise_title(title: str) -> str:
    """Titles compare equal regardless of case, accents, punctuation and spacing."""
    text = unicodedata.normalize("NFKD", title).casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[\W_]+", " ", text).strip()


def slugify(text: str, *, max_words: int = 6) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    words = re.findall(r"[a-z0-9]+", text)
    return "-".join(words[:max_words]) or "paper"


def find_duplicate(papers: Iterable[Paper], candidate: Paper) -> tuple[Paper, str] | None:
    """The existing paper `candidate` duplicates and why (id, arXiv id or title)."""
    title = normalise_title(candidate.title)
    for paper in papers:
        if paper.id == candidate.id:
            return paper, "id"
        if candidate.arxiv and paper.arxiv == candidate.arxiv:
            return paper, "arXiv id"
        if normalise_title(paper.title) == title:
            return paper, "title"
    return None


def filter_papers(
    papers: Iterable[Paper],
    *,
    status: str | None = None,
    topic: str | None = None,
    reader: str | None = None,
    year: int | None = None,
    search: str | None = None,
) -> list[Paper]:
    out = []
    needle = search.casefold() if search else None
    for paper in papers:
        if status and paper.status != Status(status):
            continue
        if topic and topic.casefold() not in (t.casefold() for t in paper.topics):
            continue
        if reader and reader not in paper.readers and reader != paper.presenter:
            continue
        if year and paper.year != year:
            continue
        if needle:
            haystack = " ".join(
                [paper.id, paper.title, *paper.authors, *paper.topics, *paper.aliases, paper.body]
            ).casefold()
            if needle not in haystack:
                continue
        out.append(paper)
    return out


def resolve_paper(papers: Iterable[Paper], text: str) -> Paper:
    """The paper a person means: its id, an alias (BERT), or words of its title.

    An exact id or alias wins; otherwise every paper whose title holds all the words is a
    candidate, and more than one is refused with the candidates listed.
    """
    papers = list(papers)
    wanted = text.strip()
    folded = wanted.casefold()
    for paper in papers:
        if paper.id == wanted or (paper.arxiv and paper.arxiv == wanted):
            return paper
    by_alias = [p for p in papers if folded in (a.casefold() for a in p.aliases)]
    if len(by_alias) == 1:
        return by_alias[0]
    words = normalise_title(wanted).split()
    candidates = by_alias or [
        p
        for p in papers
        if words
        and all(
            w in normalise_title(p.title).split() or w in normalise_title(p.title) for w in words
        )
    ]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        close = [p.id for p in papers if folded in p.id.casefold()][:5]
        raise DataError(
            f"no paper {wanted!r} in papers/ (no id, alias or title matches)",
            fix=f"did you mean: {', '.join(close)}"
            if close
            else "see `tracker papers list --search WORD`",
        )
    listed = "; ".join(f"{p.id} ({p.title})" for p in candidates[:10])
    raise DataError(
        f"{wanted!r} matches {len(candidates)} papers: {listed}",
        fix="name one by its id, e.g. `tracker papers show " + candidates[0].id + "`",
    )


def find_paper(root: Path, text: str) -> Paper:
    """`resolve_paper` over the team's papers, reading only one file when `text` is an id."""
    from tracker.models import ID_PATTERN

    wanted = text.strip()
    path = store.paper_path(root, wanted) if ID_PATTERN.match(wanted) else None
    if path is not None and path.is_file():
        return store.read_paper(path)
    return resolve_paper(store.load_papers(root).papers, text)


def fetch_arxiv(arxiv_id: str, *, timeout: float = 10.0) -> dict:
    """Title, authors, year and abstract of an arXiv paper from the arXiv API (Atom)."""
    import os
    import xml.etree.ElementTree as ET

    import requests  # only `tracker add --arxiv` needs the network stack

    endpoint = os.environ.get(ARXIV_ENDPOINT_ENV, ARXIV_API)
    try:
        response = requests.get(endpoint, params={"id_list": arxiv_id}, timeout=timeout)
        response.raise_for_status()
    except requests.RequestException as exc:
        raise RemoteError(
            f"could not fetch arXiv {arxiv_id} ({type(exc).__name__})",
            fix="check the network, or give the fields yourself: --title ... --authors ... --year ...",
        ) from exc
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ET.fromstring(response.content)
    entry = root.find("a:entry", ns)
    if entry is None or entry.find("a:title", ns) is None:
        raise DataError(f"arXiv has no paper {arxiv_id}", fix="check the arXiv id")
    title = " ".join((entry.findtext("a:title", "", ns)).split())
    authors = [
        " ".join(a.findtext("a:name", "", ns).split()) for a in entry.findall("a:author", ns)
    ]
    published = entry.findtext("a:published", "", ns)
    summary = " ".join(entry.findtext("a:summary", "", ns).split())
    return {
        "title": title,
        "authors": authors,
        "year": published[:4] if published else None,
        "abstract": summary or None,
    }


def add_paper(root: Path, paper: Paper) -> Path:
    """Write a new paper file; refuse duplicates by id, arXiv id or normalised title."""
    existing = store.load_papers_strict(root)
    duplicate = find_duplicate(existing, paper)
    if duplicate is not None:
        other, why = duplicate
        raise DataError(
            f"{paper.id}: already in the reading list as papers/{other.id}.md (same {why}): "
            f"{other.title}",
            fix="edit the existing file instead of adding the paper again",
        )
    store.write_paper(root, paper)
    return store.paper_path(root, paper.id)


def bibtex_key(paper: Paper) -> str:
    first = paper.authors[0].split()[-1] if paper.authors else "anon"
    word = next((w for w in re.findall(r"[A-Za-z0-9]+", paper.title) if len(w) > 3), "paper")
    return slugify(f"{first}{paper.year or ''}{word}", max_words=1).replace("-", "")


def to_bibtex(papers: Iterable[Paper]) -> str:
    """BibTeX for the papers, written by bibtexparser (keys unique, fields escaped)."""
    import bibtexparser
    from bibtexparser.model import Entry, Field

    library = bibtexparser.Library()
    used: set[str] = set()
    for paper in papers:
        key = bibtex_key(paper)
        suffix = ord("a")
        unique = key
        while unique in used:
            unique = f"{key}{chr(suffix)}"
            suffix += 1
        used.add(unique)
        fields = [
            Field("title", "{" + paper.title + "}"),
            Field("author", " and ".join(paper.authors)),
        ]
        if paper.year:
            fields.append(Field("year", str(paper.year)))
        entry_type = "misc"
        if paper.venue:
            if paper.venue.lower() in ("jmlr", "neural computation", "tacl"):
                entry_type = "article"
                fields.append(Field("journal", paper.venue))
            else:
                entry_type = "inproceedings"
                fields.append(Field("booktitle", paper.venue))
        if paper.arxiv:
            fields += [Field("eprint", paper.arxiv), Field("archiveprefix", "arXiv")]
        if paper.link:
            fields.append(Field("url", paper.link))
        library.add(Entry(entry_type, unique, fields))
    return bibtexparser.write_string(library)
