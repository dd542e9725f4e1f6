"""The quote book: directors, their topics and quotes, indexed for fast look-up."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
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
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_QUOTE_MARKS)
    return " ".join(folded.split())


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


@dataclass(frozen=True)
class Quote:
    """One verbatim quote with what it was said about and where."""

    director: str
    topic: str
    text: str
    context: str
    source: Source
    line: int = field(default=0, compare=False)
    text_key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Compared for duplicates when loading: fold once.
        object.__setattr__(self, "text_key", normalise_text(self.text))

    @cached_property
    def haystack(self) -> str:
        """Text and context folded for word search (made on the first search, not at load)."""
        return f"{self.text_key} {normalise_text(self.context)}"

    @cached_property
    def attribution(self) -> str:
        """The line shown under a quote: who, on what, and where."""
        about = self.context
        # "On his process" reads as "on his process" mid-sentence; "HER ..." keeps its case.
        if about[:1].isupper() and about[1:2].islower():
            about = about[0].lower() + about[1:]
        who = f"— {self.director}, {about}" if about else f"— {self.director}"
        return f"{who} ({self.source.citation})"


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
    quotes: tuple[Quote, ...]
    aliases: tuple[str, ...] = ()
    path: str = ""
    line: int = field(default=0, compare=False)
    by_topic: Mapping[str, tuple[Quote, ...]] = field(init=False, repr=False, compare=False)
    topic_keys: Mapping[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        grouped: dict[str, list[Quote]] = {t.name: [] for t in self.topics}
        for quote in self.quotes:
            grouped.setdefault(quote.topic, []).append(quote)
        keys: dict[str, str] = {}
        for topic in self.topics:
            for word in (topic.name, *topic.aliases):
                keys.setdefault(normalise_key(word), topic.name)
        object.__setattr__(self, "by_topic", {k: tuple(v) for k, v in grouped.items()})
        object.__setattr__(self, "topic_keys", keys)

    @cached_property
    def topic_names(self) -> tuple[str, ...]:
        """Topics that have at least one quote, in file order."""
        return tuple(t.name for t in self.topics if self.by_topic.get(t.name))


class QuoteBook:
    """Every director's quotes, looked up by command, name or alias."""

    def __init__(self, directors: Iterable[Director] = ()) -> None:
        self._directors: dict[str, Director] = {}
        self._keys: dict[str, Director] = {}
        for director in directors:
            self._directors[director.command] = director
        # Commands win over names and aliases, so index them first.
        for director in self._directors.values():
            self._keys[normalise_key(director.command)] = director
        for director in self._directors.values():
            for word in (director.name, *director.aliases):
                self._keys.setdefault(normalise_key(word), director)
        self.quotes: tuple[Quote, ...] = tuple(
            q for d in self._directors.values() for q in d.quotes
        )

    def __iter__(self) -> Iterator[Director]:
        return iter(self._directors.values())

    def __len__(self) -> int:
        return len(self._directors)

    def by_command(self, command: str) -> Director | None:
        """The director whose slash command is ``command`` (any case, slash optional)."""
        return self._directors.get(command_key(command))

    def director(self, word: str) -> Director | None:
        """The director whose command, name or alias is ``word`` (any case), if any."""
        return self._keys.get(normalise_key(word))

    @property
    def director_keys(self) -> Mapping[str, Director]:
        """Every normalised command, name and alias, for fuzzy matching."""
        return self._keys
