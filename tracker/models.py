"""Typed records of the reading group: papers, members, team settings, meetings.

These are the only shapes the rest of the tracker passes around; the store turns files into
them and back, the sync engine turns spreadsheet rows into them and back.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class Status(StrEnum):
    """Where a paper is in the group's pipeline (reproduced is tracked separately)."""

    proposed = "proposed"
    assigned = "assigned"
    read = "read"
    summarised = "summarised"
    presented = "presented"


STATUS_ORDER = list(Status)

# Korean and alternative spellings the team writes into the sheet's status column.
STATUS_ALIASES: dict[str, Status] = {
    "제안": Status.proposed,
    "후보": Status.proposed,
    "배정": Status.assigned,
    "할당": Status.assigned,
    "읽음": Status.read,
    "읽기 완료": Status.read,
    "요약": Status.summarised,
    "요약 완료": Status.summarised,
    "summarized": Status.summarised,
    "발표": Status.presented,
    "발표 완료": Status.presented,
}

_STATUS_VALUES = {status.value: status for status in Status}

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
# An id names the file papers/<id>.md (and its temp file while written): well under the
# 255-byte file name limit.
MAX_ID_LENGTH = 100
# C0 controls but tab, line feed and carriage return; DEL; C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LIST_SEPARATORS = re.compile(r"[;,、\n]")
_FOUR_DIGITS = re.compile(r"\d{4}")
ARXIV_PATTERN = re.compile(r"^(\d{4}\.\d{4,5}|[a-z-]+(\.[A-Z]{2})?/\d{7})(v\d+)?$")


def parse_status(value: str | Status) -> Status:
    """Read a status as the team writes it (English or Korean); raise ValueError otherwise."""
    if isinstance(value, Status):
        return value
    if isinstance(value, str) and value in _STATUS_VALUES:  # canonical, as files hold it
        return _STATUS_VALUES[value]
    text = unicodedata.normalize("NFC", str(value)).strip()
    lowered = text.lower()
    if lowered in Status.__members__:
        return Status(lowered)
    if text in STATUS_ALIASES:
        return STATUS_ALIASES[text]
    if lowered in STATUS_ALIASES:
        return STATUS_ALIASES[lowered]
    known = ", ".join(s.value for s in Status)
    raise ValueError(f"unknown status {text!r}: use one of {known} (or 제안/배정/읽음/요약/발표)")


class Paper(BaseModel):
    """One paper of the reading list: the front matter of `papers/<id>.md` plus its body."""

    model_config = ConfigDict(extra="allow", validate_assignment=True)

    id: str
    title: str
    authors: list[str] = Field(default_factory=list)
    year: int | None = None
    venue: str | None = None
    arxiv: str | None = None
    url: str | None = None
    topics: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list, description="common names, e.g. BERT")
    abstract: str | None = None
    status: Status = Status.proposed
    readers: list[str] = Field(default_factory=list)
    read_by: list[str] = Field(default_factory=list, description="members who finished reading")
    read_on: dict[str, dt.date] = Field(default_factory=dict, description="handle -> day read")
    summarised_on: dict[str, dt.date] = Field(
        default_factory=dict, description="handle -> day their own summary was written"
    )
    presenter: str | None = None
    presented_on: dt.date | None = None
    slides: str | None = None
    reproduction: str | None = None
    added_on: dt.date | None = None
    notes: str | None = Field(default=None, description="the sheet's free-text remark (비고)")
    body: str = Field(default="", exclude=True, description="the team's Markdown summary")

    @model_validator(mode="before")
    @classmethod
    def _no_control_characters(cls, data: Any) -> Any:
        # NUL, BEL or an ANSI escape in a field would reach terminals, the sheet and the site.
        if isinstance(data, dict):
            for name, value in data.items():
                if name == "body":
                    continue
                for text in value if isinstance(value, list) else [value]:
                    # isprintable() is False for every C0/C1 control and DEL (category Cc), so
                    # the common clean text is cleared without the regex.
                    if (
                        isinstance(text, str)
                        and not text.isprintable()
                        and (found := _CONTROL.search(text))
                    ):
                        raise ValueError(
                            f"{name} holds a control character (U+{ord(found.group()):04X}): "
                            "remove it (a copy-paste from a terminal or PDF often brings one)"
                        )
        return data

    @field_validator("id", mode="before")
    @classmethod
    def _id_is_text(cls, value: Any) -> str:
        if not isinstance(value, str):
            # A YAML/CSV reader that produced a number has already lost digits (2101.10000 ->
            # 2101.1); refuse rather than guess.
            raise ValueError(
                f'paper id {value!r} was read as a number: write it as text, e.g. id: "{value}"'
            )
        text = value.strip()
        if len(text) > MAX_ID_LENGTH:
            raise ValueError(
                f"paper id is too long ({len(text)} characters, at most {MAX_ID_LENGTH}): use "
                "an arXiv id or a short slug such as lstm-1997"
            )
        if not ID_PATTERN.match(text):
            raise ValueError(
                f"paper id {text!r} is not a valid id: use an arXiv id (1810.04805) or a "
                "lower-case slug of letters, digits, '.', '-' and '_'"
            )
        return text

    @field_validator("arxiv", mode="before")
    @classmethod
    def _arxiv_is_text(cls, value: Any) -> str | None:
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise ValueError(f"arXiv id {value!r} was read as a number: write it as text")
        text = value.strip().removeprefix("arXiv:").removeprefix("arxiv:")
        if not ARXIV_PATTERN.match(text):
            raise ValueError(f"arXiv id {text!r} does not look like 1810.04805 or cs/0601001")
        return text

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value: Any) -> Status:
        if value is None or value == "":
            return Status.proposed
        return parse_status(value)

    @field_validator("year", mode="before")
    @classmethod
    def _year(cls, value: Any) -> int | None:
        if value is None or value == "":
            return None
        text = str(value).strip()
        if not _FOUR_DIGITS.fullmatch(text):
            raise ValueError(f"year {text!r} is not a four-digit year such as 2018")
        year = int(text)
        if not 1900 <= year <= 2100:
            raise ValueError(f"year {year} is out of range (1900-2100)")
        return year

    @field_validator("title")
    @classmethod
    def _title(cls, value: str) -> str:
        text = value.strip()
        if not text:
            raise ValueError("title is empty: every paper needs a title")
        return text

    @field_validator("authors", "topics", "aliases", "readers", "read_by", mode="before")
    @classmethod
    def _listish(cls, value: Any) -> list[str]:
        return split_list(value)

    @property
    def summarised(self) -> bool:
        """A summary is a non-empty section of the body beyond headings and placeholders."""
        return has_summary(self.body)

    @property
    def link(self) -> str | None:
        if self.url:
            return self.url
        if self.arxiv:
            return f"https://arxiv.org/abs/{self.arxiv}"
        return None


def split_list(value: Any) -> list[str]:
    """Lists arrive as YAML lists or as the sheet's comma/semicolon separated text."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part for piece in _LIST_SEPARATORS.split(value) if (part := piece.strip())]
    if isinstance(value, list | tuple):
        return [part for v in value if v is not None and (part := str(v).strip())]
    raise ValueError(f"expected a list or comma-separated text, got {value!r}")


_PLACEHOLDER = re.compile(r"^\s*(#.*|<!--.*-->|TODO.*|todo.*|\(.*요약.*\)|-\s*)?\s*$")


def has_summary(body: str) -> bool:
    """True when the body holds prose, not only headings, comments or TODO placeholders."""
    return any(not _PLACEHOLDER.match(line) for line in body.splitlines())


def parse_date_ranges(value: Any, *, what: str) -> list[tuple[dt.date, dt.date]]:
    """Dates and ranges as the team writes them: `2025-10-07`, `2025-10-01..2025-10-14` (also
    `~` or ` to `), or `{from: ..., to: ...}`; returns inclusive (first, last) pairs."""
    if value is None or value == "":
        return []
    items = value if isinstance(value, list | tuple) else [value]
    ranges: list[tuple[dt.date, dt.date]] = []
    for item in items:
        first: Any
        last: Any
        if isinstance(item, dict):
            first = item.get("from", item.get("start"))
            last = item.get("to", item.get("end", first))
        elif isinstance(item, dt.date):
            first = last = item
        else:
            parts = re.split(r"\s*(?:\.\.|~|\bto\b)\s*", str(item).strip())
            first, last = (parts[0], parts[-1]) if len(parts) <= 2 else (None, None)
        try:
            start = first if isinstance(first, dt.date) else dt.date.fromisoformat(str(first))
            end = last if isinstance(last, dt.date) else dt.date.fromisoformat(str(last))
        except (TypeError, ValueError):
            raise ValueError(
                f"{what} entry {item!r} is not a date or a range: write 2025-10-07 or "
                "2025-10-01..2025-10-14"
            ) from None
        if end < start:
            raise ValueError(f"{what} entry {item!r} ends before it starts")
        ranges.append((start, end))
    return ranges


def json_fields(obj: object, *names: str) -> dict[str, Any]:
    """`{name: obj.name}` for each name, in this order: the `--json` output of a result row;
    a caller replaces a value that needs converting with `| {name: converted}` (it keeps its
    place)."""
    return {name: getattr(obj, name) for name in names}


def _checked_date_ranges(value: Any, *, what: str) -> list[Any]:
    """A settings field of dates and ranges, kept as the team wrote it (one entry or a list),
    once every entry parses (a ValueError naming `what` otherwise)."""
    items = [] if value in (None, "") else value if isinstance(value, list) else [value]
    parse_date_ranges(items, what=what)
    return items


def skip_reasons(value: Any) -> list[str | None]:
    """The optional `reason` of each `schedule.skip` entry (None where none is given)."""
    items = value if isinstance(value, list | tuple) else [value]
    return [item.get("reason") if isinstance(item, dict) else None for item in items]


class Member(BaseModel):
    """A team member: a stable handle (used in readers/presenter), a name, interests."""

    model_config = ConfigDict(extra="allow")

    handle: str
    name: str
    interests: list[str] = Field(default_factory=list)
    email: str | None = None
    github: str | None = None
    active: bool = True
    away: list[Any] = Field(default_factory=list, description="dates or ranges they cannot come")

    @field_validator("away", mode="before")
    @classmethod
    def _away(cls, value: Any) -> list[Any]:
        return _checked_date_ranges(value, what="away")

    def is_away(self, day: dt.date) -> bool:
        return any(a <= day <= b for a, b in parse_date_ranges(self.away, what="away"))

    @field_validator("handle")
    @classmethod
    def _handle(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", value):
            raise ValueError(f"member handle {value!r}: use lower-case letters, digits, - and _")
        return value

    @field_validator("interests", mode="before")
    @classmethod
    def _interests(cls, value: Any) -> list[str]:
        return split_list(value)


class Schedule(BaseModel):
    """When the group meets: weekly on a weekday at a local time."""

    weekday: int = Field(default=1, ge=0, le=6, description="0=Monday ... 6=Sunday")
    time: dt.time = dt.time(20, 0)
    timezone: str = "Asia/Seoul"
    duration_minutes: int = 90
    location: str | None = None
    slots: int = Field(default=2, ge=1, description="presentations per meeting")
    holidays: str | None = Field(default="KR", description="public holidays of this country")
    skip: list[Any] = Field(default_factory=list, description="dates or ranges with no meeting")

    @field_validator("skip", mode="before")
    @classmethod
    def _skip(cls, value: Any) -> list[Any]:
        return _checked_date_ranges(value, what="schedule.skip")

    @field_validator("weekday", mode="before")
    @classmethod
    def _weekday(cls, value: Any) -> int:
        names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        korean = ["월", "화", "수", "목", "금", "토", "일"]
        if isinstance(value, str):
            text = value.strip().lower()
            for i, (en, ko) in enumerate(zip(names, korean, strict=True)):
                if text.startswith(en) or text.startswith(ko):
                    return i
            raise ValueError(f"weekday {value!r}: use monday..sunday or 월..일")
        return int(value)


class SheetColumn(BaseModel):
    """One column of the team's spreadsheet: its header text and the paper field it holds."""

    header: str
    field: str


DEFAULT_COLUMNS: list[SheetColumn] = [
    SheetColumn(header="ID", field="id"),
    SheetColumn(header="제목", field="title"),
    SheetColumn(header="저자", field="authors"),
    SheetColumn(header="연도", field="year"),
    SheetColumn(header="학회", field="venue"),
    SheetColumn(header="arXiv", field="arxiv"),
    SheetColumn(header="링크", field="url"),
    SheetColumn(header="주제", field="topics"),
    SheetColumn(header="상태", field="status"),
    SheetColumn(header="담당자", field="readers"),
    SheetColumn(header="발표자", field="presenter"),
    SheetColumn(header="발표일", field="presented_on"),
    SheetColumn(header="발표자료", field="slides"),
    SheetColumn(header="추가일", field="added_on"),
]


class RemoteSettings(BaseModel):
    """Where the shared reading list lives and how its columns map to paper fields."""

    model_config = ConfigDict(extra="allow")

    kind: str = Field(default="file", description="'file' (CSV/XLSX) or 'gsheets'")
    path: str | None = Field(default="papers/reading-list.csv", description="for kind=file")
    spreadsheet: str | None = Field(default=None, description="Google Sheets key or URL")
    worksheet: str | None = None
    credentials_env: str = "TRACKER_GOOGLE_CREDENTIALS"
    credentials_path: str | None = None
    auth: str = Field(default="service_account", description="service_account|oauth|api_key")
    endpoint: str | None = Field(default=None, description="Sheets API override (emulators)")
    people: str = Field(
        default="handle",
        description="how the sheet writes people in readers/presenter: 'handle' or 'name'",
    )
    columns: list[SheetColumn] = Field(default_factory=lambda: list(DEFAULT_COLUMNS))

    @field_validator("people")
    @classmethod
    def _people(cls, value: str) -> str:
        if value not in ("handle", "name"):
            raise ValueError(f"remote.people {value!r}: use 'handle' or 'name'")
        return value

    @model_validator(mode="after")
    def _columns_unique(self) -> RemoteSettings:
        # A team that lists only the columns it changes keeps the defaults for the others:
        # adding one entry must not silently unmap the other fourteen.
        mapped_fields = {c.field for c in self.columns}
        mapped_headers = {c.header.strip() for c in self.columns}
        for default in DEFAULT_COLUMNS:
            if default.field not in mapped_fields and default.header not in mapped_headers:
                self.columns.append(default)
        headers = [c.header for c in self.columns]
        fields = [c.field for c in self.columns if c.field != "ignore"]
        for name, values in (("header", headers), ("field", fields)):
            dupes = sorted({v for v in values if values.count(v) > 1})
            if dupes:
                raise ValueError(f"sheet column {name}s repeat in team.yaml: {dupes}")
        if "id" not in fields or "title" not in fields:
            raise ValueError("sheet columns must map a header to 'id' and one to 'title'")
        return self


class NotesSettings(BaseModel):
    """`notes:` in team.yaml: how `tracker notes import` treats the images notes link to."""

    model_config = ConfigDict(extra="forbid")

    keep_images: bool = False  # archive external images by default (as --keep-images does)
    image_timeout_s: float = Field(default=10.0, gt=0, le=120)
    image_max_bytes: int = Field(default=10 * 1024 * 1024, gt=0)


class TeamSettings(BaseModel):
    """`papers/team.yaml`: the topic, the roster, quotas, schedule and the remote."""

    model_config = ConfigDict(extra="allow")

    name: str
    topic: str
    quota: int = Field(default=20, ge=0)
    readers_per_paper: int = Field(default=2, ge=1)
    cover_every_paper: bool = False
    deadline: dt.date | None = None
    start: dt.date | None = None
    site_url: str | None = None
    language: str | None = Field(
        default=None, description="ko|en for team-facing text; default Korean for a Korean team"
    )
    today: dt.date | None = Field(
        default=None,
        description="a fixed 'today' for a demo team (the bundled sample); $TRACKER_TODAY wins",
    )
    schedule: Schedule = Field(default_factory=Schedule)
    members: list[Member] = Field(default_factory=list)
    remote: RemoteSettings = Field(default_factory=RemoteSettings)
    notes: NotesSettings = Field(default_factory=NotesSettings)

    @field_validator("language", mode="before")
    @classmethod
    def _language(cls, value: Any) -> str | None:
        if value is None or value == "":
            return None
        text = str(value).strip().lower()
        if text not in ("ko", "en"):
            raise ValueError(f"language {value!r}: use ko (한국어) or en (English)")
        return text

    @model_validator(mode="after")
    def _unique_handles(self) -> TeamSettings:
        handles = [m.handle for m in self.members]
        dupes = sorted({h for h in handles if handles.count(h) > 1})
        if dupes:
            raise ValueError(f"member handles repeat in team.yaml: {dupes}")
        return self

    def member(self, handle: str) -> Member | None:
        return next((m for m in self.members if m.handle == handle), None)


class ActionItem(BaseModel):
    """An open or done item from a meeting note (`- [ ]` / `- [x]`, or a next-week section)."""

    text: str
    done: bool = False
    owner: str | None = None
    source: str | None = None  # the note it came from
    meeting_date: dt.date | None = None


class Meeting(BaseModel):
    """A meeting note as published: `docs/meetings/<date>-<slug>.md` (MkDocs blog post)."""

    model_config = ConfigDict(extra="allow")

    date: dt.date
    title: str
    slug: str
    path: str
    categories: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    authors: list[str] = Field(default_factory=list)
    draft: bool = False
    body: str = ""
    action_items: list[ActionItem] = Field(default_factory=list)
    papers: list[str] = Field(default_factory=list, description="ids of papers mentioned")
