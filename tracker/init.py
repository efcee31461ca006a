"""`tracker init`: a new team repository from the team's own settings and reading list.

`plan_team` reads the team's sheet (a CSV/XLSX file or a Google Sheet), proposes the column
mapping from the Korean and English headers teams use, proposes a handle for every person named
in the readers/presenter columns, and renders every file of the repository in memory;
`write_team` writes them only when all of that succeeded, so a refused init leaves DIR as it was.
Nothing of the bundled sample team (its papers, meetings or name) goes into a new team.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import string
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from tracker import store
from tracker.errors import DataError, UsageError
from tracker.models import Member, Paper, RemoteSettings, SheetColumn, TeamSettings, split_list
from tracker.people import propose_handles
from tracker.sheet import IGNORE_FIELD, PEOPLE_FIELDS, SheetTable, column_letter, parse_table

# Headers teams write, by the paper field they hold. Compared without case, spaces or
# punctuation ("논문 제목", "논문제목" and "Paper Title" all match).
HEADER_SYNONYMS: dict[str, list[str]] = {
    "id": ["번호", "ID", "No", "No.", "아이디", "논문 ID", "Paper ID", "#"],
    "title": ["제목", "논문 제목", "논문명", "논문", "Title", "Paper", "Paper Title"],
    "authors": ["저자", "저자들", "Authors", "Author"],
    "year": ["연도", "년도", "출판 연도", "발행 연도", "Year"],
    "venue": ["학회", "학회/저널", "저널", "게재처", "Venue", "Conference", "Journal"],
    "arxiv": ["arXiv", "arXiv ID", "아카이브"],
    "url": ["링크", "URL", "Link", "논문 링크", "주소"],
    "topics": ["주제", "분야", "키워드", "태그", "Topics", "Topic", "Keywords", "Tags"],
    "aliases": ["별칭", "약칭", "Aliases", "Alias"],
    "abstract": ["초록", "Abstract"],
    "status": ["진행상태", "진행 상태", "상태", "진행", "Status", "Progress"],
    "readers": ["읽는 사람", "읽을 사람", "담당자", "담당", "Readers", "Reader", "Assignee"],
    "read_by": ["읽은 사람", "읽음 완료", "Read by"],
    "presenter": ["발표자", "발표", "Presenter", "Speaker"],
    "presented_on": ["발표일", "발표 날짜", "발표일자", "날짜", "Date", "Presentation Date"],
    "slides": ["발표자료", "발표 자료", "슬라이드", "Slides", "PPT"],
    "added_on": ["추가일", "추가한 날", "등록일", "Added", "Added on"],
    "notes": ["비고", "메모", "Notes", "Note", "Memo", "Remarks"],
}

SHEETS_URL = re.compile(r"docs\.google\.com/spreadsheets/d/([A-Za-z0-9_-]+)")
SHEETS_KEY = re.compile(r"^[A-Za-z0-9_-]{25,}$")
TEMPLATES = "team"
SAMPLE_NAME_MARK = "bundled sample"


def _header_key(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\s\W_]+", "", folded)


_SYNONYM_INDEX = {_header_key(s): f for f, names in HEADER_SYNONYMS.items() for s in names}


def field_for_header(header: str) -> str | None:
    """The paper field a header names, or None when it is not one the tracker knows."""
    key = _header_key(header)
    if not key:
        return None
    if key in _SYNONYM_INDEX:
        return _SYNONYM_INDEX[key]
    if key in {_header_key(f) for f in Paper.model_fields if f != "body"}:
        return next(f for f in Paper.model_fields if _header_key(f) == key)
    return None


@dataclass
class ColumnProposal:
    columns: list[SheetColumn]
    unknown: list[str]  # headers mapped to `ignore` because the tracker could not place them


def propose_columns(
    headers: list[str], *, overrides: dict[str, str] | None = None, source: str = "the sheet"
) -> ColumnProposal:
    """Every header of row 1 mapped to a paper field (or `ignore`), in the sheet's order."""
    overrides = dict(overrides or {})
    known_fields = set(Paper.model_fields) - {"body"} | {IGNORE_FIELD}
    for header, target in overrides.items():
        if target not in known_fields:
            raise UsageError(
                f"--column {header}={target}: {target!r} is not a paper field",
                fix=f"use one of {', '.join(sorted(known_fields))}",
            )
    cleaned = [h.strip() for h in headers]
    missing = [h for h in overrides if h not in cleaned]
    if missing:
        raise UsageError(
            f"--column names header(s) {missing} that row 1 of {source} does not have",
            fix=f"use the headers as written: {', '.join(h for h in cleaned if h)}",
        )
    if not any(cleaned):
        raise DataError(
            f"{source}: row 1 is empty: the first row must hold the column headers",
            fix="add a header row (e.g. 번호, 제목, 저자, 담당자, 상태) above the papers",
        )
    columns: list[SheetColumn] = []
    unknown: list[str] = []
    taken: dict[str, str] = {}
    problems: list[str] = []
    second: list[str] = []  # the later header of each pair that maps to one field
    for index, header in enumerate(cleaned):
        if not header:
            continue
        target = overrides.get(header) or field_for_header(header)
        if target is None:
            unknown.append(header)
            target = IGNORE_FIELD
        if target != IGNORE_FIELD and target in taken:
            problems.append(
                f"column {taken[target]} and column {column_letter(index + 1)} {header!r} both "
                f"map to {target!r}"
            )
            second.append(header)
            continue
        if target != IGNORE_FIELD:
            taken[target] = f"{column_letter(index + 1)} {header!r}"
        columns.append(SheetColumn(header=header, field=target))
    if problems:
        raise DataError(
            f"{source}: a paper field would come from two columns: " + "; ".join(problems),
            fix=f"keep one: rerun with --column '{second[0]}=ignore' (or map it to another field)",
        )
    if "title" not in taken:
        looks_like_data = any(re.fullmatch(r"\d{4}\.\d{4,5}|\d{4}", h) for h in cleaned)
        why = "it looks like data, not headers" if looks_like_data else "none is a title header"
        raise DataError(
            f"{source}: no header row: row 1 ({', '.join(h for h in cleaned if h)}) has no column "
            f"the tracker recognises as the title ({why})",
            fix="put a header row first (번호, 제목, 저자, 담당자, 상태, ...), or name the title "
            "column: --column '<header>=title'",
        )
    if "id" not in taken:
        raise DataError(
            f"{source}: no id column: rows are matched by a stable id (번호 or ID)",
            fix="add a column 번호 (or ID) with an arXiv id or a short slug per paper, or name "
            "it: --column '<header>=id'",
        )
    return ColumnProposal(columns=columns, unknown=unknown)


# --------------------------------------------------------------------------------------------
# Reading the team's sheet


def is_sheets_address(text: str) -> bool:
    return bool(SHEETS_URL.search(text)) or (
        bool(SHEETS_KEY.match(text)) and not Path(text).exists()
    )


def open_sheet(source: str, directory: Path, *, worksheet: str | None = None):  # noqa: ANN201
    """(remote settings without columns yet, the table) for a file path or a Sheets address."""
    if is_sheets_address(source):
        from tracker.remotes.gsheets import GoogleSheetsRemote

        settings = RemoteSettings(
            kind="gsheets", path=None, spreadsheet=source, worksheet=worksheet
        )
        remote = GoogleSheetsRemote.from_settings(settings, directory)
        if not remote.exists():
            raise DataError(
                f"{remote.description}: worksheet {worksheet!r} not found",
                fix="check --worksheet (tab names are case-sensitive)",
            )
        return settings, remote.read()
    from tracker.remotes.file import FileRemote

    path = Path(source).expanduser()
    if not path.is_file():
        raise DataError(
            f"--sheet {source}: no such file",
            fix="give a CSV/XLSX file or a Google Sheets URL",
        )
    table = FileRemote(path, display=str(path)).read()
    return RemoteSettings(kind="file", path=str(path)), table


def sheet_people(table: SheetTable, columns: list[SheetColumn]) -> list[str]:
    """Everyone named in the people columns, in the order they first appear."""
    positions = [
        i
        for i, header in enumerate(h.strip() for h in table.headers)
        for c in columns
        if c.header == header and c.field in PEOPLE_FIELDS
    ]
    names: list[str] = []
    for row in table.rows:
        for index in positions:
            if index < len(row):
                names.extend(split_list(row[index]))
    return list(dict.fromkeys(names))


# --------------------------------------------------------------------------------------------
# Rendering the repository


def _template(relative: str) -> str:
    return resources.files("tracker.templates").joinpath(TEMPLATES, relative).read_text("utf-8")


def _yaml_text(value: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar: safe for any name or topic.
    return json.dumps(value, ensure_ascii=False)


def render_team_yaml(team: TeamSettings, columns: list[SheetColumn], unknown: list[str]) -> str:
    """team.yaml written for people: one line per member and per column, comments on what to edit."""
    today = store.today()
    start = team.start or today
    lines = [
        "# The team's settings and roster, written by `tracker init`; edit freely.",
        "# Handles are what papers/*.md use in readers / read_by / presenter; the sheet may use",
        "# either the handle or the name. interests drive `tracker assign`.",
        f"name: {_yaml_text(team.name)}",
        f"topic: {_yaml_text(team.topic)}",
        f"language: {team.language or 'ko'}",
        f"quota: {team.quota}",
        f"readers_per_paper: {team.readers_per_paper}",
        f"start: {start.isoformat()}",
        f"# deadline: {(start + dt.timedelta(weeks=26)).isoformat()}   # with start, sets the "
        "reading pace (who is behind)",
    ]
    if team.site_url:
        lines.append(f"site_url: {_yaml_text(team.site_url)}")
    sched = team.schedule
    weekday = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    lines.append(
        f'schedule: {{weekday: {weekday[sched.weekday]}, time: "{sched.time:%H:%M}", '
        f"timezone: {sched.timezone}, duration_minutes: {sched.duration_minutes}}}"
    )
    if team.members:
        lines.append("members:")
        for member in team.members:
            lines.append(
                f"  - {{handle: {member.handle}, name: {_yaml_text(member.name)}, interests: []}}"
            )
    else:
        lines.append("members: []  # add: - {handle: jiwoo, name: 김지우, interests: [BERT]}")
    remote = team.remote
    lines.append("remote:")
    lines.append(f"  kind: {remote.kind}")
    if remote.kind == "file":
        lines.append(f"  path: {_yaml_text(remote.path or '')}")
    else:
        lines.append(f"  spreadsheet: {_yaml_text(remote.spreadsheet or '')}")
        if remote.worksheet:
            lines.append(f"  worksheet: {_yaml_text(remote.worksheet)}")
        lines.append(f"  credentials_env: {remote.credentials_env}")
    lines.append(f"  people: {remote.people}  # how the sheet writes people: handle or name")
    lines.append(
        "  # Every column of the sheet, in its order; `ignore` leaves a column out of sync."
    )
    lines.append("  columns:")
    for column in columns:
        note = ""
        if column.header in unknown:
            note = "  # not recognised: set the paper field it holds, or keep ignore"
        lines.append(f"    - {{header: {_yaml_text(column.header)}, field: {column.field}}}{note}")
    return "\n".join(lines) + "\n"


def _render(relative: str, values: dict[str, str]) -> str:
    return string.Template(_template(relative)).safe_substitute(values)


@dataclass
class TeamPlan:
    """Everything `tracker init` will write, computed before anything is written."""

    directory: Path
    team: TeamSettings
    columns: list[SheetColumn] = field(default_factory=list)  # as written in team.yaml
    files: dict[str, bytes] = field(default_factory=dict)
    unknown_headers: list[str] = field(default_factory=list)
    sheet_rows: int = 0
    sheet_source: str | None = None

    def to_json(self) -> dict:
        return {
            "schema": 1,
            "directory": str(self.directory),
            "name": self.team.name,
            "topic": self.team.topic,
            "members": [m.model_dump(include={"handle", "name"}) for m in self.team.members],
            "columns": [c.model_dump() for c in self.columns],
            "unknown_headers": self.unknown_headers,
            "files": sorted(self.files),
            "sheet": self.sheet_source,
            "rows": self.sheet_rows,
        }


def _text(value: str) -> bytes:
    return value.encode("utf-8")


def check_directory(directory: Path) -> None:
    if (directory / store.TEAM_FILE).is_file():
        raise DataError(
            f"{directory} already holds a team ({store.TEAM_FILE}); nothing was written",
            fix="run `tracker week` there, or choose a new or empty directory for a new team",
        )
    if directory.exists() and not directory.is_dir():
        raise DataError(f"{directory} is a file, not a directory", fix="choose a directory")


def plan_team(
    directory: Path,
    *,
    name: str,
    topic: str,
    sheet: str | None = None,
    worksheet: str | None = None,
    site_url: str | None = None,
    language: str = "ko",
    column_overrides: dict[str, str] | None = None,
    handle_overrides: dict[str, str] | None = None,
    members: list[str] | None = None,
) -> TeamPlan:
    """Read the sheet and render every file of the new team; writes nothing."""
    directory = Path(directory).resolve()
    check_directory(directory)
    if not name.strip() or not topic.strip():
        raise UsageError("the team needs a name and a topic", fix="--name '...' --topic '...'")
    if language not in ("ko", "en"):
        raise UsageError(f"--language {language!r}", fix="use ko (한국어) or en (English)")
    files: dict[str, bytes] = {}
    unknown: list[str] = []
    columns = [c.model_copy() for c in RemoteSettings().columns]
    rows = 0
    people: list[str] = list(members or [])
    if sheet:
        remote, table = open_sheet(sheet, directory, worksheet=worksheet)
        proposal = propose_columns(table.headers, overrides=column_overrides, source=sheet)
        unknown = proposal.unknown
        rows = sum(1 for r in table.rows if any(c.strip() for c in r))
        people += sheet_people(table, proposal.columns)
        columns = proposal.columns
        if remote.kind == "file":
            source = Path(sheet).expanduser().resolve()
            inside = directory in source.parents
            relative = (
                source.relative_to(directory) if inside else Path("papers") / source.name
            ).as_posix()
            if not inside:
                # The team repository holds its reading list: later syncs write to this copy.
                files[relative] = source.read_bytes()
            remote.path = relative
    else:
        remote = RemoteSettings(kind="file", path="papers/reading-list.csv")
    roster = propose_handles(people, fixed=handle_overrides)
    uses_names = any(m.name != m.handle for m in roster)
    remote.people = "name" if uses_names else "handle"
    team = TeamSettings(
        name=name.strip(),
        topic=topic.strip(),
        language=language,
        site_url=site_url,
        start=store.today(),
        members=roster,
        remote=remote,
    )
    team_yaml = render_team_yaml(team, columns, unknown)
    # The text we write must read back as the team we mean (quoting, comments, defaults).
    reread = TeamSettings.model_validate(store.load_yaml(team_yaml, source=store.TEAM_FILE))
    if [(m.handle, m.name) for m in reread.members] != [(m.handle, m.name) for m in roster]:
        raise AssertionError("team.yaml does not read back as written")  # pragma: no cover
    if sheet:
        # Every row must sync: a cell the sheet cannot hand over is reported now, not later.
        parse_table(table, reread.remote.columns, roster=_roster(reread.members), progress=None)
    files[store.TEAM_FILE] = _text(team_yaml)
    files.update(render_site_files(team))
    return TeamPlan(
        directory=directory,
        team=team,
        columns=columns,
        files=files,
        unknown_headers=unknown,
        sheet_rows=rows,
        sheet_source=sheet,
    )


def _roster(members: list[Member]):  # noqa: ANN202
    from tracker.people import Roster

    return Roster(members) if members else None


def _asset_files() -> list[str]:
    """The site's own stylesheet and scripts shipped for new teams, relative to docs/assets/."""
    found: list[str] = []

    def walk(node: Any, prefix: str) -> None:
        for child in node.iterdir():
            if child.is_dir():
                walk(child, f"{prefix}{child.name}/")
            elif child.is_file():
                found.append(f"{prefix}{child.name}")

    walk(resources.files("tracker.templates").joinpath(TEMPLATES, "docs", "assets"), "")
    return sorted(found)


def render_site_files(team: TeamSettings) -> dict[str, bytes]:
    """mkdocs.yml, docs/, .gitignore, README.md and the CI workflows of a team."""
    values = {
        "name": team.name,
        "topic": team.topic,
        "quota": str(team.quota),
        "site_name": _yaml_text(team.name),
        "site_description": _yaml_text(f"{team.name}: {team.topic}"),
        "site_url": _yaml_text(team.site_url or ""),
        "language": team.language or "ko",
        "sync_note": (
            "\n`.github/workflows/sync.yml`은 매일 아침 구글 시트를 가져옵니다. 서비스 계정 키는 "
            "저장소 비밀값 `TRACKER_GOOGLE_CREDENTIALS`에 넣어 두세요."
            if team.remote.kind == "gsheets"
            else ""
        ),
    }
    files = {
        "mkdocs.yml": _render("mkdocs.yml", values),
        "docs/index.md": _render("docs/index.md", values),
        "docs/meetings/index.md": _template("docs/meetings/index.md"),
        "docs/meetings/posts/.gitkeep": "",
        **{f"docs/assets/{rel}": _template(f"docs/assets/{rel}") for rel in _asset_files()},
        ".gitignore": _template("gitignore.txt"),
        "README.md": _render("README.md", values),
        ".github/workflows/site.yml": _template("workflows/site.yml"),
    }
    if not team.site_url:
        files["mkdocs.yml"] = files["mkdocs.yml"].replace(
            'site_url: ""\n', "# site_url: https://<user>.github.io/<repository>/\n"
        )
    if team.remote.kind == "gsheets":
        files[".github/workflows/sync.yml"] = _template("workflows/sync.yml")
    return {k: _text(v) for k, v in files.items()}


def write_team(plan: TeamPlan) -> list[str]:
    """Write the planned files (each atomically); refuse if any of them exists already."""
    check_directory(plan.directory)
    clashes = sorted(rel for rel in plan.files if (plan.directory / rel).exists())
    if clashes:
        raise DataError(
            f"{plan.directory}: would overwrite {', '.join(clashes)}; nothing was written",
            fix="start the team in a new or empty directory",
        )
    plan.directory.mkdir(parents=True, exist_ok=True)
    # team.yaml last: a directory holding it is a team, so an interrupted init can be rerun.
    order = sorted(plan.files, key=lambda rel: (rel == store.TEAM_FILE, rel))
    for relative in order:
        store.atomic_write_bytes(plan.directory / relative, plan.files[relative])
    return order


# --------------------------------------------------------------------------------------------
# The bundled sample


def sample_root() -> Path:
    """The project checkout's own team (papers/ and docs/ beside the tracker package)."""
    root = Path(__file__).resolve().parents[1]
    if not (root / store.TEAM_FILE).is_file():
        raise DataError(
            "the bundled sample team is not available in this install",
            fix="clone the project and run `tracker init DIR --sample` from the checkout",
        )
    return root


def copy_sample(directory: Path) -> list[str]:
    """The sample team (papers, meetings, site settings) into a new directory."""
    directory = Path(directory).resolve()
    check_directory(directory)
    source = sample_root()
    if directory.exists() and any(directory.iterdir()):
        raise DataError(
            f"{directory} is not empty; nothing was written",
            fix="give a new or empty directory for the sample",
        )
    team = store.load_team(source)
    generated = {"papers", "members", "reproductions", "assets/vendor", "assets/avatars", "dev"}
    shutil.copytree(source / "papers", directory / "papers", ignore=shutil.ignore_patterns(".*"))
    (directory / "papers" / ".sync").mkdir(exist_ok=True)
    snapshot = source / store.SNAPSHOT_FILE
    if snapshot.is_file():
        shutil.copy2(snapshot, directory / store.SNAPSHOT_FILE)
    shutil.copytree(
        source / "docs",
        directory / "docs",
        ignore=lambda folder, names: [
            n
            for n in names
            if str((Path(folder) / n).relative_to(source / "docs")) in generated
            or n in ("agenda.md", "tags.md", ".authors.yml")
        ],
    )
    shutil.copy2(source / "mkdocs.yml", directory / "mkdocs.yml")
    extras = render_site_files(team)
    for relative in (".gitignore", "README.md", ".github/workflows/site.yml"):
        store.atomic_write_bytes(directory / relative, extras[relative])
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file())


def default_start() -> dt.date:
    return store.today()
