"""Importing meeting notes written in the team's many Markdown dialects as MkDocs blog posts.

Accepted on input: Astro/Fuwari front matter (`published`, `category`, `tags`, `draft`), Jekyll
(`layout`, `date` with or without a time and a `+0900` offset, `categories` as a list or a
string, `sidebar`), Obsidian Digital Garden (a JSON object on the front-matter line with
`dg-publish` and `permalink`, no title or date), the blog's own format, and no front matter at
all (title from the first heading or the file name, date from the file name: `250708`,
`2025-07-08`, `20250708`, or `0313` with the year from `--year` or a parent folder).

Written: `docs/meetings/posts/<date>-<ascii-slug>.md` with `date` a real date, `categories`
and `tags` lists, `authors` that exist in `docs/.authors.yml` and a `draft` flag; raw HTML
sanitised and paper mentions linked. The slug is ASCII and deterministic (Korean is
romanised), and `imported_from` remembers the source file, so a re-import rewrites the same
post. Every input is validated before anything is written: one broken file, nothing imported.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker import store
from tracker.catalog import load_team_or_default
from tracker.errors import DataError, FrontMatterError
from tracker.mentions import MentionIndex, link_mentions
from tracker.models import Member
from tracker.sanitize import sanitize_markdown

POSTS_DIR = "meetings/posts"  # relative to docs/
DEFAULT_CATEGORY = "Meeting"
OUTPUT_FIELDS = ["title", "date", "categories", "tags", "authors", "draft", "slug"]


@dataclass
class NoteImport:
    """One note as it will be written: where from, where to, in which dialect, and the text."""

    source: Path
    dialect: str
    target: str  # relative to docs/
    front: dict[str, Any]
    body: str
    status: str = "new"  # new | updated | unchanged

    @property
    def text(self) -> str:
        return store.join_front_matter(self.front, self.body)


@dataclass
class ImportReport:
    notes: list[NoteImport] = field(default_factory=list)
    dry_run: bool = False

    def count(self, status: str) -> int:
        return sum(1 for n in self.notes if n.status == status)


# --------------------------------------------------------------------------------------------
# ASCII slugs (Korean romanised, Revised Romanisation without sound changes: deterministic)

_INITIALS = [
    "g",
    "kk",
    "n",
    "d",
    "tt",
    "r",
    "m",
    "b",
    "pp",
    "s",
    "ss",
    "-",
    "j",
    "jj",
    "ch",
    "k",
    "t",
    "p",
    "h",
]
_MEDIALS = [
    "a",
    "ae",
    "ya",
    "yae",
    "eo",
    "e",
    "yeo",
    "ye",
    "o",
    "wa",
    "wae",
    "oe",
    "yo",
    "u",
    "wo",
    "we",
    "wi",
    "yu",
    "eu",
    "ui",
    "i",
]
_FINALS = [""] + [
    "k",
    "k",
    "k",
    "n",
    "n",
    "n",
    "t",
    "l",
    "k",
    "m",
    "l",
    "l",
    "l",
    "p",
    "l",
    "m",
    "p",
    "p",
    "t",
    "t",
    "ng",
    "t",
    "t",
    "k",
    "t",
    "p",
    "t",
]


def romanize_hangul(text: str) -> str:
    """Hangul syllables to Latin letters; other characters pass through unchanged."""
    out = []
    for char in text:
        code = ord(char) - 0xAC00
        if 0 <= code < 11172:
            initial = _INITIALS[code // 588].replace("-", "")
            out.append(initial + _MEDIALS[(code % 588) // 28] + _FINALS[code % 28])
        else:
            out.append(char)
    return "".join(out)


def ascii_slug(text: str) -> str:
    """A lower-case ASCII slug: Hangul romanised, accents dropped, the rest hyphenated."""
    text = unicodedata.normalize("NFC", text)
    text = romanize_hangul(text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return re.sub(r"-{2,}", "-", slug)[:80].strip("-")


# --------------------------------------------------------------------------------------------
# Dates

_DATE_TEXT = re.compile(
    r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?$"
)
_NAME_DATES = [
    # (pattern, kind): searched in this order in the file name (or permalink)
    (re.compile(r"(?<!\d)(\d{4})[-_.](\d{1,2})[-_.](\d{1,2})(?!\d)"), "ymd"),
    (re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)"), "ymd"),
    (re.compile(r"(?<!\d)(\d{2})(\d{2})(\d{2})(?!\d)"), "yymmdd"),
    (re.compile(r"(?<!\d)(\d{2})(\d{2})(?!\d)"), "mmdd"),
]


def parse_date_value(value: Any) -> dt.date | None:
    """A front-matter date as people write it: a YAML date/datetime or text with a time/zone."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        match = _DATE_TEXT.match(value.strip())
        if match:
            try:
                return dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                return None
    return None


@dataclass
class NameDate:
    date: dt.date | None
    span: tuple[int, int] | None
    needs_year: str | None = None  # the MMDD text when no year could be found


def date_from_name(name: str, year: int | None) -> NameDate:
    """The date a file name or permalink carries, and where it sits in the name."""
    for pattern, kind in _NAME_DATES:
        for match in pattern.finditer(name):
            numbers = [int(g) for g in match.groups()]
            if kind == "ymd":
                y, m, d = numbers
            elif kind == "yymmdd":
                y, m, d = 2000 + numbers[0], numbers[1], numbers[2]
            else:
                m, d = numbers
                if not (1 <= m <= 12 and 1 <= d <= 31):
                    continue
                if year is None:
                    return NameDate(None, match.span(), needs_year=match.group(0))
                y = year
            try:
                return NameDate(dt.date(y, m, d), match.span())
            except ValueError:
                continue
    return NameDate(None, None)


def year_from_context(path: Path) -> int | None:
    """A year written in a parent folder's name (notes/2025/0313.md)."""
    for parent in path.resolve().parents:
        match = re.fullmatch(r"(?:19|20)\d{2}", parent.name)
        if match:
            return int(parent.name)
    return None


# --------------------------------------------------------------------------------------------
# Parsing one note


def _field_line(text: str, key: str) -> int | None:
    """The 1-based line of `key:` in a file's front matter (for error messages)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"^{re.escape(key)}\s*:", line):
            return number
    return None


def _as_list(value: Any, *, split_spaces: bool = False) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        separator = r"[,\s]+" if split_spaces and "," not in value else r","
        return [part.strip() for part in re.split(separator, value) if part.strip()]
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if v is not None and str(v).strip()]
    return [str(value).strip()]


def _first_heading(body: str) -> str | None:
    for line in body.splitlines():
        markdown = re.match(r"^[ \t]{0,3}#{1,2}[ \t]+(.+?)[ \t#]*$", line)
        if markdown:
            return markdown.group(1).strip()
        html = re.match(r"^\s*<h[12][^>]*>(.+?)</h[12]>", line, re.IGNORECASE)
        if html:
            return re.sub(r"<[^>]+>", "", html.group(1)).strip()
    return None


def detect_dialect(has_front_matter: bool, data: dict[str, Any], first_line: str) -> str:
    if not has_front_matter:
        return "plain"
    if "dg-publish" in data or first_line.lstrip().startswith("{"):
        return "obsidian-digital-garden"
    if "published" in data and not isinstance(data["published"], bool) or "category" in data:
        return "astro"
    if "layout" in data or "sidebar" in data or isinstance(data.get("date"), str | dt.datetime):
        return "jekyll"
    return "mkdocs"


def _obsidian_links(body: str) -> str:
    """`[[Page|label]]` and `[[Page]]` have no target on the site: keep their text."""
    return re.sub(
        r"!?\[\[([^\]|]+)(?:\|([^\]]+))?\]\]", lambda m: (m.group(2) or m.group(1)).strip(), body
    )


def _resolve_authors(
    names: list[str], members: list[Member], source: str, line: int | None
) -> list[str]:
    handles = []
    for name in names:
        key = name.strip().lstrip("@")
        member = next(
            (m for m in members if key in (m.handle, m.name) or key.lower() == m.handle), None
        )
        if member is None:
            known = ", ".join(f"{m.handle} ({m.name})" for m in members) or "(no members)"
            raise FrontMatterError(
                source,
                line,
                f"author {name!r} is not a member of the team",
                fix=f"use a handle from papers/team.yaml: {known}",
            )
        if member.handle not in handles:
            handles.append(member.handle)
    return handles


def parse_note(
    path: Path,
    *,
    members: list[Member],
    year: int | None = None,
    display_name: str | None = None,
) -> NoteImport:
    """Read one note in any supported dialect into a normalised blog post (not yet linked)."""
    path = Path(path)
    source = display_name or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"{source}: not UTF-8 text", fix="save the note as UTF-8") from exc
    except OSError as exc:
        raise DataError(f"{source}: cannot be read ({exc.strerror})") from exc
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    has_front_matter = bool(re.match(r"^---[ \t]*\n", text))
    if has_front_matter:
        data, body = store.split_front_matter(text, source=source)
        first_line = text.splitlines()[1] if len(text.splitlines()) > 1 else ""
    else:
        data, body, first_line = {}, text, ""
    dialect = detect_dialect(has_front_matter, data, first_line)

    # Title: front matter, else the first heading, else the file name.
    title = str(data.get("title") or "").strip() or _first_heading(body)
    year = year or year_from_context(path)
    name_date = date_from_name(path.stem, year)
    if not title:
        start, end = name_date.span or (0, 0)
        title = (path.stem[:start] + path.stem[end:]).strip(" -_") or path.stem

    # Date: front matter (date / published / pubDate), else the file name or permalink.
    date: dt.date | None = None
    for key in ("date", "published", "pubDate"):
        if key in data and not isinstance(data[key], bool):
            date = parse_date_value(data[key])
            if date is None:
                raise FrontMatterError(
                    source,
                    _field_line(text, key),
                    f"{key}: {data[key]!r} is not a date",
                    fix=f"write {key}: YYYY-MM-DD (a time and +0900 may follow)",
                )
            break
    if date is None:
        date = name_date.date
    if date is None and data.get("permalink"):
        date = date_from_name(str(data["permalink"]), year).date
    if date is None:
        if name_date.needs_year:
            raise DataError(
                f"{source}: the file name gives {name_date.needs_year!r} (month and day) "
                "but no year",
                fix="pass --year 2025, put the note in a folder named after the year, or "
                "rename it to YYYY-MM-DD-<name>.md",
            )
        raise DataError(
            f"{source}: no date: the note has no `date` in its front matter and its file "
            "name carries none",
            fix="add `date: YYYY-MM-DD` to the front matter or name the file like "
            "2025-07-08-week-06.md or 250708.md",
        )

    categories = _as_list(data.get("categories"), split_spaces=True) or _as_list(
        data.get("category")
    )
    tags = _as_list(data.get("tags"), split_spaces=True)
    raw_authors = _as_list(data.get("authors")) or _as_list(data.get("author"))
    author_line = _field_line(text, "authors") or _field_line(text, "author")
    authors = _resolve_authors(raw_authors, members, source, author_line)

    draft = bool(data.get("draft", False))
    if isinstance(data.get("published"), bool):  # Jekyll's `published: false`
        draft = draft or not data["published"]
    if "dg-publish" in data:
        draft = draft or not bool(data["dg-publish"])

    slug = _choose_slug(data, path.stem, name_date, title)
    front: dict[str, Any] = {
        "title": title,
        "date": date,
        "categories": categories or [DEFAULT_CATEGORY],
        "tags": tags,
        "authors": authors,
        "draft": draft,
        "slug": slug,
    }
    if data.get("description"):
        front["description"] = str(data["description"])
    front["imported_from"] = path.name
    if not front["authors"]:
        del front["authors"]

    if dialect == "obsidian-digital-garden":
        body = _obsidian_links(body)
    body = sanitize_markdown(body)
    body = body if body.startswith("\n") else "\n" + body
    body = body.rstrip("\n") + "\n"
    target = f"{POSTS_DIR}/{date.isoformat()}-{slug}.md"
    return NoteImport(source=path, dialect=dialect, target=target, front=front, body=body)


_LEADING_DATE = re.compile(r"^\s*(?:\d{4}[-_.]\d{1,2}[-_.]\d{1,2}|\d{6,8})[-_ ]*")


def _choose_slug(data: dict[str, Any], stem: str, name_date: NameDate, title: str) -> str:
    """Stable across re-imports: explicit slug, else permalink, else file name, else title."""
    candidates: list[str] = []
    if data.get("slug"):
        candidates.append(str(data["slug"]))
    if data.get("permalink"):
        candidates.append(str(data["permalink"]).strip("/").split("/")[-1])
    name = stem
    if name_date.span:
        start, end = name_date.span
        name = stem[:start] + stem[end:]
    candidates.append(name)
    candidates.append(title)
    for candidate in candidates:
        slug = ascii_slug(_LEADING_DATE.sub("", candidate))
        # A slug that is only the date again says nothing; fall through to the next source.
        if slug and not re.fullmatch(r"[\d-]+", slug):
            return slug
    return "note"


# --------------------------------------------------------------------------------------------
# Importing a batch


def _existing_by_source(root: Path) -> dict[str, str]:
    """Posts already imported, by the file name they came from (target relative to docs/)."""
    found: dict[str, str] = {}
    for post in store.iter_markdown(Path(root) / "docs" / POSTS_DIR):
        try:
            data, _ = store.split_front_matter(post.read_text(encoding="utf-8"), source=str(post))
        except (DataError, UnicodeDecodeError):
            continue
        origin = data.get("imported_from")
        if origin:
            found.setdefault(str(origin), str(post.relative_to(Path(root) / "docs")))
    return found


def _paper_href(paper_id: str) -> str:
    # From docs/meetings/posts/<post>.md to docs/papers/<id>.md (MkDocs resolves .md links).
    return f"../../papers/{paper_id}.md"


def plan_import(root: Path, paths: list[Path], *, year: int | None = None) -> ImportReport:
    """Parse and validate every note; raise one DataError naming every broken file."""
    root = Path(root)
    errors: list[DataError] = []
    team = load_team_or_default(root, errors)
    papers = store.load_papers(root).papers
    index = MentionIndex.from_papers(papers)
    existing = _existing_by_source(root)
    report = ImportReport()
    targets: dict[str, Path] = {}
    problems: list[str] = []
    for path in paths:
        try:
            note = parse_note(
                path, members=team.members, year=year, display_name=_display(path, root)
            )
        except DataError as exc:
            problems.append(str(exc))
            continue
        # A note imported before keeps its post even if its title or date changed since.
        previous = existing.get(note.front["imported_from"])
        if previous and Path(previous).name != Path(note.target).name:
            previous_date = Path(previous).name[:10]
            if previous_date == note.front["date"].isoformat():
                note.target = previous
        if note.target in targets:
            problems.append(
                f"{_display(path, root)}: would be written to docs/{note.target}, the same post "
                f"as {_display(targets[note.target], root)}"
            )
            continue
        targets[note.target] = path
        note.body = link_mentions(note.body, index, _paper_href)
        current = root / "docs" / note.target
        if current.is_file():
            same = current.read_text(encoding="utf-8") == note.text
            note.status = "unchanged" if same else "updated"
        report.notes.append(note)
    if problems:
        details = "\n".join(f"  - {p}" for p in problems)
        raise DataError(
            f"{len(problems)} note(s) cannot be imported; nothing was written:\n{details}",
            fix="correct the files named above and run the import again",
        )
    return report


def import_notes(
    root: Path, paths: list[Path], *, dry_run: bool = False, year: int | None = None
) -> ImportReport:
    """Validate every note first, then write the posts (atomically, only what changed)."""
    report = plan_import(root, paths, year=year)
    report.dry_run = dry_run
    if not dry_run:
        for note in report.notes:
            if note.status != "unchanged":
                store.write_doc(root, note.target, note.text)
    return report


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given, folders as their Markdown files (sorted, hidden ones skipped)."""
    out: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            out.extend(store.iter_markdown(path))
        elif path.is_file():
            out.append(path)
        else:
            raise DataError(f"{path}: no such file or folder", fix="check the path")
    return out


def _display(path: Path, root: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path(root).resolve()))
    except ValueError:
        return str(path)
