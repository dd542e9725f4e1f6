"""The quote book: directors, their topics and quotes, indexed for fast look-up."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import accumulate

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Literal

    from bot.search import Cursor, Searcher

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


class Chain(Sequence[Quote]):
    """Several pools read as one, without copying them."""

    def __init__(self, parts: Sequence[Sequence[Quote]]) -> None:
        self._parts = [p for p in parts if len(p)]
        self._ends = list(accumulate(len(p) for p in self._parts))

    def __len__(self) -> int:
        return self._ends[-1] if self._ends else 0

    def __getitem__(self, index: int) -> Quote:  # type: ignore[override]
        if index < 0:
            index += len(self)
        part = bisect_right(self._ends, index)
        if not 0 <= index < len(self):
            raise IndexError(index)
        start = self._ends[part - 1] if part else 0
        return self._parts[part][index - start]


class QuoteBook:
    """Every director's quotes, looked up by command, name or alias, topic, or words.

    Quotes are numbered through the book (directors in order, each one's in file order),
    from 1: the numbers the search index knows them by. A compiled book (see
    :mod:`bot.compiled_book`) brings its own index; a book made of quotes in hand builds
    one in memory on its first search."""

    def __init__(
        self, directors: Iterable[Director] = (), *, quotes: Sequence[Quote] | None = None,
        searcher: Searcher | None = None,
    ) -> None:  # fmt: skip
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
        self._spans: dict[str, tuple[int, int]] = {}
        first = 1
        for director in self._directors.values():
            self._spans[director.command] = (first, first + len(director.quotes))
            first += len(director.quotes)
        if quotes is None:
            quotes = tuple(q for d in self._directors.values() for q in d.quotes)
        self.quotes: Sequence[Quote] = quotes
        self._searcher = searcher
        # Every director's topic names and aliases, for /quote TOPIC across the book.
        self._topics: dict[str, list[tuple[Director, str]]] = {}
        for director in self._directors.values():
            for key, topic in director.topic_keys.items():
                self._topics.setdefault(key, []).append((director, topic))
        self._pools: dict[str, tuple[Chain, Literal["exact", "alias"]]] = {}

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

    def topic_pool(self, words: str) -> tuple[Sequence[Quote], Literal["exact", "alias"]] | None:
        """Every director's quotes on the topic (name or alias) ``words``, and whether it
        was named or reached through an alias."""
        key = normalise_key(words)
        pool = self._pools.get(key)
        if pool is None:
            named = self._topics.get(key)
            if not named:
                return None
            how: Literal["exact", "alias"] = "alias"
            if any(normalise_key(topic) == key for _director, topic in named):
                how = "exact"
            pool = Chain([d.by_topic[topic] for d, topic in named]), how
            self._pools[key] = pool
        return pool

    def search(
        self, words: str, director: Director | None = None, cursor: Cursor | None = None
    ) -> tuple[Quote, Cursor] | None:
        """The next quote holding ``words`` (in the whole book, or one director's quotes)
        after ``cursor`` (None: the best match), and where it is."""
        low, high = self._spans[director.command] if director else (1, len(self.quotes) + 1)
        found = self._index().next(words, low, high, cursor)
        if found is None:
            return None
        return self.quotes[found[1] - 1], found

    def _index(self) -> Searcher:
        if self._searcher is None:
            from bot.search import in_memory

            self._searcher = in_memory(self.quotes)
        return self._searcher
