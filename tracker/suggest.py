"""Candidate papers for a reading list too short for everyone's quota.

Two public sources, both keyless for light use:

* the Semantic Scholar Graph API: the references and the citations of papers already on the list
  (`GET /paper/ARXIV:<id>/references` → `{"data": [{"citedPaper": {...}}]}`, `/citations` →
  `{"data": [{"citingPaper": {...}}]}`) and keyword search (`GET /paper/search?query=` →
  `{"total", "offset", "data": [{...}]}`), each paper with `title`, `year`, `venue`, `authors`
  (`[{"name"}]`), `abstract` and `externalIds` (`{"ArXiv", "DOI"}`);
* the arXiv API: keyword search (`GET /api/query?search_query=all:...`, an Atom feed whose
  entries carry `id` (`http://arxiv.org/abs/<id>v<n>`), `title`, `summary`, `published`,
  `author/name` and `arxiv:doi`).

Candidates are merged across sources, refused when the list already holds them (same arXiv id,
DOI or normalised title), ranked by the relevance score `tracker assign` uses (the best match
among the members' interests), and each carries why it was suggested. Network use is bounded: a
timeout per request, a request budget per run, bounded retries on 429/5xx. A source that fails
becomes a warning; when every source fails the error says so plainly (offline).
Endpoints can be pointed elsewhere with TRACKER_S2_ENDPOINT and TRACKER_ARXIV_ENDPOINT.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker import store
from tracker.catalog import Catalog
from tracker.errors import DataError, RemoteError
from tracker.http import RequestBudget, request
from tracker.library import ARXIV_API, ARXIV_ENDPOINT_ENV, normalise_title, slugify
from tracker.models import ARXIV_PATTERN, ID_PATTERN, Paper, Status

S2_API = "https://api.semanticscholar.org/graph/v1"
S2_ENDPOINT_ENV = "TRACKER_S2_ENDPOINT"
S2_KEY_ENV = "SEMANTIC_SCHOLAR_API_KEY"
S2_FIELDS = "title,year,venue,authors,abstract,externalIds"
ATOM = {"a": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom"}
SCHEMA = 1


@dataclass
class Candidate:
    title: str
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    venue: str | None = None
    arxiv: str | None = None
    doi: str | None = None
    abstract: str | None = None
    reasons: list[str] = field(default_factory=list)
    score: float = 0.0
    member: str | None = None
    keywords: list[str] = field(default_factory=list)

    def key(self) -> str:
        if self.arxiv:
            return f"arxiv:{self.arxiv}"
        if self.doi:
            return f"doi:{self.doi}"
        return f"title:{normalise_title(self.title)}"

    def merge(self, other: Candidate) -> None:
        for name in ("year", "venue", "arxiv", "doi", "abstract"):
            if getattr(self, name) in (None, "") and getattr(other, name):
                setattr(self, name, getattr(other, name))
        if not self.authors:
            self.authors = other.authors
        for reason in other.reasons:
            if reason not in self.reasons:
                self.reasons.append(reason)

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "authors": self.authors,
            "year": self.year,
            "venue": self.venue,
            "arxiv": self.arxiv,
            "doi": self.doi,
            "abstract": self.abstract,
            "score": round(self.score, 4),
            "best_member": self.member,
            "keywords": self.keywords,
            "why": self.reasons,
        }


@dataclass
class Suggestions:
    needed: int  # papers the list lacks for every member's quota
    candidates: list[Candidate]
    refused: list[dict[str, str]]  # duplicates of the list
    warnings: list[str]
    requests: int

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "needed": self.needed,
            "candidates": [c.to_json() for c in self.candidates],
            "refused": self.refused,
            "warnings": self.warnings,
            "requests": self.requests,
        }


# --------------------------------------------------------------------------------------------
# How short the list is


def papers_needed(catalog: Catalog) -> int:
    """More papers the list needs so that every active member can reach the quota."""
    team = catalog.team
    k = team.readers_per_paper
    members = [m for m in team.members if m.active]
    want = 0
    for member in members:
        have = sum(1 for p in catalog.papers if member.handle in p.readers)
        want += max(team.quota - have, 0)
    free = sum(max(k - len(p.readers), 0) for p in catalog.papers if p.status != Status.presented)
    return math.ceil(max(want - free, 0) / k)


# --------------------------------------------------------------------------------------------
# Reading the sources (shapes as documented; anything else is skipped with a warning)


def _clean_arxiv(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = re.sub(r"v\d+$", "", value.strip().removeprefix("arXiv:").removeprefix("arxiv:"))
    return text if ARXIV_PATTERN.match(text) else None


def _clean_doi(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().lower()
    return re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", text)


def _year(value: Any) -> int | None:
    try:
        year = int(str(value)[:4])
    except (TypeError, ValueError):
        return None
    return year if 1900 <= year <= 2100 else None


def s2_paper(data: Any, reason: str) -> Candidate | None:
    if not isinstance(data, dict) or not isinstance(data.get("title"), str):
        return None
    title = " ".join(data["title"].split())
    if not title:
        return None
    ids = data.get("externalIds") if isinstance(data.get("externalIds"), dict) else {}
    authors = [
        str(a.get("name")).strip()
        for a in data.get("authors") or []
        if isinstance(a, dict) and a.get("name")
    ]
    venue = data.get("venue") if isinstance(data.get("venue"), str) else None
    abstract = data.get("abstract") if isinstance(data.get("abstract"), str) else None
    return Candidate(
        title=title,
        authors=authors,
        year=_year(data.get("year")),
        venue=venue or None,
        arxiv=_clean_arxiv(ids.get("ArXiv")),
        doi=_clean_doi(ids.get("DOI")),
        abstract=" ".join(abstract.split()) if abstract else None,
        reasons=[reason],
    )


def parse_s2(text: str, *, key: str | None, reason: str) -> list[Candidate]:
    """`data` of a Graph API answer; with `key`, each item's paper sits under it."""
    data = json.loads(text)
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise ValueError("no 'data' list")
    found = []
    for item in data["data"]:
        paper = item.get(key) if key and isinstance(item, dict) else item
        candidate = s2_paper(paper, reason)
        if candidate is not None:
            found.append(candidate)
    return found


def parse_arxiv(content: bytes, *, reason: str) -> list[Candidate]:
    root = ET.fromstring(content)
    if root.tag != f"{{{ATOM['a']}}}feed":
        raise ValueError("not an Atom feed")
    found = []
    for entry in root.findall("a:entry", ATOM):
        entry_id = entry.findtext("a:id", "", ATOM)
        if "/api/errors" in entry_id:  # arXiv reports a bad query as an entry titled Error
            raise ValueError(entry.findtext("a:summary", "error", ATOM).strip())
        title = " ".join(entry.findtext("a:title", "", ATOM).split())
        if not title:
            continue
        abstract = " ".join(entry.findtext("a:summary", "", ATOM).split())
        found.append(
            Candidate(
                title=title,
                authors=[
                    " ".join(a.findtext("a:name", "", ATOM).split())
                    for a in entry.findall("a:author", ATOM)
                ],
                year=_year(entry.findtext("a:published", "", ATOM)),
                arxiv=_clean_arxiv(entry_id.rsplit("/abs/", 1)[-1]),
                doi=_clean_doi(entry.findtext("arxiv:doi", "", ATOM)),
                abstract=abstract or None,
                reasons=[reason],
            )
        )
    return found


# --------------------------------------------------------------------------------------------
# Gathering


def search_keywords(catalog: Catalog, limit: int) -> list[str]:
    """The members' interests most shared across the team (Latin-script ones: both APIs
    index English titles), ties by name."""
    counts: Counter[str] = Counter()
    for member in catalog.team.members:
        if not member.active:
            continue
        for interest in member.interests:
            text = interest.strip()
            if text and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 .+-]*", text):
                counts[text.lower()] += 1
    return [k for k, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]


def seed_papers(catalog: Catalog, limit: int) -> list[Paper]:
    """Papers whose neighbours are worth a look: furthest along first, then by id."""
    from tracker.models import STATUS_ORDER

    with_ids = [p for p in catalog.papers if p.arxiv or p.model_extra.get("doi")]  # type: ignore[union-attr]
    with_ids.sort(key=lambda p: (-STATUS_ORDER.index(p.status), p.id))
    return with_ids[:limit]


def gather(
    catalog: Catalog,
    *,
    seeds: int = 5,
    keywords: int = 3,
    per_request: int = 20,
    budget: int = 30,
    timeout: float = 10.0,
) -> tuple[list[Candidate], list[str], int]:
    s2 = os.environ.get(S2_ENDPOINT_ENV, S2_API).rstrip("/")
    arxiv = os.environ.get(ARXIV_ENDPOINT_ENV, ARXIV_API)
    headers = {"x-api-key": os.environ[S2_KEY_ENV]} if os.environ.get(S2_KEY_ENV) else {}
    spend = RequestBudget(budget)
    found: list[Candidate] = []
    warnings: list[str] = []
    failures = 0
    attempts = 0

    def call(url: str, params: dict[str, Any], what: str, parse) -> None:  # noqa: ANN001
        nonlocal failures, attempts
        attempts += 1
        try:
            response = request(
                "GET",
                url,
                what=what,
                params=params,
                headers=headers if url.startswith(s2) else {},
                timeout=timeout,
                retries=2,
                budget=spend,
            )
        except RemoteError as exc:
            failures += 1
            warnings.append(exc.message)
            return
        try:
            found.extend(parse(response))
        except (ValueError, ET.ParseError, json.JSONDecodeError) as exc:
            failures += 1
            warnings.append(f"{what}: the answer is not in the documented shape ({exc})")

    jobs: list[tuple[str, dict[str, Any], str, Any]] = []
    for paper in seed_papers(catalog, seeds):
        ident = f"ARXIV:{paper.arxiv}" if paper.arxiv else f"DOI:{paper.model_extra['doi']}"  # type: ignore[index]
        name = paper.aliases[0] if paper.aliases else paper.id
        params = {"fields": S2_FIELDS, "limit": per_request}
        # Its references (each answer row holds the paper under citedPaper), then its citations.
        for edge, key, relation in (
            ("references", "citedPaper", "cited by"),
            ("citations", "citingPaper", "cites"),
        ):
            jobs.append(
                (
                    f"{s2}/paper/{ident}/{edge}",
                    params,
                    f"Semantic Scholar {edge} of {paper.id}",
                    lambda r, k=key, why=f"{relation} {name} ({paper.id})": parse_s2(
                        r.text, key=k, reason=why
                    ),
                )
            )
    for word in search_keywords(catalog, keywords):
        jobs.append(
            (
                f"{s2}/paper/search",
                {"query": word, "fields": S2_FIELDS, "limit": per_request},
                f"Semantic Scholar search {word!r}",
                lambda r, w=word: parse_s2(r.text, key=None, reason=f"keyword {w!r} (S2)"),
            )
        )
        jobs.append(
            (
                arxiv,
                {
                    "search_query": f'all:"{word}"',
                    "start": 0,
                    "max_results": per_request,
                    "sortBy": "relevance",
                },
                f"arXiv search {word!r}",
                lambda r, w=word: parse_arxiv(r.content, reason=f"keyword {w!r} (arXiv)"),
            )
        )
    from tqdm import tqdm

    for url, params, what, parse in tqdm(jobs, desc="searching", disable=None, leave=False):
        if spend.used >= spend.limit:
            warnings.append(f"request budget of {spend.limit} used up; {what} and later skipped")
            break
        call(url, params, what, parse)
    if jobs and failures == attempts:
        raise RemoteError(
            "no paper source answered: " + "; ".join(dict.fromkeys(warnings)),
            fix="check the network (offline?) and try again; nothing was changed",
        )
    return found, warnings, spend.used


# --------------------------------------------------------------------------------------------
# Ranking


def suggest_papers(
    catalog: Catalog,
    *,
    limit: int | None = None,
    seeds: int = 5,
    keywords: int = 3,
    budget: int = 30,
    timeout: float = 10.0,
) -> Suggestions:
    from tracker.relevance import relevance_matrix

    needed = papers_needed(catalog)
    raw, warnings, used = gather(
        catalog, seeds=seeds, keywords=keywords, budget=budget, timeout=timeout
    )
    merged: dict[str, Candidate] = {}
    aliases: dict[str, str] = {}  # every key of a candidate -> its merged key
    for candidate in raw:
        keys = _keys(candidate)
        home = next((aliases[k] for k in keys if k in aliases), None)
        if home is None:
            home = candidate.key()
            merged[home] = candidate
        else:
            merged[home].merge(candidate)
        for k in _keys(merged[home]):
            aliases.setdefault(k, home)
    listed: dict[str, Paper] = {}
    for paper in catalog.papers:
        if paper.arxiv:
            listed[f"arxiv:{_clean_arxiv(paper.arxiv)}"] = paper
        doi = _clean_doi(paper.model_extra.get("doi")) if paper.model_extra else None
        if doi:
            listed[f"doi:{doi}"] = paper
        listed[f"title:{normalise_title(paper.title)}"] = paper
    fresh: list[Candidate] = []
    refused: list[dict[str, str]] = []
    for candidate in merged.values():
        clash = next(((k, listed[k]) for k in _keys(candidate) if k in listed), None)
        if clash:
            kind = {"arxiv": "arXiv id", "doi": "DOI", "title": "title"}[clash[0].split(":")[0]]
            refused.append({"title": candidate.title, "duplicate_of": clash[1].id, "same": kind})
            continue
        fresh.append(candidate)
    members = sorted((m for m in catalog.team.members if m.active), key=lambda m: m.handle)
    if fresh and members:
        pseudo = [_as_paper(c, i) for i, c in enumerate(fresh)]
        relevance = relevance_matrix(members, pseudo)
        for j, candidate in enumerate(fresh):
            column = relevance.scores[:, j]
            best = int(column.argmax())
            candidate.score = float(column[best])
            candidate.member = members[best].handle if candidate.score > 0 else None
            candidate.keywords = relevance.keywords(best, j) if candidate.score > 0 else []
    # Best match first; more sources pointing at it next; then title (deterministic).
    fresh.sort(key=lambda c: (-round(c.score, 6), -len(c.reasons), normalise_title(c.title)))
    refused.sort(key=lambda r: (r["duplicate_of"], r["title"]))
    count = limit if limit is not None else max(needed, 10)
    return Suggestions(needed, fresh[:count], refused, warnings, used)


def _keys(candidate: Candidate) -> list[str]:
    keys = []
    if candidate.arxiv:
        keys.append(f"arxiv:{candidate.arxiv}")
    if candidate.doi:
        keys.append(f"doi:{candidate.doi}")
    keys.append(f"title:{normalise_title(candidate.title)}")
    return keys


def _as_paper(candidate: Candidate, index: int) -> Paper:
    return Paper(
        id=f"candidate-{index:05d}",
        title=candidate.title,
        abstract=candidate.abstract,
    )


def paper_from_candidate(candidate: Candidate, *, taken: set[str], today: dt.date) -> Paper:
    """The new paper file's fields; the id is the arXiv id, else a slug not yet taken."""
    paper_id = candidate.arxiv or ""
    if not ID_PATTERN.match(paper_id):  # no arXiv id, or an old-style one with a slash
        paper_id = slugify(f"{candidate.title} {candidate.year or ''}")
    base, n = paper_id, 2
    while paper_id in taken:
        paper_id = f"{base}-{n}"
        n += 1
    extra: dict[str, Any] = {"suggested_because": candidate.reasons}
    if candidate.doi:
        extra["doi"] = candidate.doi
    return Paper(
        id=paper_id,
        title=candidate.title,
        authors=candidate.authors,
        year=candidate.year,
        venue=candidate.venue,
        arxiv=candidate.arxiv,
        url=f"https://doi.org/{candidate.doi}" if candidate.doi and not candidate.arxiv else None,
        topics=candidate.keywords,
        abstract=candidate.abstract,
        status=Status.proposed,
        added_on=today,
        **extra,
    )


def add_candidates(
    root: Path, candidates: list[Candidate], *, today: dt.date
) -> tuple[list[Path], list[str]]:
    """Write the candidates as proposed papers through the store (which refuses duplicates too);
    returns the files written and one line per candidate refused."""
    from tracker.library import add_paper

    taken = {p.id for p in store.load_papers_strict(root)}
    written: list[Path] = []
    refused: list[str] = []
    papers = []
    for candidate in candidates:
        paper = paper_from_candidate(candidate, taken=taken, today=today)
        taken.add(paper.id)
        papers.append(paper)
    for paper in papers:
        try:
            written.append(add_paper(root, paper))
        except DataError as exc:
            refused.append(exc.message)
    return written, refused
