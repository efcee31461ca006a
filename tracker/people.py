"""Members as people: handles proposed from names, and names in sheet cells resolved to handles.

Papers store handles (`jiwoo`); the team's sheet often holds names as people write them
(`김지우`). `Roster` turns either into the handle and refuses a person nobody put on the roster;
`propose_handles` romanises Korean names (Revised Romanization of Korean, with the spellings
families commonly use for the frequent surnames) into lower-case ASCII handles, unique within
the team.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from tracker.errors import DataError
from tracker.models import Member

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
# Revised Romanization, syllable parts in Unicode order (19 initials, 21 medials, 28 finals).
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

# Surnames are written the way their bearers spell them in passports, not letter by letter
# (김 is "Kim", not RR "Gim").
SURNAME_SPELLINGS = {
    "김": "kim", "이": "lee", "박": "park", "최": "choi", "정": "jung", "강": "kang",
    "조": "cho", "윤": "yoon", "장": "jang", "임": "lim", "한": "han", "오": "oh",
    "서": "seo", "신": "shin", "권": "kwon", "황": "hwang", "안": "ahn", "송": "song",
    "류": "ryu", "유": "yoo", "홍": "hong", "전": "jeon", "고": "ko", "문": "moon",
    "양": "yang", "손": "son", "배": "bae", "백": "baek", "허": "heo", "노": "noh",
    "남궁": "namgung", "선우": "sunwoo", "제갈": "jegal", "황보": "hwangbo", "독고": "dokgo",
}  # fmt: skip
_DOUBLE_SURNAMES = {k for k in SURNAME_SPELLINGS if len(k) == 2}


def _is_hangul(ch: str) -> bool:
    return _HANGUL_FIRST <= ord(ch) <= _HANGUL_LAST


def romanise(text: str) -> str:
    """Hangul syllables in Revised Romanization (other characters kept), lower case.

    A medial-initial ㅇ is silent; the sound changes across syllables are not applied: a handle
    needs to be stable and readable, not phonetically exact.
    """
    out: list[str] = []
    for ch in text:
        if not _is_hangul(ch):
            out.append(ch)
            continue
        index = ord(ch) - _HANGUL_FIRST
        initial, rest = divmod(index, 21 * 28)
        medial, final = divmod(rest, 28)
        lead = _INITIALS[initial]
        out.append(("" if lead == "-" else lead) + _MEDIALS[medial] + _FINALS[final])
    return "".join(out)


def split_korean_name(name: str) -> tuple[str, str] | None:
    """(surname, given name) of a Korean name of 2 to 5 Hangul syllables; None otherwise."""
    text = name.strip()
    if not (2 <= len(text) <= 5) or not all(_is_hangul(ch) for ch in text):
        return None
    if len(text) >= 4 and text[:2] in _DOUBLE_SURNAMES:
        return text[:2], text[2:]
    return text[:1], text[1:]


def _ascii_handle(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", folded.lower())
    return "-".join(words)


def handle_candidates(name: str) -> list[str]:
    """Handles to try for a person, best first: the given name, then surname and given name."""
    text = name.strip()
    if re.fullmatch(r"[a-z0-9][a-z0-9_-]*", text):
        return [text]  # the sheet already uses a handle
    parts = split_korean_name(text)
    if parts is not None:
        surname, given = parts
        given_rr = romanise(given)
        surname_rr = SURNAME_SPELLINGS.get(surname) or romanise(surname)
        return [given_rr, f"{surname_rr}{given_rr}"]
    ascii_text = _ascii_handle(romanise(text))
    return [ascii_text] if ascii_text else []


def propose_handles(names: Iterable[str], *, fixed: dict[str, str] | None = None) -> list[Member]:
    """A member per distinct name, each with a unique handle; DataError when two collide.

    `fixed` maps a name to the handle the team chose (`--handle 김한아=hana2`).
    """
    fixed = dict(fixed or {})
    ordered = list(dict.fromkeys(n.strip() for n in names if n and n.strip()))
    candidates = {n: ([fixed[n]] if n in fixed else handle_candidates(n)) for n in ordered}
    for name, options in candidates.items():
        if not options:
            raise DataError(
                f"cannot propose a handle for {name!r}",
                fix=f"choose one: --handle '{name}=<lower-case handle>'",
            )
    chosen: dict[str, str] = {}
    # A name keeps its first choice unless another name wants the same one; then both fall
    # back to the longer form, so that neither is favoured by the order of the rows.
    level = dict.fromkeys(ordered, 0)
    for _ in range(3):
        proposals = {n: candidates[n][min(level[n], len(candidates[n]) - 1)] for n in ordered}
        clashes = {
            n
            for n in ordered
            if list(proposals.values()).count(proposals[n]) > 1 and n not in fixed
        }
        if not clashes:
            chosen = proposals
            break
        for name in clashes:
            level[name] += 1
    else:
        clash_groups: dict[str, list[str]] = {}
        for name, handle in proposals.items():
            clash_groups.setdefault(handle, []).append(name)
        handle, people = next((h, p) for h, p in clash_groups.items() if len(p) > 1)
        example = " ".join(f"--handle '{p}={handle}{i + 1}'" for i, p in enumerate(people))
        raise DataError(
            f"{' and '.join(people)} both romanise to the handle {handle!r}",
            fix=f"give them handles of your own, e.g. {example}",
        )
    return [Member(handle=chosen[n], name=n) for n in ordered]


# --------------------------------------------------------------------------------------------
# Resolving what a person typed


def _key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text)).casefold()


@dataclass
class Roster:
    """Looks members up by handle or by name as written (spacing and case ignored)."""

    members: list[Member]

    def __post_init__(self) -> None:
        self._by_key: dict[str, Member] = {}
        for member in self.members:
            self._by_key.setdefault(_key(member.handle), member)
        for member in self.members:
            self._by_key.setdefault(_key(member.name), member)

    def find(self, text: str) -> Member | None:
        return self._by_key.get(_key(text))

    def handle_of(self, text: str) -> str:
        """The handle of the member `text` names; ValueError naming the fix otherwise."""
        member = self.find(text)
        if member is None:
            known = ", ".join(f"{m.name} ({m.handle})" for m in self.members) or "nobody yet"
            raise ValueError(
                f"{text.strip()!r} is not on the team's roster ({known}): add them to members "
                "in papers/team.yaml (handle and name) or correct the cell"
            )
        return member.handle

    def name_of(self, handle: str) -> str:
        member = self.find(handle)
        return member.name if member else handle
