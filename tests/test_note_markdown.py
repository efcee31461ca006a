"""The body rewrites behind notes import, one at a time on small inputs (tracker.note_markdown)."""

from __future__ import annotations

from tracker.note_images import label_external_images
from tracker.note_markdown import (
    EXCERPT_MARKER,
    ensure_excerpt_marker,
    keep_soft_breaks,
    kramdown_to_markdown,
    markdown_html_headings,
    normalise_headings,
)


def test_heading_repeating_the_title_goes_and_remaining_h1s_are_demoted() -> None:
    body = "# 모임\n\n# 하나\n## 둘\n###### 여섯\n```\n# 코드\n```\n"
    assert normalise_headings(body, "모임") == "## 하나\n### 둘\n###### 여섯\n```\n# 코드\n```\n"


def test_notes_without_h1_keep_their_levels() -> None:
    body = "## 하나\n\n### 둘\n"
    assert normalise_headings(body, "다른 제목") == body


def test_a_date_beside_the_title_still_counts_as_the_title() -> None:
    assert normalise_headings("# 2025-09-23 메모\n\n본문\n", "메모") == "본문\n"


def test_html_and_setext_headings_become_atx_headings() -> None:
    body = "<h1 class='x'>제목</h1>\n\n둘째\n---\n\n- 목록\n---\n\n<h2>안에 <b>태그</b></h2>\n"
    assert markdown_html_headings(body) == (
        "# 제목\n\n## 둘째\n\n\n- 목록\n---\n\n<h2>안에 <b>태그</b></h2>\n"
    )


def test_soft_breaks_in_paragraphs_lists_and_quotes_but_not_tables_math_or_blocks() -> None:
    body = (
        "한 줄\n두 줄\n\n- 항목\n  이어짐\n- 다음 항목\n\n> 인용 하나\n> 인용 둘\n\n"
        "| a | b |\n|---|---|\n\n$$\nx\ny\n$$\n\n끝 줄<br>\n이미 끊김\n## 제목\n"
    )
    assert keep_soft_breaks(body) == (
        "한 줄<br>\n두 줄\n\n- 항목<br>\n  이어짐\n- 다음 항목\n\n> 인용 하나<br>\n> 인용 둘\n\n"
        "| a | b |\n|---|---|\n\n$$\nx\ny\n$$\n\n끝 줄<br>\n이미 끊김\n## 제목\n"
    )


def test_kramdown_definitions_with_and_without_a_term() -> None:
    body = "용어\n: : 뜻\n\n: 둘째 뜻\n\n문단\n\n\n: : 떨어진 뜻\n: :\n"
    # A definition two blank lines away from any term is plain text; an empty marker goes.
    assert kramdown_to_markdown(body) == "용어\n:   뜻\n\n:   둘째 뜻\n\n문단\n\n\n떨어진 뜻\n"


def test_kramdown_definition_marker_after_a_heading_is_just_text() -> None:
    assert kramdown_to_markdown("## 제목\n: : 설명\n") == "## 제목\n설명\n"


def test_kramdown_attribute_lists_become_admonitions_or_vanish() -> None:
    body = "알림 문단\n{: .notice--warning}\n\n* TOC\n{:toc}\n\n**굵게**{: .red} 글\n{: #id}\n"
    assert kramdown_to_markdown(body) == "!!! warning\n\n    알림 문단\n\n\n\n**굵게** 글\n"


def test_excerpt_marker_after_the_first_block_not_inside_a_fence_or_admonition() -> None:
    assert ensure_excerpt_marker("## 제목\n\n```\na\n\nb\n```\n\n뒤\n") == (
        f"## 제목\n\n```\na\n\nb\n```\n\n{EXCERPT_MARKER}\n\n뒤\n"
    )
    assert ensure_excerpt_marker("!!! note\n\n    안\n\n밖\n") == (
        f"!!! note\n\n    안\n\n{EXCERPT_MARKER}\n\n밖\n"
    )
    kept = f"머리\n\n{EXCERPT_MARKER}\n\n몸\n"
    assert ensure_excerpt_marker(kept) == kept
    assert ensure_excerpt_marker("한 덩어리") == f"한 덩어리\n\n{EXCERPT_MARKER}\n"


def test_external_images_without_alt_text_say_where_they_came_from() -> None:
    body = '![](https://i.imgur.com/a.png) ![있음](https://i.imgur.com/b.png) <img src="https://h.org/c.png"> `![](https://x.org/d.png)`'
    assert label_external_images(body) == (
        "![그림 (원본: i.imgur.com/a.png)](https://i.imgur.com/a.png) "
        "![있음](https://i.imgur.com/b.png) "
        '<img alt="그림 (원본: h.org/c.png)" src="https://h.org/c.png"> `![](https://x.org/d.png)`'
    )
