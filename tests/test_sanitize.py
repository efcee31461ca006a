"""The note sanitiser: dangerous HTML goes, structure, Markdown, entities and math stay."""

from __future__ import annotations

from tracker.sanitize import markdown_regions, sanitize_markdown


def test_script_elements_are_dropped_with_their_content() -> None:
    out = sanitize_markdown(
        '앞 <script>alert("x")</script> 뒤\n<SCRIPT src="https://e.vil/a.js"></SCRIPT>'
    )
    assert "script" not in out.lower() and "alert" not in out
    assert out.startswith("앞 ") and " 뒤" in out


def test_event_handlers_are_removed_but_the_element_stays() -> None:
    out = sanitize_markdown(
        '<h2 onclick="steal()">제목</h2><img src="https://i.imgur.com/x.png" onerror="bad()">'
    )
    assert out == '<h2>제목</h2><img src="https://i.imgur.com/x.png">'


def test_javascript_urls_are_removed_from_html_and_markdown_links() -> None:
    out = sanitize_markdown(
        '<a href="javascript:alert(1)">a</a> [b](javascript:alert(document.cookie)) [c](https://ok.example/)'
    )
    assert "javascript" not in out
    assert "<a>a</a>" in out and "[b](#)" in out and "[c](https://ok.example/)" in out


def test_structure_tags_line_breaks_and_entities_survive() -> None:
    text = "<h1>모임</h1>\n첫 줄<br>둘째 줄 &nbsp; &amp; &lt;태그&gt;\n<table><tr><td>칸</td></tr></table>\n"
    assert sanitize_markdown(text) == text


def test_math_and_code_are_left_byte_for_byte() -> None:
    text = (
        "조건 $a < b$ 와 $b > c$, 또 $$x<y \\quad <script>$$\n"
        '`<script>x</script>` 는 코드다.\n\n```html\n<img onerror="x">\n```\n'
    )
    assert sanitize_markdown(text) == text


def test_markdown_block_quotes_autolinks_and_comments_are_not_escaped() -> None:
    text = "> 인용문 a < b\n\n<https://example.com/x>\n\n<!-- more -->\n"
    assert sanitize_markdown(text) == text


def test_dollar_amounts_are_prose_not_math() -> None:
    kinds = [
        kind for kind, _ in markdown_regions("가격은 $5 이고 할인하면 $3 이다 <b onclick='x'>!</b>")
    ]
    assert kinds == ["prose"]
    assert "onclick" not in sanitize_markdown(
        "가격은 $5 이고 할인하면 $3 이다 <b onclick='x'>!</b>"
    )
