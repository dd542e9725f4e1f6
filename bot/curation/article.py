"""Reading an interview article: plain text or HTML (its visible text, scripts, styles,
navigation and page chrome left out), as paragraphs, with the title and date it gives
itself. The file is read as :mod:`bot.curation.source_file` reads anything from outside."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from bot.curation.html_text import page_text
from bot.curation.source_file import Unreadable, read_text

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


def read_article(path: Path) -> Article:
    """Read a plain-text or HTML article: a regular file of at most 5 MB, in the encoding
    it declares. IngestError (naming the file, quoting none of it) for anything else."""
    try:
        text = read_text(path)
    except Unreadable as exc:
        raise IngestError(f"{path}: {exc}") from None
    return parse_article(text, path)


def parse_article(text: str, path: Path) -> Article:
    """An article's text (already decoded) as paragraphs, with its title and date."""
    if not text.strip():
        raise IngestError(f"{path}: the file is empty")
    title = ""
    if _looks_like_html(text, path):
        text, title = page_text(text)
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = tuple(
        " ".join(block.split()) for block in re.split(r"\n\s*\n", text) if block.strip()
    )
    if not paragraphs:
        raise IngestError(f"{path}: no text in it")
    if not title:
        title = _title_from(paragraphs)
    return Article(str(path), title, _date_in(heading(paragraphs)), paragraphs)


def _looks_like_html(text: str, path: Path) -> bool:
    head = text.lstrip()[:500].lower()
    return path.suffix.lower() in (".html", ".htm", ".xhtml") or head.startswith(
        ("<!doctype", "<html", "<?xml")
    )


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


def heading(paragraphs: tuple[str, ...]) -> str:
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
    for paragraph in heading(paragraphs).splitlines():
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
