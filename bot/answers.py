"""The command logic: ``/jonze editing`` in, a platform-neutral answer out.

Every adapter calls :meth:`Answerer.answer` with the command and the text after it and
renders what comes back; so a command means the same on Discord, Slack and the terminal.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from bot import limits
from bot.book import Director, Quote, QuoteBook, normalise_key
from bot.matching import best_key, resolve_topic, search_quotes, suggest
from bot.rotation import Rotation

# Longer input is cut before matching and echoing: no topic is this long.
MAX_ASKED = 100
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")
_LIST_WORDS = frozenset({"topics", "help", "?"})

How = Literal["exact", "alias", "prefix", "typo", "search", "any"]


@dataclass(frozen=True)
class QuoteAnswer:
    """A quote to show in the channel."""

    quote: Quote
    how: How
    asked: str = ""
    private: bool = False


@dataclass(frozen=True)
class TopicListing:
    """One director's topics with their aliases, for ``/jonze topics``."""

    director: str
    command: str
    topics: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class TopicsAnswer:
    """The topics a user can ask for; shown only to the asker."""

    listings: tuple[TopicListing, ...]
    private: bool = True


@dataclass(frozen=True)
class Miss:
    """Nothing matched: what was asked, what might have been meant, what there is."""

    message: str
    asked: str
    suggestions: tuple[str, ...]
    available: tuple[str, ...]
    usage: str
    private: bool = True


Answer = QuoteAnswer | TopicsAnswer | Miss


def clean_input(text: str) -> str:
    """What the user typed, made safe to match and to echo: no control or invisible
    characters, single spaces, at most :data:`MAX_ASKED` characters."""
    text = _CONTROL.sub(" ", unicodedata.normalize("NFC", text))
    text = " ".join(text.split())
    if len(text) > MAX_ASKED:
        text = text[: MAX_ASKED - 1].rstrip() + "…"
    return text


def listing(director: Director) -> TopicListing:
    """The topics of ``director`` that have quotes, with their aliases."""
    return TopicListing(
        director=director.name,
        command=director.command,
        topics=tuple((t.name, t.aliases) for t in director.topics if director.by_topic.get(t.name)),
    )


class Answerer:
    """Turns a command and its text into an answer, rotating through each topic's quotes."""

    def __init__(self, book: QuoteBook, rng: random.Random | None = None) -> None:
        self.book = book
        self._rotation = Rotation(rng)

    def answer(self, command: str, text: str = "") -> Answer:
        """The answer to ``/command text``: a director's command or ``quote``."""
        command = normalise_key(command.lstrip("/"))
        asked = clean_input(text)
        if command == limits.GLOBAL_COMMAND:
            return self._answer_any_director(asked)
        director = self.book.director(command)
        if director is None or director.command != command:
            commands = tuple(f"/{d.command}" for d in self.book)
            return Miss(
                message=f"There is no /{clean_input(command)} command here.",
                asked=command,
                suggestions=(),
                available=(f"/{limits.GLOBAL_COMMAND}", *commands),
                usage=f"/{limits.GLOBAL_COMMAND} [director] [topic]",
            )
        return self._answer_director(director, asked)

    def _answer_director(self, director: Director, asked: str) -> Answer:
        if not asked:
            return self._pick(director.quotes, (director.command, None), "any", asked)
        match = resolve_topic(director, asked)
        # "help" or "?" list the topics unless a topic is really called that.
        if normalise_key(asked) in _LIST_WORDS and (
            match is None or match.how not in ("exact", "alias")
        ):
            return TopicsAnswer((listing(director),))
        if match is not None:
            quotes = director.by_topic[match.topic]
            return self._pick(quotes, (director.command, match.topic), match.how, asked)
        found = search_quotes(director.quotes, asked)
        if found:
            return self._pick(found, (director.command, "search", asked), "search", asked)
        return self._miss_topic(director, asked)

    def _pick(self, quotes: tuple[Quote, ...], key: object, how: How, asked: str) -> QuoteAnswer:
        return QuoteAnswer(self._rotation.pick(key, quotes), how, asked)

    def _miss_topic(self, director: Director, asked: str) -> Miss:
        return Miss(
            message=f"{director.name} has no topic “{asked}”.",
            asked=asked,
            suggestions=suggest(director.topic_keys, asked),
            available=director.topic_names,
            usage=f"/{director.command} [topic]",
        )

    def _answer_any_director(self, asked: str) -> Answer:
        if not asked:
            if not self.book.quotes:
                return self._empty_book()
            return self._pick(self.book.quotes, (None, None), "any", asked)
        if normalise_key(asked) in _LIST_WORDS:
            return TopicsAnswer(tuple(listing(d) for d in self.book))
        director, rest = self._leading_director(asked)
        if director is not None:
            return self._answer_director(director, rest)
        # No director named: the words are a topic, across every director.
        quotes: tuple[Quote, ...] = ()
        how: How = "exact"
        for director in self.book:
            match = resolve_topic(director, asked)
            if match is not None and match.how in ("exact", "alias"):
                quotes += director.by_topic[match.topic]
                how = match.how
        if not quotes:
            quotes = search_quotes(self.book.quotes, asked)
            how = "search"
        if quotes:
            return self._pick(quotes, (None, normalise_key(asked)), how, asked)
        return Miss(
            message=f"No director or topic “{asked}”.",
            asked=asked,
            suggestions=tuple(d.command for d in suggest(self.book.director_keys, asked)),
            available=tuple(d.command for d in self.book),
            usage=f"/{limits.GLOBAL_COMMAND} [director] [topic]",
        )

    def _leading_director(self, asked: str) -> tuple[Director | None, str]:
        """The director named by the first words of ``asked`` (longest name first), and the rest."""
        words = asked.split(" ")
        for n in range(min(3, len(words)), 0, -1):
            director = self.book.director(" ".join(words[:n]))
            if director is not None:
                return director, " ".join(words[n:])
        hit = best_key(normalise_key(words[0]), self.book.director_keys)
        if hit is not None and hit[1] == "typo":
            return hit[0], " ".join(words[1:])
        return None, asked

    def _empty_book(self) -> Miss:
        return Miss(
            message="The quote book is empty: no quote files were loaded.",
            asked="",
            suggestions=(),
            available=(),
            usage="quotebot check",
        )
