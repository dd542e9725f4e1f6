"""The quote model: sources, quotes, topics and directors, and the folding of text that
makes two spellings of a word or a quote one."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

_SPACES = re.compile(r"[\s_\-]+")
_QUOTE_MARKS = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


@lru_cache(maxsize=4096)
def normalise_key(text: str) -> str:
    """Fold what a user types into the form topics and directors are indexed by.

    Cached: the same few commands and topics are asked again and again."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_QUOTE_MARKS)
    return _SPACES.sub(" ", folded).strip()


def command_key(text: str) -> str:
    """A slash command as typed (``/Spike-Jonze``) in the form commands are indexed by:
    no slash, any case. Unlike :func:`normalise_key`, ``-`` and ``_`` are kept: they are
    part of a command's name."""
    return unicodedata.normalize("NFKC", text).strip().lstrip("/").casefold()


def normalise_text(text: str) -> str:
    """Fold a quote's text so that two copies differing only in typography compare equal."""
    if text.isascii():  # NFKC and the quote marks change nothing, casefold is lower
        return " ".join(text.lower().split())  # (translate with a table costs 2 us a quote)
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_QUOTE_MARKS)
    return " ".join(folded.split())


# How check --verify (and a fact-check of a quote someone posted) compares texts: quote
# marks, apostrophes and dashes of every kind alike, and any run of whitespace one space.
_FOLD = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′ʼ`´", "'"),
        **dict.fromkeys("“”„‟″«»", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
        **dict.fromkeys("\u00a0\u2007\u202f\u2009\u200a", " "),
    }
)
_DASHES = re.compile(r"-+")  # the spaces around are made one by the split below
# str.translate walks a non-ASCII text character by character through a dict: a replace
# per character present was 3x faster on a 2 MB page (bench/source_match.py).
_FOLDED = tuple((chr(code), str(to)) for code, to in _FOLD.items())


def fold(text: str) -> str:
    """``text`` with quote marks, apostrophes, dashes and whitespace made uniform."""
    text = unicodedata.normalize("NFC", text)
    for mark, plain in _FOLDED:
        if mark in text:
            text = text.replace(mark, plain)
    return " ".join(_DASHES.sub(" - ", text).split())


@dataclass(frozen=True)
class Source:
    """Where quotes were said or printed."""

    key: str
    title: str
    venue: str = ""
    date: str = ""
    document: str = ""
    url: str = ""

    @cached_property
    def citation(self) -> str:
        """Title, venue and year, e.g. ``In Conversation, TIFF Bell Lightbox, Toronto, 2013``."""
        year = self.date[:4]
        return ", ".join(part for part in (self.title, self.venue, year) if part)


# What is known of a quote's attribution: ``verified`` against its document (or stated so
# in the file), ``attributed`` to its source (the default), ``disputed``, and
# ``misattributed`` (kept in the file as a record, never served).
STATUSES = ("verified", "attributed", "disputed", "misattributed")


@dataclass(frozen=True)
class Quote:
    """One verbatim quote with what it was said about and where."""

    director: str
    topic: str
    text: str
    context: str
    source: Source
    line: int = field(default=0, compare=False)
    status: str = field(default="attributed", compare=False)
    locator: str = field(default="", compare=False)  # page, timestamp, paragraph

    @cached_property
    def text_key(self) -> str:
        """The text folded, to find duplicates and to name the quote in the store."""
        return normalise_text(self.text)

    @cached_property
    def attribution(self) -> str:
        """The line shown under a quote: who, on what, and where."""
        about = self.context
        # "On his process" reads as "on his process" mid-sentence; "HER ..." keeps its case.
        if about[:1].isupper() and about[1:2].islower():
            about = about[0].lower() + about[1:]
        who = f"— {self.director}, {about}" if about else f"— {self.director}"
        where = f"{self.source.citation}, {self.locator}" if self.locator else self.source.citation
        if self.status == "disputed":  # said so wherever the quote is shown
            where += "; attribution disputed"
        return f"{who} ({where})"


@dataclass(frozen=True)
class Topic:
    """A topic of one director, with the other words people use for it."""

    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Director:
    """One director's file: the slash command, topics and quotes."""

    name: str
    command: str
    topics: tuple[Topic, ...]
    quotes: Sequence[Quote]
    aliases: tuple[str, ...] = ()
    path: str = ""
    line: int = field(default=0, compare=False)
    by_topic: Mapping[str, Sequence[Quote]] = field(default_factory=dict, repr=False, compare=False)
    topic_keys: Mapping[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.by_topic:  # given by a compiled book; grouped here for quotes in hand
            grouped: dict[str, list[Quote]] = {t.name: [] for t in self.topics}
            for quote in self.quotes:
                grouped.setdefault(quote.topic, []).append(quote)
            object.__setattr__(self, "by_topic", {k: tuple(v) for k, v in grouped.items()})
        keys: dict[str, str] = {}
        for topic in self.topics:
            for word in (topic.name, *topic.aliases):
                keys.setdefault(normalise_key(word), topic.name)
        object.__setattr__(self, "topic_keys", keys)

    @cached_property
    def topic_names(self) -> tuple[str, ...]:
        """Topics that have at least one quote, in file order."""
        return tuple(t.name for t in self.topics if self.by_topic.get(t.name))


def quote_key(quote: Quote) -> str:
    """A quote's identity in the store: its director's name and a hash of its folded
    text, so reloading, reordering or adding files does not change it."""
    digest = hashlib.sha256(quote.text_key.encode()).hexdigest()[:16]
    return f"{quote.director}:{digest}"


def pool_keys(quotes: Sequence[Quote]) -> list[str]:
    """The keys of a pool's quotes, in its order (a compiled book has them ready)."""
    ready: Callable[[], list[str]] | None = getattr(quotes, "quote_keys", None)
    return ready() if ready is not None else [quote_key(q) for q in quotes]
