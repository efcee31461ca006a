"""`tracker notes import --keep-images` against a loopback image host: a PNG kept under a
content-hash name, a 404 and an HTML page served as an image left as visible placeholders, a
server that never answers timed out; the note imports in every case."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from site_helpers import make_team_repo
from typer.testing import CliRunner

from tracker import store
from tracker.cli.main import app
from tracker.note_images import archive_images, http_fetcher
from tracker.notes import import_notes

# A real 1x1 PNG (signature, IHDR, IDAT, IEND).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)
POSTS = Path("docs/meetings/posts")


class ImageHost(BaseHTTPRequestHandler):
    release = threading.Event()  # the slow route waits on this, not on a clock
    routes_gone: set[str] = set()  # paths deleted since the test began

    def do_GET(self) -> None:  # noqa: N802 (the http.server API)
        routes = {
            "/cat.png": (200, "image/png", PNG),
            "/page.png": (200, "image/png", b"<!doctype html><title>not an image</title>"),
            "/login": (200, "text/html", b"<html>sign in</html>"),
            "/big.png": (200, "image/png", PNG + b"\0" * 5000),
        }
        if self.path == "/slow.png":
            self.release.wait(30)
            return
        if self.path == "/to-file":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
            return
        if self.path == "/unsized.png":  # no Content-Length: the limit applies while reading
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(PNG + b"\0" * 5000)
            self.close_connection = True
            return
        for gone in self.routes_gone:
            routes.pop(gone, None)
        status, kind, body = routes.get(self.path, (404, "text/plain", b"gone"))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def host(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    ImageHost.release.clear()
    ImageHost.routes_gone.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), ImageHost)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        ImageHost.release.set()
        server.shutdown()
        server.server_close()


@pytest.fixture
def team(tmp_path: Path) -> Path:
    return make_team_repo(tmp_path / "team", results=False)


def test_archiving_keeps_the_png_and_marks_each_failure_with_the_original_link(host: str) -> None:
    body = (
        f"![고양이]({host}/cat.png)\n\n"
        f"![사라진 그림]({host}/gone.png)\n\n"
        f'<img src="{host}/page.png" alt="가짜 그림">\n\n'
        f"![느린 그림]({host}/slow.png)\n\n"
        f"```\n![코드 안]({host}/cat.png)\n```\n"
    )
    archived = archive_images(body, fetcher=http_fetcher(timeout_s=0.5))
    name = f"assets/notes/{hashlib.sha256(PNG).hexdigest()[:32]}.png"
    assert archived.files == {name: PNG}
    assert archived.sources == {name: f"{host}/cat.png"}
    assert f'![고양이](../../{name} "원본: {host}/cat.png")' in archived.body
    assert f"[그림: 사라진 그림 (보관하지 못함: HTTP 404) — 원본 링크]({host}/gone.png)" in (
        archived.body
    )
    assert (
        "[그림: 가짜 그림 (보관하지 못함: the content is not a image/png image) — 원본 링크]"
        f"({host}/page.png)"
    ) in archived.body
    assert f"(보관하지 못함: timed out after 0.5 s) — 원본 링크]({host}/slow.png)" in archived.body
    assert f"```\n![코드 안]({host}/cat.png)\n```" in archived.body  # code is left alone
    assert len(archived.failures) == 3


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/login", "served as text/html, not an image"),
        ("/to-file", "redirected to a non-http(s) URL (file:///etc/passwd)"),
        ("/big.png", "5067 bytes, over the 1000 byte limit"),
        ("/unsized.png", "over the 1000 byte limit"),
    ],
)
def test_refused_downloads(host: str, path: str, reason: str) -> None:
    archived = archive_images(f"![]({host}{path})", fetcher=http_fetcher(max_bytes=1000))
    assert archived.files == {}
    assert archived.failures == [f"{host}{path}: {reason}"]


def test_keep_images_import_writes_image_then_post_and_reimport_is_unchanged(
    host: str, team: Path, tmp_path: Path
) -> None:
    note = tmp_path / "2025-10-14-images.md"
    note.write_text(
        f"---\ntitle: 그림 모임\ndate: 2025-10-14\n---\n\n그림 두 장.\n\n"
        f"![고양이]({host}/cat.png)\n\n![없음]({host}/gone.png)\n",
        encoding="utf-8",
    )
    args = ["notes", "import", "--root", str(team), "--keep-images", str(note)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "images: 1 kept, 1 failed" in result.output and "HTTP 404" in result.output
    digest = hashlib.sha256(PNG).hexdigest()[:32]
    assert (team / "docs/assets/notes" / f"{digest}.png").read_bytes() == PNG
    data, body = store.split_front_matter(
        (team / POSTS / "2025-10-14-images.md").read_text("utf-8"), source="post"
    )
    assert data["image_sources"] == {f"assets/notes/{digest}.png": f"{host}/cat.png"}
    assert f"../../assets/notes/{digest}.png" in body and "원본 링크]" in body
    again = CliRunner().invoke(app, args)
    assert "unchanged: " in again.output, again.output
    # The host deletes the picture: the archived copy stays, nothing is downloaded again.
    ImageHost.routes_gone.add("/cat.png")
    later = CliRunner().invoke(app, args)
    assert f"unchanged: {note}" in later.output and "1 kept, 1 failed" in later.output
    dry = CliRunner().invoke(app, [*args, "--dry-run"])
    assert "2 external image(s) to keep; not fetched in a dry run" in dry.output


def test_team_setting_turns_archiving_on_and_the_flag_turns_it_off(
    host: str, team: Path, tmp_path: Path
) -> None:
    team_file = team / "papers/team.yaml"
    team_file.write_text(
        team_file.read_text("utf-8") + "notes: {keep_images: true, image_timeout_s: 2}\n", "utf-8"
    )
    note = tmp_path / "2025-10-21-cat.md"
    note.write_text(f"---\ntitle: 고양이\ndate: 2025-10-21\n---\n\n![]({host}/cat.png)\n", "utf-8")
    import_notes(team, [note], keep_images=False)
    assert not (team / "docs/assets/notes").exists()
    import_notes(team, [note])  # the team's default
    assert len(list((team / "docs/assets/notes").iterdir())) == 1
