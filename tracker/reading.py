"""Each member's own reading of a paper: assigned → read → summarised, with the dates.

A member who finished reading is in the paper's `read_by` (the sheet's 읽은 사람 column syncs
it), with the day in `read_on`. A member's summary is their own section of the paper file,
headed `## 요약 — 김지우 (@jiwoo)` and made from a template that asks the team's questions
(핵심 아이디어, 방법, 결과, 질문); the day it was written is in `summarised_on`. Only the
member whose section holds prose counts as having summarised. A paper summarised the old way, in
one shared `## 요약` with no member sections, credits only the readers who read it.
"""

from __future__ import annotations

import datetime as dt
import re

from tracker.models import STATUS_ORDER, Member, Paper, Status, has_summary

SUMMARY_QUESTIONS = [
    ("핵심 아이디어", "이 논문이 새로 내놓은 생각은 무엇인가?"),
    ("방법", "어떻게 했나? 모델, 데이터, 학습 방법"),
    ("결과", "무엇을 보였나? 수치와 비교 대상"),
    ("질문", "모임에서 이야기하고 싶은 것, 이해가 안 된 것"),
]

_MEMBER_HEADING = re.compile(r"^##[ \t]+.*\(@([a-z0-9][a-z0-9_-]*)\)[ \t]*$")
_LEVEL2 = re.compile(r"^##[ \t]")


def summary_heading(member: Member) -> str:
    return f"## 요약 — {member.name} (@{member.handle})"


def summary_template(member: Member) -> str:
    """The section a member fills in: their heading, then one sub-heading per question."""
    parts = [summary_heading(member), ""]
    for title, prompt in SUMMARY_QUESTIONS:
        parts += [f"### {title}", "", f"<!-- {prompt} -->", ""]
    return "\n".join(parts)


def _sections(body: str) -> tuple[list[str], dict[str, tuple[int, int]]]:
    """The body's lines and, per member handle, the [start, end) lines of their section."""
    lines = body.splitlines()
    spans: dict[str, tuple[int, int]] = {}
    current: str | None = None
    start = 0
    for index, line in enumerate(lines):
        if _LEVEL2.match(line):
            if current is not None:
                spans[current] = (start, index)
                current = None
            match = _MEMBER_HEADING.match(line)
            if match:
                current, start = match.group(1), index
    if current is not None:
        spans[current] = (start, len(lines))
    return lines, spans


def member_sections(body: str) -> dict[str, str]:
    """Each member's summary section (without its heading), by handle."""
    lines, spans = _sections(body)
    return {h: "\n".join(lines[a + 1 : b]) for h, (a, b) in spans.items()}


def _at_least(paper: Paper, status: Status) -> bool:
    return STATUS_ORDER.index(paper.status) >= STATUS_ORDER.index(status)


def _with(paper: Paper, **changes: object) -> Paper:
    """A validated copy of `paper` with `changes` (the body is not part of model_dump)."""
    return Paper.model_validate({**paper.model_dump(), "body": paper.body, **changes})


def has_read(paper: Paper, handle: str) -> bool:
    """The member finished reading: in `read_by`, or the paper's only reader with status read+."""
    if handle in paper.read_by:
        return True
    return paper.readers == [handle] and _at_least(paper, Status.read)


def summarised_by(paper: Paper) -> set[str]:
    """The members who summarised the paper (the body is parsed once)."""
    sections = member_sections(paper.body)
    if sections:
        return {h for h, text in sections.items() if has_summary(text)}
    if not has_summary(paper.body):
        return set()
    # A shared summary from before members had their own: whoever read the paper may have
    # written it; a reader who never read it did not.
    return {h for h in {*paper.readers, *paper.read_by} if has_read(paper, h)}


def mark_read(paper: Paper, handle: str, day: dt.date) -> Paper:
    """The paper with `handle` having read it on `day` (kept if already read earlier)."""
    read_by = list(paper.read_by)
    if handle not in read_by:
        read_by.append(handle)
    read_on = {**paper.read_on}
    read_on.setdefault(handle, day)
    status = paper.status
    readers = paper.readers or [handle]
    if not _at_least(paper, Status.read) and all(h in read_by for h in readers):
        status = Status.read  # everyone assigned has read it
    return _with(paper, read_by=read_by, read_on=read_on, status=status)


def _drop_empty_shared_summary(
    lines: list[str], spans: dict[str, tuple[int, int]]
) -> tuple[list[str], dict[str, tuple[int, int]]]:
    """Without the placeholder `## 요약` a new paper file starts with (nobody wrote in it)."""
    for index, line in enumerate(lines):
        if line.strip() != "## 요약":
            continue
        end = next((j for j in range(index + 1, len(lines)) if _LEVEL2.match(lines[j])), len(lines))
        if has_summary("\n".join(lines[index + 1 : end])):
            return lines, spans
        kept = [*lines[:index], *lines[end:]]
        return kept, _sections("\n".join(kept))[1]
    return lines, spans


def set_member_summary(body: str, member: Member, text: str) -> str:
    """`body` with the member's section replaced by (or, if new, followed by) `text`.

    `text` is the section without or with its heading; the heading is always the member's own.
    """
    lines, spans = _sections(body)
    section_lines = text.strip("\n").splitlines()
    if section_lines and _MEMBER_HEADING.match(section_lines[0]):
        section_lines = section_lines[1:]
    if section_lines and section_lines[0].strip():
        section_lines = ["", *section_lines]
    section = [summary_heading(member), *section_lines]
    lines, spans = _drop_empty_shared_summary(lines, spans)
    if member.handle in spans:
        start, end = spans[member.handle]
        new_lines = [*lines[:start], *section, "", *lines[end:]]
    else:
        head = lines
        while head and not head[-1].strip():
            head = head[:-1]
        new_lines = [*head, "", *section]
    return "\n".join(new_lines).rstrip("\n") + "\n"


def mark_summarised(paper: Paper, member: Member, text: str, day: dt.date) -> Paper:
    """The paper with the member's summary written (and them having read it)."""
    read = mark_read(paper, member.handle, day)
    summarised_on = {**read.summarised_on, member.handle: day}
    status = read.status
    readers = read.readers or [member.handle]
    body = set_member_summary(read.body, member, text)
    done = summarised_by(_with(read, body=body))
    if not _at_least(read, Status.summarised) and all(h in done for h in readers):
        status = Status.summarised
    return _with(read, summarised_on=summarised_on, status=status, body=body)
