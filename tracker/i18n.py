"""The one message catalog for team-facing text: the site, the dashboard, the agenda draft, the
calendar and the CLI lines a team reads.

Messages are written in English in the code, wrapped in `_("...")` with `{name}` placeholders,
and translated in `tracker/locale/<language>.po` (gettext PO files, read with Babel). The PO file
is read directly, so an editable install needs no compile step; a test extracts every msgid with
Babel's extractor and fails when one has no translation.

`language: ko|en` in papers/team.yaml picks the language; without it a team whose name, topic or
member names are written in Hangul gets Korean.

To add messages: wrap them in `_()`, then `python -m tracker.i18n` lists the msgids that the
catalog lacks (or holds but no longer uses).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGES = ("ko", "en")
SOURCE_LANGUAGE = "en"  # the msgids themselves
DEFAULT_LANGUAGE = "ko"
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def team_language(team: Any) -> str:
    """The team's language: its `language` setting, else Korean when its names are Korean."""
    chosen = getattr(team, "language", None)
    if chosen:
        return str(chosen)
    texts = [getattr(team, "name", ""), getattr(team, "topic", "")]
    texts += [getattr(m, "name", "") for m in getattr(team, "members", [])]
    return "ko" if any(_HANGUL.search(t or "") for t in texts) else "en"


@functools.lru_cache(maxsize=len(LANGUAGES))
def catalog_messages(language: str) -> dict[str, str]:
    """msgid -> translation of one language (empty and fuzzy entries left out)."""
    if language == SOURCE_LANGUAGE:
        return {}
    from babel.messages.pofile import read_po

    path = LOCALE_DIR / f"{language}.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    return {
        str(message.id): str(message.string)
        for message in catalog
        if message.id and isinstance(message.id, str) and message.string and not message.fuzzy
    }


class Translator:
    """`_("Next meeting: {date}", date=...)`: the message in the chosen language, filled in."""

    def __init__(self, language: str = DEFAULT_LANGUAGE) -> None:
        if language not in LANGUAGES:
            known = ", ".join(LANGUAGES)
            raise ValueError(f"language {language!r} is not supported: use one of {known}")
        self.language = language
        self._messages = catalog_messages(language)

    def __call__(self, message: str, /, **values: Any) -> str:
        text = self._messages.get(message, message)
        return text.format(**values) if values else text

    def __repr__(self) -> str:
        return f"Translator({self.language!r})"


def translator(team_or_language: Any = None) -> Translator:
    """A translator for a team (its language) or a language code; Korean by default."""
    if team_or_language is None:
        return Translator(DEFAULT_LANGUAGE)
    if isinstance(team_or_language, str):
        return Translator(team_or_language)
    return Translator(team_language(team_or_language))


def extract_msgids(paths: Iterable[Path] | None = None) -> dict[str, list[str]]:
    """Every `_("...")` message in the tracker's sources -> where it occurs (file:line)."""
    from babel.messages.extract import extract_from_file

    package = Path(__file__).parent
    found: dict[str, list[str]] = {}
    for path in sorted(paths or package.rglob("*.py")):
        for lineno, message, _comments, _context in extract_from_file(
            "python", str(path), keywords={"_": None}
        ):
            if isinstance(message, str) and message:
                where = f"{path.relative_to(package.parent)}:{lineno}"
                found.setdefault(message, []).append(where)
    return found


def catalog_problems(language: str) -> tuple[list[str], list[str]]:
    """(msgids used in code without a translation, translations no code uses any more)."""
    used = extract_msgids()
    catalog_messages.cache_clear()
    messages = catalog_messages(language)
    missing = sorted(m for m in used if m not in messages)
    unused = sorted(m for m in messages if m not in used)
    return missing, unused


def update_catalog(language: str) -> int:
    """Add the msgids the code uses to `<language>.po` (empty, to translate); drop unused ones.

    Like `pybabel update`, without the .pot step; returns how many entries still need a
    translation.
    """
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    path = LOCALE_DIR / f"{language}.po"
    old = {}
    if path.exists():
        with path.open("rb") as handle:
            old = {str(m.id): str(m.string or "") for m in read_po(handle) if m.id}
    used = extract_msgids()
    # A fixed header and no source locations: the file changes only when a message does, so
    # parallel branches adding messages merge as plain insertions.
    catalog = Catalog(
        locale=language,
        project="reading-group-tracker",
        fuzzy=False,
        header_comment=f"# {language} messages of the reading-group tracker (python -m tracker.i18n --update)",
        creation_date=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        revision_date=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        last_translator="reading group",
        language_team=language,
    )
    for message, places in sorted(used.items()):
        locations = [(p.rsplit(":", 1)[0], int(p.rsplit(":", 1)[1])) for p in places]
        catalog.add(message, old.get(message, ""), locations=locations)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, no_location=True, sort_output=True)
    catalog_messages.cache_clear()
    return sum(1 for m in used if not old.get(m))


def _main() -> int:
    if "--update" in sys.argv:
        for language in LANGUAGES:
            if language != SOURCE_LANGUAGE:
                print(f"{language}.po: {update_catalog(language)} message(s) to translate")
        return 0
    status = 0
    for language in LANGUAGES:
        if language == SOURCE_LANGUAGE:
            continue
        missing, unused = catalog_problems(language)
        for message in missing:
            print(f'{language}: no translation for msgid "{message}"')
        for message in unused:
            print(f'{language}: unused msgid "{message}"')
        status |= bool(missing)
    return status


if __name__ == "__main__":
    sys.exit(_main())
