"""The quote book: directors, their topics and quotes, indexed for fast look-up."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import accumulate

from bot.book.model import Director, Quote, command_key, normalise_key

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Literal

    from bot.book.search import Cursor, Searcher


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
    :mod:`bot.book.compiled`) brings its own index; a book made of quotes in hand builds
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
            from bot.book.search import in_memory

            self._searcher = in_memory(self.quotes)
        return self._searcher
