"""Keeping the images a note links to: downloaded into docs/assets/notes/, links rewritten.

Anonymous image hosts delete old images, so a note that links to them rots. Archiving fetches
each external image (`![alt](https://...)` or `<img src="https://...">`), checks that it is an
image (the Content-Type says image/png, jpeg, gif or webp and the first bytes agree), and
names it by the sha256 of its content, so the same image is stored once and a re-import writes
nothing new. Where a download fails the note keeps a visible placeholder linking to the
original, never a silently missing picture.

Bounds: a timeout on every socket operation and on the whole download, a size limit checked
against Content-Length and while reading, at most three redirects and only to http(s) URLs.
SVG is refused: it can carry scripts. Nothing is written here; the caller writes the returned
files through the store, before the post that shows them.
"""

from __future__ import annotations

import hashlib
import html
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from tracker.sanitize import markdown_regions

ASSETS_DIR = "assets/notes"  # relative to docs/
POST_TO_DOCS = "../../"  # from docs/meetings/posts/<post>.md to docs/
TIMEOUT_S = 10.0
MAX_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 3
USER_AGENT = "reading-group-tracker (note image archiver)"

# Content-Type -> (file suffix, test on the first bytes)
IMAGE_TYPES: dict[str, tuple[str, Callable[[bytes], bool]]] = {
    "image/png": (".png", lambda b: b.startswith(b"\x89PNG\r\n\x1a\n")),
    "image/jpeg": (".jpg", lambda b: b.startswith(b"\xff\xd8\xff")),
    "image/gif": (".gif", lambda b: b[:6] in (b"GIF87a", b"GIF89a")),
    "image/webp": (".webp", lambda b: b[:4] == b"RIFF" and b[8:12] == b"WEBP"),
}


class ImageRefused(Exception):
    """A download that failed or was not an image; the message goes into the placeholder."""


@dataclass(frozen=True)
class Downloaded:
    content_type: str
    data: bytes


Fetcher = Callable[[str], Downloaded]


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a few redirects, and only to http(s): never file:, ftp: or data: URLs."""

    max_redirections = MAX_REDIRECTS

    def http_error_302(self, req, fp, code, msg, headers):  # noqa: ANN001, ANN201
        # Checked here, before urllib's own check (which allows ftp: and reports only "302").
        target = urljoin(req.full_url, headers.get("Location") or headers.get("URI") or "")
        if urlsplit(target).scheme.lower() not in ("http", "https"):
            raise ImageRefused(f"redirected to a non-http(s) URL ({target[:60]})")
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def http_fetcher(*, timeout_s: float = TIMEOUT_S, max_bytes: int = MAX_BYTES) -> Fetcher:
    """A fetcher over urllib with the bounds above (proxies from the environment apply)."""
    opener = urllib.request.build_opener(_HttpOnlyRedirects())

    def fetch(url: str) -> Downloaded:
        if urlsplit(url).scheme.lower() not in ("http", "https"):
            raise ImageRefused("not an http(s) URL")
        deadline = time.monotonic() + timeout_s
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        try:
            with opener.open(request, timeout=timeout_s) as response:
                content_type = (response.headers.get("Content-Type") or "").split(";")[0]
                content_type = content_type.strip().lower()
                if content_type not in IMAGE_TYPES:
                    raise ImageRefused(f"served as {content_type or 'no type'}, not an image")
                length = response.headers.get("Content-Length")
                if length and length.isdigit() and int(length) > max_bytes:
                    raise ImageRefused(f"{int(length)} bytes, over the {max_bytes} byte limit")
                chunks, size = [], 0
                while True:
                    if time.monotonic() > deadline:
                        raise ImageRefused(f"timed out after {timeout_s:g} s")
                    chunk = response.read(64 * 1024)
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > max_bytes:
                        raise ImageRefused(f"over the {max_bytes} byte limit")
                    chunks.append(chunk)
                return Downloaded(content_type, b"".join(chunks))
        except ImageRefused:
            raise
        except urllib.error.HTTPError as exc:
            raise ImageRefused(f"HTTP {exc.code}") from exc
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, ImageRefused):
                raise reason from exc
            if isinstance(reason, TimeoutError) or "timed out" in str(reason):
                raise ImageRefused(f"timed out after {timeout_s:g} s") from exc
            raise ImageRefused(f"cannot connect ({reason})") from exc
        except TimeoutError as exc:
            raise ImageRefused(f"timed out after {timeout_s:g} s") from exc
        except OSError as exc:
            raise ImageRefused(f"download failed ({exc})") from exc

    return fetch


def default_fetcher(root: Path) -> Fetcher:
    """The fetcher with the team's limits (`notes: {image_timeout_s, image_max_bytes}`)."""
    from tracker import store
    from tracker.errors import DataError

    try:
        settings = store.load_team(root).notes
    except DataError:
        return http_fetcher()
    return http_fetcher(timeout_s=settings.image_timeout_s, max_bytes=settings.image_max_bytes)


@dataclass
class Archived:
    """The note's body with links rewritten, the files to write and what went wrong."""

    body: str
    files: dict[str, bytes] = field(default_factory=dict)  # docs-relative path -> content
    sources: dict[str, str] = field(default_factory=dict)  # docs-relative path -> source URL
    failures: list[str] = field(default_factory=list)  # "URL: reason"


_MD_IMAGE = re.compile(
    r"!\[(?P<alt>[^\]\n]*)\]\(\s*<?(?P<url>https?://[^\s()<>]+)>?(?:\s+\"(?P<title>[^\"]*)\")?\s*\)",
    re.IGNORECASE,
)
_HTML_IMAGE = re.compile(r"<img\b[^<>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(
    r"""(?<![\w-])(src|alt)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE
)


def _verified(downloaded: Downloaded) -> str:
    """The file suffix for a download that is an image by type and by content."""
    suffix, looks_right = IMAGE_TYPES.get(downloaded.content_type, ("", lambda _: False))
    if not looks_right(downloaded.data):
        raise ImageRefused(f"the content is not a {downloaded.content_type or 'known'} image")
    return suffix


def _safe_url(url: str) -> str:
    """A URL that cannot end a Markdown link or its title early."""
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace('"', "%22")


def _label(text: str) -> str:
    return re.sub(r"[\[\]\n]", " ", text).strip()


def archive_images(body: str, *, fetcher: Fetcher, known: dict[str, str] | None = None) -> Archived:
    """Download every external image of `body` (prose only, not code) and rewrite its links.

    `known` maps source URLs to files archived by an earlier import (docs-relative, present on
    disk): those are reused without a download, so a host that has since deleted the image
    cannot turn a kept picture back into a placeholder.
    """
    result = Archived(body="")
    cache: dict[str, str | ImageRefused] = {}

    def keep(url: str) -> str | ImageRefused:
        if url not in cache and known and url in known:
            cache[url] = known[url]
            result.sources[known[url]] = url
        if url not in cache:
            try:
                downloaded = fetcher(url)
                suffix = _verified(downloaded)
                relative = (
                    f"{ASSETS_DIR}/{hashlib.sha256(downloaded.data).hexdigest()[:32]}{suffix}"
                )
                result.files[relative] = downloaded.data
                result.sources[relative] = url
                cache[url] = relative
            except ImageRefused as exc:
                cache[url] = exc
                result.failures.append(f"{url}: {exc}")
        return cache[url]

    def replace(alt: str, url: str) -> str:
        url = _safe_url(url)
        kept = keep(url)
        if isinstance(kept, ImageRefused):
            what = f"그림: {_label(alt)}" if _label(alt) else "그림"
            return f"[{what} (보관하지 못함: {_label(str(kept))}) — 원본 링크]({url})"
        return f'![{_label(alt)}]({POST_TO_DOCS}{kept} "원본: {url}")'

    def markdown_image(match: re.Match[str]) -> str:
        return replace(match.group("alt"), match.group("url"))

    def html_image(match: re.Match[str]) -> str:
        attributes = {
            m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None)
            for m in _ATTRIBUTE.finditer(match.group(0))
        }
        url = attributes.get("src", "")
        if not re.match(r"https?://", url, re.IGNORECASE):
            return match.group(0)
        return replace(attributes.get("alt", ""), url)

    out = []
    for kind, chunk in markdown_regions(body):
        if kind == "prose":
            chunk = _HTML_IMAGE.sub(html_image, _MD_IMAGE.sub(markdown_image, chunk))
        out.append(chunk)
    result.body = "".join(out)
    return result


def label_external_images(body: str) -> str:
    """Give external images without alt text one naming where they came from.

    A browser shows nothing at all for a missing image with an empty alt; with a label the
    reader sees that a picture was there, and from which host, once the host has deleted it.
    """

    def label(url: str) -> str:
        parts = urlsplit(url)
        return _label(f"그림 (원본: {parts.netloc}{parts.path})")

    def markdown_image(match: re.Match[str]) -> str:
        if match.group("alt").strip():
            return match.group(0)
        return "![" + label(match.group("url")) + "]" + match.group(0)[match.group(0).index("(") :]

    def html_image(match: re.Match[str]) -> str:
        tag = match.group(0)
        attributes = {
            m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None)
            for m in _ATTRIBUTE.finditer(tag)
        }
        url = attributes.get("src", "")
        if attributes.get("alt", "").strip() or not re.match(r"https?://", url, re.IGNORECASE):
            return tag
        tag = re.sub(r"""(?<![\w-])alt\s*=\s*(?:""|'')""", "", tag, flags=re.IGNORECASE)
        return tag[:4] + f' alt="{html.escape(label(url))}"' + tag[4:]

    out = []
    for kind, chunk in markdown_regions(body):
        if kind == "prose":
            chunk = _HTML_IMAGE.sub(html_image, _MD_IMAGE.sub(markdown_image, chunk))
        out.append(chunk)
    return "".join(out)


def external_images(body: str) -> list[str]:
    """The http(s) image URLs of a note's prose (what archiving would download)."""
    urls: list[str] = []
    for kind, chunk in markdown_regions(body):
        if kind != "prose":
            continue
        urls += [m.group("url") for m in _MD_IMAGE.finditer(chunk)]
        for tag in _HTML_IMAGE.findall(chunk):
            src = next(
                (next(g for g in m.groups()[1:] if g is not None) for m in _ATTRIBUTE.finditer(tag)
                 if m.group(1).lower() == "src"),
                "",
            )  # fmt: skip
            if re.match(r"https?://", src, re.IGNORECASE):
                urls.append(src)
    return list(dict.fromkeys(urls))
