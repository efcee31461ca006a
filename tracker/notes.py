"""Importing meeting notes written in the team's many Markdown dialects as MkDocs blog posts.

Accepted on input: Astro/Fuwari front matter (`published`, `category`, `tags`, `draft`), Jekyll
(`layout`, `date` with or without a time and a `+0900` offset, `categories` as a list or a
string, `sidebar`; kramdown syntax in the body), Obsidian Digital Garden (a JSON object on the
front-matter line with `dg-publish` and `permalink`, no title or date), the blog's own format,
and no front matter at all. Files and folders (walked recursively) of `.md`, `.markdown` and
`.txt` notes.

Title: front matter, else the file name without its date, else the first heading, so it is the
same on every listing, page, search result and backlink. Date: front matter, else the file
name (`250708`, `2025-07-08`, `20250708`, `0313` with the year from `--year` or a parent
folder), else the permalink or first heading, else `--date` for a file named on the command
line; never guessed.

Written: `docs/meetings/posts/<date>-<ascii-slug>.md` with `date` a real date, `categories`
and `tags` lists, `authors` that exist in `docs/.authors.yml` and a `draft` flag; the body
reshaped by `tracker.note_markdown` (all sections in the table of contents, line breaks,
kramdown, an excerpt marker), raw HTML sanitised, paper mentions linked (headings too), and
with `--keep-images` external images archived by `tracker.note_images`. The slug is ASCII and
deterministic (Korean is romanised), and `imported_from` remembers the source file, so a
re-import rewrites the same post. A file that cannot be imported is reported with the reason
and the fix and the others are imported; each post is written whole (atomically) or not at all.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shlex
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker import note_images, note_markdown, store
from tracker.catalog import load_team_or_default
from tracker.errors import DataError, FrontMatterError
from tracker.mentions import MentionIndex, link_mentions
from tracker.models import Member
from tracker.people import romanise
from tracker.sanitize import sanitize_markdown

POSTS_DIR = "meetings/posts"  # relative to docs/
DEFAULT_CATEGORY = "Meeting"
NOTE_SUFFIXES = (".md", ".markdown", ".txt")
# Tools that show a single newline as a line break (Obsidian does by default).
SOFT_BREAK_DIALECTS = {"obsidian-digital-garden"}
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
    images: dict[str, bytes] = field(default_factory=dict)  # docs-relative path -> content

    @property
    def text(self) -> str:
        return store.join_front_matter(self.front, self.body)


@dataclass
class ImportReport:
    """Every input file's line (`lines`) and the notes that were or would be written."""

    notes: list[NoteImport] = field(default_factory=list)
    lines: list[ReportLine] = field(default_factory=list)
    dry_run: bool = False

    def count(self, status: str) -> int:
        """Notes by status (new | updated | unchanged), or 'skipped' input files."""
        if status == "skipped":
            return sum(1 for line in self.lines if line.status == "skipped")
        return sum(1 for n in self.notes if n.status == status)

    @property
    def problems(self) -> list[ReportLine]:
        """Skipped files that needed a note to be imported (the command exits 1)."""
        return [line for line in self.lines if line.status == "skipped" and line.problem]


# --------------------------------------------------------------------------------------------
# ASCII slugs (Korean romanised as member handles are: tracker.people.romanise)


def ascii_slug(text: str) -> str:
    """A lower-case ASCII slug: Hangul romanised, accents dropped, the rest hyphenated."""
    text = unicodedata.normalize("NFC", text)
    text = romanise(text)
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


def _title_from_name(stem: str, name_date: NameDate) -> str:
    """The file name as a title, with the date it carries cut out ('' when only a date)."""
    start, end = name_date.span or (0, 0)
    title = (stem[:start] + stem[end:]).strip(" -_.")
    return title if re.search(r"[^\W\d_]", title) else ""


def _no_date_error(source: str, name_date: NameDate) -> DataError:
    if name_date.needs_year:
        return DataError(
            f"{source}: the file name gives {name_date.needs_year!r} (month and day) but no year",
            fix=f"pass --year 2025, or `tracker notes import {shlex.quote(source)} --date "
            "YYYY-MM-DD`, or put "
            "the note in a folder named after the year",
        )
    return DataError(
        f"{source}: no date in its front matter, file name or first heading",
        fix=f"add `date: YYYY-MM-DD` to its front matter, or run "
        f"`tracker notes import {shlex.quote(source)} --date YYYY-MM-DD`",
    )


def read_note_text(path: Path, source: str) -> str:
    """The note's text as UTF-8 with Unix newlines; DataError for binary or undecodable files."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise DataError(f"{source}: cannot be read ({exc.strerror})") from exc
    if b"\x00" in data[:8192]:
        raise DataError(
            f"{source}: a binary file, not a text note",
            fix="remove it from the notes folder, or export the note as Markdown (.md)",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{source}: not UTF-8 text (byte {exc.start})", fix="save the note as UTF-8"
        ) from exc
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def parse_note(
    path: Path,
    *,
    members: list[Member],
    year: int | None = None,
    display_name: str | None = None,
    date: dt.date | None = None,
) -> NoteImport:
    """Read one note in any supported dialect into a normalised blog post (not yet linked).

    `date` is used only when the note carries none of its own (front matter, file name,
    permalink or first heading): it never overrides a date the note gives.
    """
    path = Path(path)
    source = display_name or str(path)
    text = read_note_text(path, source)
    has_front_matter = bool(re.match(r"^---[ \t]*\n", text))
    if has_front_matter:
        data, body = store.split_front_matter(text, source=source)
        first_line = text.splitlines()[1] if len(text.splitlines()) > 1 else ""
    else:
        data, body, first_line = {}, text, ""
    dialect = detect_dialect(has_front_matter, data, first_line)

    # Title: front matter, else the file name (without its date), else the first heading.
    # One rule for every place the title shows (listings, page, search, backlinks).
    year = year or year_from_context(path)
    name_date = date_from_name(path.stem, year)
    heading = _first_heading(body)
    title = (
        str(data.get("title") or "").strip()
        or _title_from_name(path.stem, name_date)
        or heading
        or path.stem
    )

    # Date: front matter (date / published / pubDate), else the file name or permalink, else
    # the first heading ("# 2025-07-08 모임"); never a guess.
    note_date: dt.date | None = None
    for key in ("date", "published", "pubDate"):
        if key in data and not isinstance(data[key], bool):
            note_date = parse_date_value(data[key])
            if note_date is None:
                raise FrontMatterError(
                    source,
                    _field_line(text, key),
                    f"{key}: {data[key]!r} is not a date",
                    fix=f"write {key}: YYYY-MM-DD (a time and +0900 may follow)",
                )
            break
    if note_date is None:
        note_date = name_date.date
    if note_date is None and data.get("permalink"):
        note_date = date_from_name(str(data["permalink"]), year).date
    if note_date is None and heading:
        match = _NAME_DATES[0][0].search(heading) or _NAME_DATES[1][0].search(heading)
        note_date = date_from_name(match.group(0), None).date if match else None
    if note_date is None:
        note_date = date
    if note_date is None:
        raise _no_date_error(source, name_date)

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
        "date": note_date,
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

    target = f"{POSTS_DIR}/{note_date.isoformat()}-{slug}.md"
    soft_breaks = dialect in SOFT_BREAK_DIALECTS or _in_obsidian_vault(path)
    body = normalise_body(body, dialect=dialect, title=title, soft_breaks=soft_breaks)
    return NoteImport(source=path, dialect=dialect, target=target, front=front, body=body)


def _in_obsidian_vault(path: Path) -> bool:
    """A note inside an Obsidian vault (a folder holding `.obsidian/`), front matter or not."""
    return any((parent / ".obsidian").is_dir() for parent in Path(path).resolve().parents)


def normalise_body(body: str, *, dialect: str, title: str, soft_breaks: bool = False) -> str:
    """The note's body as the site should show it (see tracker.note_markdown)."""
    if dialect == "obsidian-digital-garden":
        body = _obsidian_links(body)
    if "{:" in body or re.search(r"^[ \t]{0,3}:[ \t]", body, re.MULTILINE):
        body = note_markdown.kramdown_to_markdown(body)
    body = sanitize_markdown(body)
    body = note_images.label_external_images(body)
    body = note_markdown.markdown_html_headings(body)
    body = note_markdown.normalise_headings(body, title)
    if soft_breaks:
        body = note_markdown.keep_soft_breaks(body)
    body = note_markdown.ensure_excerpt_marker(body.strip("\n"))
    return "\n" + body.rstrip("\n") + "\n"


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


@dataclass
class NoteInput:
    """One file met on the command line or in a folder, and why it is skipped (if it is)."""

    path: Path
    named: bool  # given by name on the command line, not found in a folder
    skip: str | None = None
    fix: str | None = None
    problem: bool = True  # a skip that makes the command exit 1


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def collect_inputs(paths: list[Path]) -> list[NoteInput]:
    """Every file the paths name: files as given, folders walked (hidden entries left out).

    Symlinks are followed only when they stay inside the folder being walked, so importing a
    folder never reads a file elsewhere on the machine by surprise.
    """
    out: list[NoteInput] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            folder = path.resolve()
            for directory, dirnames, filenames in os.walk(path):
                here = Path(directory)
                for name in sorted(dirnames):
                    if name.startswith("."):
                        continue
                    if (here / name).is_symlink():
                        target = (here / name).resolve()
                        where = "outside" if not _inside(target, folder) else "inside"
                        out.append(
                            NoteInput(
                                here / name,
                                False,
                                f"a symlink to a folder {where} {path} ({target}); not followed",
                                "import that folder by its own path",
                                problem=where == "outside",
                            )
                        )
                dirnames[:] = sorted(
                    d for d in dirnames if not d.startswith(".") and not (here / d).is_symlink()
                )
                for name in sorted(filenames):
                    if not name.startswith("."):
                        out.append(_folder_file(here / name, folder, path))
        elif path.is_file():
            out.append(NoteInput(path, True))
        elif path.is_symlink():
            out.append(NoteInput(path, True, "a broken symlink", "point it at an existing note"))
        else:
            out.append(NoteInput(path, True, "no such file or folder", "check the path"))
    # A file met twice (in a folder and by name) gets one line; being named wins (--date).
    first: dict[Path, NoteInput] = {}
    unique: list[NoteInput] = []
    for item in out:
        real = item.path.resolve() if item.skip is None else None
        if real is not None and real in first:
            first[real].named = first[real].named or item.named
            continue
        if real is not None:
            first[real] = item
        unique.append(item)
    return unique


def _folder_file(path: Path, folder: Path, given: Path) -> NoteInput:
    if path.is_symlink():
        target = path.resolve()
        if not _inside(target, folder):
            return NoteInput(
                path,
                False,
                f"a symlink pointing outside {given} (to {target})",
                f"copy the note into {given}, or import it by its own path",
            )
        if not target.is_file():
            return NoteInput(path, False, "a broken symlink", "point it at an existing note")
    if path.suffix.lower() not in NOTE_SUFFIXES:
        kind = "a binary file" if _looks_binary(path) else f"a {path.suffix or 'suffix-less'} file"
        return NoteInput(
            path,
            False,
            f"{kind}, not a note (notes are .md, .markdown or .txt)",
            "rename it to .md if it is a note",
            problem=False,
        )
    return NoteInput(path, False)


def _looks_binary(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return b"\x00" in handle.read(8192)
    except OSError:
        return False


@dataclass
class ReportLine:
    """One input file in the import report."""

    source: str
    status: str  # imported | updated | unchanged | skipped
    target: str | None = None  # docs/... for notes, None for skipped files
    reason: str | None = None
    fix: str | None = None
    problem: bool = False
    note: NoteImport | None = None

    def text(self, *, dry_run: bool = False) -> str:
        """The line the command prints: status, source, then the post or the reason and fix."""
        status = f"would be {self.status}" if dry_run and self.status != "skipped" else self.status
        if self.status == "skipped":
            fix = f" (fix: {self.fix})" if self.fix else ""
            return f"{status}: {self.source}: {self.reason}{fix}"
        extra = f" ({self.reason})" if self.reason else ""
        return f"{status}: {self.source} -> {self.target}{extra}"


def _skip_message(exc: DataError, source: str) -> str:
    """The error text without the file name the report line already starts with."""
    message = exc.message.split("\n")[0]
    for prefix in (f"{source}: ", f"{source}:"):
        if message.startswith(prefix):
            message = message[len(prefix) :]
            break
    # FrontMatterError writes `file:line: problem`; the line reads better spelled out.
    return re.sub(r"^(\d+): ", r"line \1: ", message)


def plan_import(
    root: Path,
    paths: list[Path],
    *,
    year: int | None = None,
    date: dt.date | None = None,
) -> ImportReport:
    """Parse every input; a file that cannot be imported is a skipped line, never an abort."""
    root = Path(root)
    errors: list[DataError] = []
    team = load_team_or_default(root, errors)
    papers = store.load_papers(root).papers
    index = MentionIndex.from_papers(papers)
    existing = _existing_by_source(root)
    report = ImportReport()
    targets: dict[str, str] = {}
    for item in collect_inputs(paths):
        source = _display(item.path, root)
        if item.skip:
            report.lines.append(
                ReportLine(source, "skipped", reason=item.skip, fix=item.fix, problem=item.problem)
            )
            continue
        try:
            note = parse_note(
                item.path,
                members=team.members,
                year=year,
                display_name=source,
                date=date if item.named else None,
            )
        except DataError as exc:
            fix = exc.fix
            if date is not None and not item.named and "no date" in exc.message:
                fix = f"--date applies only to files named on the command line: {fix}"
            report.lines.append(
                ReportLine(source, "skipped", reason=_skip_message(exc, source), fix=fix,
                           problem=True)
            )  # fmt: skip
            continue
        # A note imported before keeps its post even if its title or date changed since.
        previous = existing.get(note.front["imported_from"])
        if (
            previous
            and Path(previous).name != Path(note.target).name
            and Path(previous).name[:10] == note.front["date"].isoformat()
        ):
            note.target = previous
        if note.target in targets:
            report.lines.append(
                ReportLine(
                    source,
                    "skipped",
                    reason=f"would be written to docs/{note.target}, the same post as "
                    f"{targets[note.target]}",
                    fix="give one of the two notes a `slug:` of its own in its front matter",
                    problem=True,
                )
            )
            continue
        targets[note.target] = source
        note.body = link_mentions(note.body, index, _paper_href, headings=True)
        report.notes.append(note)
        report.lines.append(ReportLine(source, "imported", target=f"docs/{note.target}", note=note))
    return report


def _settle_status(root: Path, line: ReportLine) -> None:
    """imported / updated / unchanged, from what docs/ holds now."""
    note = line.note
    assert note is not None
    current = Path(root) / "docs" / note.target
    if current.is_file():
        same = current.read_text(encoding="utf-8") == note.text
        note.status = line.status = "unchanged" if same else "updated"
    else:
        note.status, line.status = "new", "imported"


def import_notes(
    root: Path,
    paths: list[Path],
    *,
    dry_run: bool = False,
    year: int | None = None,
    date: dt.date | None = None,
    keep_images: bool | None = None,
    image_fetcher: note_images.Fetcher | None = None,
) -> ImportReport:
    """Import every note that can be imported; report every input file on its own line.

    Each post (and each archived image) is written atomically through the store, images
    before the post that shows them, so an interrupted import leaves whole files only.
    `keep_images` None means the team's setting (`notes: {keep_images: true}` in team.yaml).
    """
    root = Path(root)
    report = plan_import(root, paths, year=year, date=date)
    report.dry_run = dry_run
    if keep_images is None:
        keep_images = _team_keeps_images(root)
    from tqdm import tqdm

    # Downloading images is what a person waits for; plain imports finish in a blink.
    progress = tqdm(
        [line for line in report.lines if line.note is not None],
        desc="notes",
        unit="note",
        disable=None if keep_images and not dry_run else True,
        leave=False,
    )
    for line in progress:
        note = line.note
        assert note is not None
        if keep_images and dry_run:
            wanted = note_images.external_images(note.body)
            if wanted:
                line.reason = f"{len(wanted)} external image(s) to keep; not fetched in a dry run"
        if keep_images and not dry_run:
            archived = note_images.archive_images(
                note.body,
                fetcher=image_fetcher or note_images.default_fetcher(root),
                known=_archived_images(root, note.target),
            )
            note.body = archived.body
            if archived.sources:
                note.front["image_sources"] = archived.sources
            note.images = archived.files
            kept = len(archived.sources)  # new downloads and files kept from before
            failed = len(archived.failures)
            if kept or failed:
                line.reason = f"images: {kept} kept, {failed} failed"
                if failed:
                    line.reason += " (" + "; ".join(archived.failures) + ")"
        _settle_status(root, line)
        if dry_run:
            continue
        for relative, data in note.images.items():
            store.write_doc_bytes(root, relative, data)
        if line.status != "unchanged":
            store.write_doc(root, note.target, note.text)
    return report


def _archived_images(root: Path, target: str) -> dict[str, str]:
    """Source URL -> archived file, from the post an earlier import wrote (files that exist)."""
    post = Path(root) / "docs" / target
    if not post.is_file():
        return {}
    try:
        data, _ = store.split_front_matter(post.read_text(encoding="utf-8"), source=target)
    except (DataError, UnicodeDecodeError):
        return {}
    sources = data.get("image_sources")
    if not isinstance(sources, dict):
        return {}
    return {
        str(url): str(relative)
        for relative, url in sources.items()
        if str(relative).startswith(note_images.ASSETS_DIR + "/")
        and (Path(root) / "docs" / str(relative)).is_file()
    }


def _team_keeps_images(root: Path) -> bool:
    try:
        team = store.load_team(root)
    except DataError:
        return False
    return bool(team.notes.keep_images)


def expand_paths(paths: list[Path]) -> list[Path]:
    """The note files the paths name (folders walked), without the skipped ones."""
    return [item.path for item in collect_inputs(paths) if item.skip is None]


def _display(path: Path, root: Path) -> str:
    for base in (Path.cwd(), Path(root)):
        try:
            return str(Path(path).absolute().relative_to(base.absolute()))
        except ValueError:
            continue
    return str(path)
