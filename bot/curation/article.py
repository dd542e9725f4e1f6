"""Reading an interview article: plain text or HTML (through the standard library's
parser, scripts, styles, navigation and page chrome left out), as paragraphs, with the
title and date it gives itself."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

MAX_BYTES = 5_000_000
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE = re.compile(
    rf"\b(?:(\d{{4}})-(\d{{2}})(?:-\d{{2}})?|({_MONTHS})\s+(?:\d{{1,2}},\s+)?(\d{{4}}))\b"
)


class IngestError(Exception):
    """The file cannot be read as an article; the message says why."""


@dataclass(frozen=True)
class Article:
    """An article as paragraphs of plain text, with what it says about itself."""

    path: str
    title: str
    date: str  # YYYY-MM, or "" when the article gives none
    paragraphs: tuple[str, ...]


class _TextExtractor(HTMLParser):
    """Visible text of an HTML page, a paragraph per block element; no scripts, styles,
    navigation or page chrome."""

    BLOCKS = frozenset(
        [
            "p",
            "div",
            "br",
            "li",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "blockquote",
            "section",
            "article",
            "tr",
            "dd",
            "dt",
            "pre",
        ]
    )
    HIDDEN = frozenset(
        [
            "script",
            "style",
            "noscript",
            "nav",
            "header",
            "footer",
            "aside",
            "form",
            "svg",
            "template",
        ]
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self._hidden = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self._hidden += 1
        elif tag == "title":
            self._in_title = True
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag == "title":
            self._in_title = False
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._hidden:
            self.parts.append(data)


def read_article(path: Path) -> Article:
    """Read a plain-text or HTML article. IngestError for empty, binary or huge files."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{path}: cannot read it ({exc.strerror})") from None
    if not raw.strip():
        raise IngestError(f"{path}: the file is empty")
    if len(raw) > MAX_BYTES:
        raise IngestError(f"{path}: over {MAX_BYTES // 1_000_000} MB; is this an article?")
    if b"\0" in raw:
        raise IngestError(f"{path}: a binary file, not a text or HTML article")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise IngestError(f"{path}: not UTF-8 text; save the article as UTF-8") from None
    title = ""
    if _looks_like_html(text, path):
        parser = _TextExtractor()
        parser.feed(text)
        parser.close()
        text, title = "".join(parser.parts), " ".join(parser.title.split())
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n")
    paragraphs = tuple(
        " ".join(block.split()) for block in re.split(r"\n\s*\n", text) if block.strip()
    )
    if not paragraphs:
        raise IngestError(f"{path}: no text in it")
    if not title:
        title = _title_from(paragraphs)
    return Article(str(path), title, _date_in(_heading(paragraphs)), paragraphs)


def _looks_like_html(text: str, path: Path) -> bool:
    head = text.lstrip()[:500].lower()
    return path.suffix.lower() in (".html", ".htm") or head.startswith(("<!doctype", "<html"))


# Lines a page repeats around every article: never its title.
_BOILERPLATE = re.compile(
    r"\b(?:menu|navigation|skip to (?:main )?content|sign in|log in|subscribe|cookies?|"
    r"search|share this|related posts|advertisement|home)\b",
    re.IGNORECASE,
)
# A section label glued to the heading when a page's markup is flattened: "herIn conv…".
_GLUED = re.compile(r"^[a-z]{2,}(?=[A-Z][a-z])")
# The heading and dateline: the short lines before the body starts.
_HEADING_LINES = 4
_HEADING_MAX = 120


def _heading(paragraphs: tuple[str, ...]) -> str:
    """The article's heading and dateline: its first short lines, before the first
    paragraph of body text. A date further on (a release date, say) is not the article's."""
    lines = []
    for paragraph in paragraphs[:_HEADING_LINES]:
        if len(paragraph) > _HEADING_MAX:
            break
        lines.append(paragraph)
    return "\n".join(lines)


def _title_from(paragraphs: tuple[str, ...]) -> str:
    # A title is a short line of the heading that is not a sentence, nor the page's
    # navigation; else none (and ingest says so).
    for paragraph in _heading(paragraphs).splitlines():
        if paragraph.endswith((".", ":", "?", "!")) or _BOILERPLATE.search(paragraph):
            continue
        return _GLUED.sub("", paragraph)
    return ""


def _date_in(text: str) -> str:
    found = _DATE.search(text)
    if found is None:
        return ""
    if found.group(1):
        return f"{found.group(1)}-{found.group(2)}"
    month = _MONTHS.split("|").index(found.group(3)) + 1
    return f"{found.group(4)}-{month:02d}"
