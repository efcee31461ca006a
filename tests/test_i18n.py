"""The message catalog: every team-facing message has a Korean translation, the team's setting
picks the language, and placeholders survive translation."""

from __future__ import annotations

import string

import pytest

from tracker import i18n
from tracker.models import TeamSettings


def test_every_message_in_the_code_has_a_korean_translation() -> None:
    used = i18n.extract_msgids()
    assert len(used) > 100, "the extractor found the dashboard's and the site's messages"
    missing, unused = i18n.catalog_problems("ko")
    assert missing == [], "add them with `python -m tracker.i18n --update` and translate"
    assert unused == [], "drop them with `python -m tracker.i18n --update`"


def test_every_translation_keeps_the_placeholders_of_its_message() -> None:
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    broken = {
        msgid: text
        for msgid, text in i18n.catalog_messages("ko").items()
        if fields(msgid) != fields(text)
    }
    assert broken == {}


def test_a_korean_team_gets_korean_unless_it_asks_for_english() -> None:
    korean = TeamSettings(name="NLP 논문 읽기 모임", topic="NLP")
    english = TeamSettings(name="Reading group", topic="NLP", members=[])
    assert i18n.team_language(korean) == "ko"
    assert i18n.team_language(english) == "en"
    chosen = TeamSettings(name="NLP 논문 읽기 모임", topic="NLP", language="en")
    assert i18n.team_language(chosen) == "en"
    _ = i18n.translator(korean)
    assert _("Next meeting: {date} ({weekday})", date="2025-07-08", weekday="화요일") == (
        "다음 모임: 2025-07-08 (화요일)"
    )
    _ = i18n.translator(chosen)
    assert _("Reading list") == "Reading list"


def test_an_unknown_language_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match="use ko"):
        TeamSettings(name="x", topic="y", language="fr")
