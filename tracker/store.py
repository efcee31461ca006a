"""The one module that reads and writes the team's files: `papers/*.md`, `papers/team.yaml`,
the sync snapshot, and generated files under `docs/`.

Every write is atomic (temp file in the same directory, fsync, os.replace, fsync of the
directory), so a crash or `kill -9` leaves each file either old or new, never half-written.
YAML is read with a loader that keeps numbers-as-text as text: `id: 2101.10000` stays
"2101.10000" and `007` stays "007" instead of becoming 2101.1 and 7.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import os
import re
import time
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from tracker import atomic
from tracker.errors import DataError, FrontMatterError
from tracker.models import Paper, TeamSettings

TEAM_FILE = "papers/team.yaml"
PAPERS_DIR = "papers"
SNAPSHOT_FILE = "papers/.sync/base.csv"
ROOT_ENV = "TRACKER_ROOT"

# --------------------------------------------------------------------------------------------
# YAML that keeps text as text


_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class TextPreservingLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """Safe YAML loader without implicit int/float resolution.

    Numbers stay strings ("2101.10000", "007", "2019"); the typed models convert the fields that
    are numbers (year, quota). Dates, booleans and null still resolve.
    """


TextPreservingLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_unique_mapping(loader: Any, node: yaml.MappingNode, deep: bool = False) -> Any:
    """A mapping whose keys are unique: with two `title:` lines the last would silently win
    (and be pushed to the sheet), so a repeated key is an error naming its line."""
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            first = seen.setdefault(key, key_node.start_mark.line + 1)
        except TypeError:  # an unhashable key: the base constructor reports it
            continue
        if first != key_node.start_mark.line + 1:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r}: keep one of them (the last would silently win)",
                key_node.start_mark,
            )
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


TextPreservingLoader.add_constructor("tag:yaml.org,2002:map", _construct_unique_mapping)


class _NotFlat(Exception):
    """The document is not of the flat shape `_construct_flat` builds directly."""


_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_FLAT_SCALAR_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "null", "bool", "timestamp")
)


def _flat_scalar(loader: Any, node: yaml.Node) -> Any:
    if type(node) is not yaml.ScalarNode or node.tag not in _FLAT_SCALAR_TAGS:
        raise _NotFlat
    # The very constructor the generic path calls for this tag (all four return a value
    # directly: none is a generator that fills the object in later).
    return loader.yaml_constructors[node.tag](loader, node)


def _construct_flat(
    loader: Any, node: yaml.Node, *, top: bool = True, seen: set[int] | None = None
) -> dict[str, Any]:
    """What the generic constructor builds, for the shape front matter has: a mapping of text
    keys to scalars, lists of scalars and (at the top) mappings of text keys to scalars.

    It skips the generic machinery (recursion bookkeeping, deferred generators), which is most
    of the time a 2,000-paper list takes to load. Anything else (merge keys, explicit or
    unusual tags, deeper nesting, a repeated key, which the generic path reports with its
    line, a list or mapping met twice through an alias, which the generic path shares) raises
    _NotFlat, and the caller builds the document the generic way.
    """
    seen = set() if seen is None else seen
    if type(node) is not yaml.MappingNode or node.tag != _MAP_TAG or id(node) in seen:
        raise _NotFlat
    seen.add(id(node))
    data: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = _flat_scalar(loader, key_node)
        if type(key) is not str or key in data:
            raise _NotFlat
        kind = type(value_node)
        if kind is yaml.ScalarNode:
            data[key] = _flat_scalar(loader, value_node)
        elif not top:
            raise _NotFlat
        elif kind is yaml.SequenceNode and value_node.tag == _SEQ_TAG:
            if id(value_node) in seen:
                raise _NotFlat
            seen.add(id(value_node))
            data[key] = [_flat_scalar(loader, item) for item in value_node.value]
        else:
            data[key] = _construct_flat(loader, value_node, top=False, seen=seen)
    return data


def _construct_document(loader: Any, node: yaml.Node) -> Any:
    try:
        return _construct_flat(loader, node)
    except _NotFlat:
        return yaml.constructor.SafeConstructor.construct_document(loader, node)


TextPreservingLoader.construct_document = _construct_document

# Anchors and aliases: nothing in front matter needs them, and nested aliases expand
# exponentially (a 400-byte "billion laughs" took 51 s and a 580 MB cache).
_MAYBE_ALIAS = re.compile(r"(?:^|[\s\[{,:-])[&*][^\s,\[\]{}]")


def _refuse_aliases(text: str, source: str) -> None:
    if not _MAYBE_ALIAS.search(text):
        return
    try:
        for token in yaml.scan(text, Loader=TextPreservingLoader):
            if isinstance(token, yaml.AnchorToken | yaml.AliasToken):
                raise FrontMatterError(
                    source,
                    token.start_mark.line + 1,
                    "YAML anchors and aliases (&name, *name) are not allowed in front matter",
                    fix="write the values out in full (quote text that starts with & or *)",
                )
    except yaml.YAMLError:
        return  # the parse below reports the syntax error with its line


def load_yaml(text: str, *, source: str = "<text>") -> Any:
    _refuse_aliases(text, source)
    try:
        return yaml.load(text, Loader=TextPreservingLoader)  # noqa: S506 - safe loader subclass
    except yaml.YAMLError as exc:
        # Point at where the broken construct began (an unclosed `[` is detected only at the
        # end of the front matter), and say both when they differ.
        context = getattr(exc, "context_mark", None)
        mark = getattr(exc, "problem_mark", None)
        line = (context or mark).line + 1 if (context or mark) is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        if getattr(exc, "context", None):
            problem = f"{exc.context}: {problem}"
        raise FrontMatterError(source, line, f"YAML error: {problem}") from exc


_Dumper: type = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _FrontMatterDumper(_Dumper):  # type: ignore[misc,valid-type]
    pass


def _str_representer(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_FrontMatterDumper.add_representer(str, _str_representer)


class _BlockMapping(dict):
    """The top level of front matter: always `key: value` lines, even when every value is a
    scalar (PyYAML would otherwise write `{status: read}`)."""


def _block_representer(dumper: yaml.SafeDumper, data: _BlockMapping) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=False)


_FrontMatterDumper.add_representer(_BlockMapping, _block_representer)


def dump_yaml(data: Any) -> str:
    return yaml.dump(
        _BlockMapping(data) if type(data) is dict else data,
        Dumper=_FrontMatterDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=None,
        width=100,
    )


# --------------------------------------------------------------------------------------------
# Atomic writes


# One writer for the whole project (tracker.atomic); re-exported here because the store is
# where the tracker's modules look for it.
atomic_write_bytes = atomic.atomic_write_bytes
atomic_write_text = atomic.atomic_write_text
write_if_changed = atomic.write_if_changed


# --------------------------------------------------------------------------------------------
# Front matter


_FENCE = re.compile(r"^---[ \t]*$")


def _front_matter_text(text: str, *, source: str) -> tuple[str, str]:
    """(the YAML between the `---` lines, the body byte-for-byte); FrontMatterError when the
    fences are missing."""
    lines = text.removeprefix("\ufeff").splitlines(keepends=True)
    if not lines or not _FENCE.match(lines[0].rstrip("\r\n")):
        raise FrontMatterError(
            source,
            1,
            "no front matter: the file must start with a line '---'",
            fix="add front matter (id, title, ...) between two '---' lines at the top",
        )
    for index in range(1, len(lines)):
        if _FENCE.match(lines[index].rstrip("\r\n")):
            return "".join(lines[1:index]), "".join(lines[index + 1 :])
    raise FrontMatterError(
        source,
        1,
        "front matter is not closed: no second '---' line",
        fix="end the front matter with a line '---'",
    )


def split_front_matter(text: str, *, source: str) -> tuple[dict[str, Any], str]:
    """Split `---` YAML front matter from the body; the body is returned byte-for-byte."""
    yaml_text, body = _front_matter_text(text, source=source)
    try:
        data = load_yaml(yaml_text, source=source)
    except FrontMatterError as exc:
        # The YAML starts on line 2 of the file.
        line = exc.line + 1 if exc.line else None
        raise FrontMatterError(source, line, exc.message.split(": ", 1)[-1]) from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FrontMatterError(source, 2, "front matter is not a mapping of field: value")
    return data, body


def join_front_matter(data: dict[str, Any], body: str) -> str:
    return f"---\n{dump_yaml(data)}---\n{body}"


# --------------------------------------------------------------------------------------------
# Papers

PAPER_FIELD_ORDER = [
    "id",
    "title",
    "authors",
    "year",
    "venue",
    "arxiv",
    "url",
    "topics",
    "aliases",
    "abstract",
    "status",
    "readers",
    "read_by",
    "presenter",
    "presented_on",
    "slides",
    "reproduction",
    "added_on",
]


# The model's date fields (the JSON dump makes them text; files hold them as YAML dates).
_DATE_FIELDS = frozenset(
    name
    for name, info in Paper.model_fields.items()
    if info.annotation is dt.date or dt.date in typing.get_args(info.annotation)
    if typing.get_origin(info.annotation) is not dict
)
# Per-member dates (read_on, summarised_on: handle -> date), written as YAML dates too.
_DATE_MAP_FIELDS = frozenset(
    name
    for name, info in Paper.model_fields.items()
    if typing.get_origin(info.annotation) is dict and dt.date in typing.get_args(info.annotation)
)


def paper_to_front_matter(paper: Paper) -> dict[str, Any]:
    """Fields in a fixed order; empty optional fields are left out to keep files readable."""
    raw = paper.model_dump(mode="json", exclude={"body"})
    ordered: dict[str, Any] = {}
    for key in PAPER_FIELD_ORDER + sorted(k for k in raw if k not in PAPER_FIELD_ORDER):
        if key not in raw:
            continue
        value = raw[key]
        if key not in ("id", "title", "status") and value in (None, "", [], {}):
            continue
        if key in _DATE_FIELDS and isinstance(value, str):
            value = dt.date.fromisoformat(value)  # written as a YAML date, like people write it
        elif key in _DATE_MAP_FIELDS and isinstance(value, dict):
            value = {k: dt.date.fromisoformat(v) for k, v in value.items()}
        ordered[key] = value
    return ordered


def render_paper(paper: Paper, previous: str | None = None) -> str:
    """The file text for `paper`. With `previous` (the file's current text), every front matter
    field whose value did not change keeps its lines exactly as a person wrote them (quotes,
    folded abstracts, comments, order), so a sync that changes one cell changes one line."""
    body = paper.body
    if not body:
        body = "\n## 요약\n\n<!-- 요약을 적어 주세요 -->\n"
    data = paper_to_front_matter(paper)
    if previous is not None:
        kept = _edit_front_matter(previous, data)
        if kept is not None:
            return f"---\n{kept}---\n{body}"
    return join_front_matter(data, body)


_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]|$)")


def _normalised(value: Any) -> Any:
    """Compare YAML values as the models see them: dates as ISO text, numbers as text."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return [_normalised(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _normalised(v) for k, v in value.items()}
    return value


def _front_matter_blocks(yaml_text: str) -> list[tuple[str | None, str, str]] | None:
    """Split front matter into (key, lead, lines) blocks: a top-level `key:` line with its
    indented continuation lines, and the comment/blank lines before it (`lead`). None when the
    text is not a plain block mapping this can edit safely."""
    blocks: list[tuple[str | None, str, str]] = []
    pending = ""
    for line in yaml_text.splitlines(keepends=True):
        stripped = line.strip()
        match = _TOP_KEY.match(line)
        if match:
            blocks.append((match.group(1), pending, line))
            pending = ""
        elif not stripped or (stripped.startswith("#") and not line[0].isspace()):
            pending += line
        elif line[0] in " \t" and blocks:
            key, lead, text = blocks[-1]
            blocks[-1] = (key, lead, text + pending + line)
            pending = ""
        else:
            return None
    if pending:
        blocks.append((None, pending, ""))
    return blocks


def _edit_front_matter(previous: str, data: dict[str, Any]) -> str | None:
    """`data` as front matter YAML that reuses `previous`'s lines for unchanged fields, or None
    when the previous file cannot be edited that way (the caller then writes it afresh)."""
    try:
        old_text, _ = _front_matter_text(previous, source="<previous>")
        blocks = _front_matter_blocks(old_text) if "\r" not in old_text else None
        old_data = load_yaml(old_text) if blocks is not None else None
    except FrontMatterError:
        return None
    if blocks is None or not isinstance(old_data, dict):
        return None
    old_keys = [key for key, _, _ in blocks if key is not None]
    if len(set(old_keys)) != len(old_keys) or set(old_keys) != set(old_data):
        return None
    out: list[str] = []
    placed: set[str] = set()
    new_keys = list(data)

    def fresh(key: str) -> str:
        return dump_yaml({key: data[key]})

    for key, lead, text in blocks:
        out.append(lead)
        if key is None:
            continue
        if key not in data:
            continue  # the field was emptied: its lines go
        same = _normalised(old_data[key]) == _normalised(data[key])
        out.append(text if same else fresh(key))
        placed.add(key)
        # Fields new to this file go right after the field that precedes them in `data`.
        for later in new_keys[new_keys.index(key) + 1 :]:
            if later in old_data:
                break
            if later not in placed:
                out.append(fresh(later))
                placed.add(later)
    missing = [key for key in new_keys if key not in placed]
    result = "".join(fresh(key) for key in missing) + "".join(out)
    if not result.endswith("\n"):
        result += "\n"
    # Trust but verify: the edited text must read back as exactly `data`.
    try:
        check = load_yaml(result)
    except FrontMatterError:
        return None
    if not isinstance(check, dict) or _normalised(check) != _normalised(data):
        return None
    return result


def paper_path(root: Path, paper_id: str) -> Path:
    return Path(root) / PAPERS_DIR / f"{paper_id}.md"


def parse_paper(text: str, *, source: str) -> Paper:
    data, body = split_front_matter(text, source=source)
    try:
        paper = Paper.model_validate({**data, "body": body})
    except ValidationError as exc:
        raise DataError(
            f"{source}: " + "; ".join(_describe_validation(exc)),
            fix="correct these fields in the file's front matter",
        ) from exc
    expected = Path(source).stem
    if Path(source).suffix == ".md" and paper.id != expected:
        raise DataError(
            f"{source}: id {paper.id!r} does not match the file name {expected!r}",
            fix=f'rename the file to papers/{paper.id}.md or set id: "{expected}"',
        )
    return paper


def _describe_validation(exc: ValidationError) -> list[str]:
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(file)"
        msg = err["msg"].removeprefix("Value error, ")
        out.append(f"{loc}: {msg}")
    return out


def read_paper(path: Path) -> Paper:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text", fix="save the file as UTF-8") from exc
    return parse_paper(text, source=str(path))


@dataclass
class PaperLoad:
    """Papers that loaded, and one error per file that did not (loading never stops early)."""

    papers: list[Paper]
    errors: list[DataError]


def paper_files(root: Path) -> list[Path]:
    directory = Path(root) / PAPERS_DIR
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.glob("*.md") if not p.name.startswith((".", "_")))


_CACHE_VERSION = 1
# The parse cache is derived: past this size it is neither read nor written.
MAX_CACHE_BYTES = 64 * 1024 * 1024


def cache_path(root: Path) -> Path:
    """Where the parse cache of a team repository lives: outside the repository, so reading
    never changes the team's files ($XDG_CACHE_HOME/tracker/<hash of the root path>)."""
    import hashlib

    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "tracker"
    digest = hashlib.sha256(str(Path(root).resolve()).encode("utf-8")).hexdigest()[:16]
    return base / digest / "papers.json"


def _read_parse_cache(root: Path) -> dict[str, list]:
    try:
        path = cache_path(root)
        if path.stat().st_size > MAX_CACHE_BYTES:
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != _CACHE_VERSION:
        return {}
    return data.get("files", {})


def load_papers(root: Path, *, use_cache: bool = True) -> PaperLoad:
    """Read every paper file; a git-ignored cache of parsed front matter, keyed by each file's
    size and mtime, spares re-parsing YAML for files that did not change (a 2,000-paper list
    loads in a fraction of the time)."""
    papers: list[Paper] = []
    errors: list[DataError] = []
    seen: dict[str, Path] = {}
    cache = _read_parse_cache(root) if use_cache else {}
    fresh: dict[str, list] = {}
    for path in paper_files(root):
        rel = os.path.join(PAPERS_DIR, path.name)  # what _relative(path, root) gives, cheaper
        try:
            stat = path.stat()
            key = [stat.st_mtime_ns, stat.st_size]
            hit = cache.get(rel)
            if hit is not None and hit[:2] == key:
                # Validated again (the cache is a file anyone can edit), but not dumped again:
                # the entry is kept as it is.
                paper = Paper.model_validate({**hit[2], "body": hit[3]})
                fresh[rel] = hit
            else:
                paper = parse_paper(path.read_text(encoding="utf-8"), source=rel)
                fresh[rel] = [*key, paper.model_dump(mode="json", exclude={"body"}), paper.body]
        except DataError as exc:
            errors.append(exc)
            continue
        except UnicodeDecodeError:
            errors.append(DataError(f"{rel}: not UTF-8 text", fix="save the file as UTF-8"))
            continue
        except OSError as exc:
            # A dangling symlink, a link to a directory, a file without read permission.
            what = (
                "a symlink to a missing file"
                if path.is_symlink() and not path.exists()
                else "a directory, not a paper file"
                if path.is_dir()
                else f"cannot be read ({exc.strerror or type(exc).__name__})"
            )
            errors.append(
                DataError(
                    f"{rel}: {what}",
                    fix=f"remove {rel} or replace it with a paper file (papers/<id>.md)",
                )
            )
            continue
        if paper.id in seen:
            errors.append(DataError(f"{rel}: duplicate id {paper.id!r} (also {seen[paper.id]})"))
            continue
        seen[paper.id] = path
        papers.append(paper)
    if use_cache and fresh != cache:
        # A read-only home still loads, only slower; the cache is derived, so no fsync.
        encoded = json.dumps({"version": _CACHE_VERSION, "files": fresh}, ensure_ascii=False)
        with contextlib.suppress(OSError):
            if len(encoded) <= MAX_CACHE_BYTES:
                atomic_write_bytes(cache_path(root), encoded.encode(), durable=False)
            else:
                cache_path(root).unlink(missing_ok=True)
    return PaperLoad(papers=papers, errors=errors)


def load_papers_strict(root: Path) -> list[Paper]:
    loaded = load_papers(root)
    if loaded.errors:
        raise DataError.listing(
            f"{len(loaded.errors)} paper file(s) cannot be read",
            loaded.errors,
            fix="fix the files named above (or run `tracker doctor`)",
        )
    return loaded.papers


def _paper_bytes(root: Path, paper: Paper) -> tuple[Path, bytes | None]:
    """Where `paper` goes and its new file bytes; None when the file already holds them."""
    path = paper_path(root, paper.id)
    try:
        previous: bytes | None = path.read_bytes()
    except FileNotFoundError:
        previous = None
    try:
        old_text = previous.decode("utf-8") if previous is not None else None
    except UnicodeDecodeError:
        old_text = None
    data = render_paper(paper, old_text).encode("utf-8")
    return path, (None if data == previous else data)


def write_paper(root: Path, paper: Paper) -> bool:
    """Write one paper file atomically; returns False when the file already held this text.

    An existing file keeps the lines of every field that did not change (see `render_paper`).
    """
    path, data = _paper_bytes(root, paper)
    if data is None:
        return False
    atomic_write_bytes(path, data)
    return True


def write_papers(root: Path, papers: Iterable[Paper]) -> list[str]:
    """Write many paper files as `write_paper` writes one, in one durable batch (see
    `atomic.atomic_write_batch`: each file atomic, the folder fsynced once at the end); returns
    the ids of the files whose text changed."""
    written: list[str] = []

    def changed_files() -> Iterator[tuple[Path, bytes]]:
        for paper in papers:
            path, data = _paper_bytes(root, paper)
            if data is not None:
                written.append(paper.id)
                yield path, data

    atomic.atomic_write_batch(changed_files())
    return written


def _relative(path: Path, root: Path) -> str:
    try:
        return str(Path(path).relative_to(root))
    except ValueError:
        return str(path)


# Older than this, a temp file of an atomic write belongs to no running sync: a kill -9 left it.
STALE_TEMP_SECONDS = 600
_TEMP_NAME = re.compile(r"^\..+\.tmp$")


def remove_stale_temp_files(root: Path) -> list[str]:
    """Remove `.<name>.<random>.tmp` files that an interrupted write left in papers/ and
    papers/.sync/; young ones are kept (another sync may be writing them right now)."""
    removed = []
    cutoff = time.time() - STALE_TEMP_SECONDS
    for folder in (Path(root) / PAPERS_DIR, (Path(root) / SNAPSHOT_FILE).parent):
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if not _TEMP_NAME.match(path.name) or not path.is_file() or path.is_symlink():
                continue
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed.append(_relative(path, root))
    return removed


# --------------------------------------------------------------------------------------------
# Team settings


def find_root(start: Path | None = None) -> Path:
    """The directory holding `papers/team.yaml`: $TRACKER_ROOT, else the nearest parent."""
    env = os.environ.get(ROOT_ENV)
    if env:
        return Path(env).resolve()
    here = Path(start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / TEAM_FILE).is_file():
            return candidate
    return here


def load_team(root: Path) -> TeamSettings:
    path = Path(root) / TEAM_FILE
    if not path.is_file():
        raise DataError(
            f"{TEAM_FILE} not found under {root}",
            fix="run the tracker inside the team's repository or set TRACKER_ROOT; to start a "
            "team: tracker init DIR --name NAME --topic TOPIC [--sheet FILE_OR_URL]",
        )
    data = load_yaml(path.read_text(encoding="utf-8"), source=TEAM_FILE)
    try:
        return TeamSettings.model_validate(data or {})
    except ValidationError as exc:
        raise DataError(
            f"{TEAM_FILE}: " + "; ".join(_describe_validation(exc)),
            fix="correct these settings in papers/team.yaml",
        ) from exc


# --------------------------------------------------------------------------------------------
# Sync snapshot: the last state both sides agreed on, keyed by id, as text cells


SNAPSHOT_REMOTE_FILE = "papers/.sync/remote.txt"
REBUILD_FIX = (
    "run `tracker sync --rebuild-snapshot` to see what a fresh snapshot would assume (cells "
    "that agree on both sides become the base; cells that differ are shown), then add --apply"
)
_CONFLICT_MARKER = re.compile(r"^(<{7}|={7}|>{7}|\|{7})( |$)", re.MULTILINE)


def parse_snapshot(data: bytes, *, source: str = SNAPSHOT_FILE) -> dict[str, dict[str, str]]:
    """Snapshot CSV bytes as records keyed by id; DataError (with the way to recover) when the
    bytes are not a snapshot the tracker wrote: git conflict markers, non-UTF-8, no id column,
    rows that do not fit the header, an id twice."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"{source}: not UTF-8 text (byte {exc.start})", fix=REBUILD_FIX) from None
    marker = _CONFLICT_MARKER.search(text)
    if marker:
        line = text.count("\n", 0, marker.start()) + 1
        raise DataError(
            f"{source}:{line}: git conflict markers: the snapshot was committed mid-merge",
            fix="the snapshot is derived data: do not edit it by hand; "
            + REBUILD_FIX
            + " (and set up the merge driver, see docs/dev/team-workflow.md)",
        )
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise DataError(
            f"{source}: row {reader.line_num}: the CSV cannot be read ({exc})", fix=REBUILD_FIX
        ) from None
    if not rows:
        return {}
    header = rows[0]
    if "id" not in header:
        raise DataError(f"{source}: no 'id' column in row 1", fix=REBUILD_FIX)
    records: dict[str, dict[str, str]] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != len(header):
            raise DataError(
                f"{source}: row {number} has {len(row)} cells, the header {len(header)}",
                fix=REBUILD_FIX,
            )
        record = dict(zip(header, row, strict=True))
        if record["id"] in records:
            raise DataError(f"{source}: row {number}: id {record['id']!r} twice", fix=REBUILD_FIX)
        records[record["id"]] = record
    return records


def read_snapshot(root: Path) -> dict[str, dict[str, str]] | None:
    path = Path(root) / SNAPSHOT_FILE
    if not path.is_file():
        return None
    return parse_snapshot(path.read_bytes())


def read_snapshot_remote(root: Path) -> str | None:
    """Which remote the snapshot was taken against (its description), None if not recorded."""
    path = Path(root) / SNAPSHOT_REMOTE_FILE
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except (OSError, UnicodeDecodeError):
        return None


def snapshot_csv(records: dict[str, dict[str, str]], fields: Iterable[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=list(fields), lineterminator="\n", extrasaction="ignore"
    )
    writer.writeheader()
    for paper_id in sorted(records):
        writer.writerow({f: records[paper_id].get(f, "") for f in writer.fieldnames})
    return buffer.getvalue()


def write_snapshot(
    root: Path,
    records: dict[str, dict[str, str]],
    fields: Iterable[str],
    *,
    remote: str | None = None,
) -> None:
    write_if_changed(Path(root) / SNAPSHOT_FILE, snapshot_csv(records, fields))
    if remote is not None:
        # After the snapshot: a crash in between leaves the old owner recorded, which makes the
        # next run ask for a rebuild (the safe direction), never the reverse.
        write_if_changed(Path(root) / SNAPSHOT_REMOTE_FILE, remote + "\n")


# --------------------------------------------------------------------------------------------
# Generated docs


def write_doc(root: Path, relative: str, text: str, *, durable: bool = True) -> bool:
    """Write a file under docs/ atomically (only when its text changed); see atomic_write_bytes
    for `durable`."""
    target = (Path(root) / "docs" / relative).resolve()
    docs = (Path(root) / "docs").resolve()
    if docs not in target.parents:
        raise DataError(f"refusing to write outside docs/: {relative}")
    return write_if_changed(target, text, durable=durable)


def write_doc_bytes(root: Path, relative: str, data: bytes) -> bool:
    """Write a binary file under docs/ (an archived image) atomically; True when written."""
    target = (Path(root) / "docs" / relative).resolve()
    docs = (Path(root) / "docs").resolve()
    if docs not in target.parents:
        raise DataError(f"refusing to write outside docs/: {relative}")
    if target.is_file() and target.read_bytes() == data:
        return False
    atomic_write_bytes(target, data)
    return True


def iter_markdown(directory: Path) -> Iterator[Path]:
    if directory.is_dir():
        yield from sorted(p for p in directory.rglob("*.md") if not p.name.startswith("."))


def today(root: Path | None = None, *, team: TeamSettings | None = None) -> dt.date:
    """The date the tracker considers 'today'.

    $TRACKER_TODAY pins it (tests, demos); else a `today:` in the team's settings (the bundled
    sample lives in July 2025, so every command shows it the same week); else the real date.
    The team is `team`, or the one under `root`, or under $TRACKER_ROOT (the dashboard's).
    """
    pinned = os.environ.get("TRACKER_TODAY")
    if pinned:
        return dt.date.fromisoformat(pinned)
    if team is not None:
        return team.today or dt.date.today()
    base = root if root is not None else os.environ.get(ROOT_ENV)
    if base:
        pin = _team_today_pin(Path(base) / TEAM_FILE)
        if pin is not None:
            return pin
    return dt.date.today()


def _team_today_pin(path: Path) -> dt.date | None:
    """team.yaml's `today:`, read without validating the rest (load_team reports problems)."""
    try:
        data = load_yaml(path.read_text(encoding="utf-8"), source=TEAM_FILE)
    except (OSError, DataError):
        return None
    value = data.get("today") if isinstance(data, dict) else None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
