"""The command logic: ``/jonze editing`` in, a platform-neutral answer out.

Every adapter calls :meth:`Answerer.answer` (or :meth:`Answerer.answer_quote` for
``/quote`` with separate options) and renders what comes back; so a command means the
same on Discord, Slack and the terminal.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from bot import limits
from bot.answers.ask_plan import Draw, Plan, Seek
from bot.answers.language import N_
from bot.answers.matching import best_key, resolve_topic, suggest
from bot.answers.replies import (
    Answer,
    Miss,
    QuoteAnswer,
    TopicListing,
    TopicsAnswer,
    worded_miss,
)
from bot.answers.rotation import Rotation
from bot.answers.user_text import MAX_ASKED, clean_input
from bot.book.model import Director, command_key, normalise_key, normalise_text
from bot.book.quote_book import QuoteBook
from bot.memo import memo

__all__ = [
    "Answer",
    "Answerer",
    "Miss",
    "QuoteAnswer",
    "TopicListing",
    "TopicsAnswer",
    "clean_input",
    "listing",
]

_LIST_WORDS = frozenset({"topics", "help", "?"})
GLOBAL_USAGE = f"/{limits.GLOBAL_COMMAND} [director] [topic]"
# The misses' wording (msgids: translated where they are said, replies.Miss.said).
NO_DIRECTOR = N_("No director “{director}”.")
NO_COMMAND = N_("There is no /{command} command here.")
NO_TOPIC = N_("{director} has no topic “{topic}”.")
NO_DIRECTOR_OR_TOPIC = N_("No director or topic “{asked}”.")
EMPTY_BOOK = N_("The quote book is empty: no quote files were loaded.")


def listing(director: Director) -> TopicListing:
    """The topics of ``director`` that have quotes, with their aliases."""
    return TopicListing(
        director=director.name,
        command=director.command,
        topics=tuple((t.name, t.aliases) for t in director.topics if director.by_topic.get(t.name)),
    )


class Answerer:
    """Turns a command and its text into an answer, rotating through each pool's quotes."""

    def __init__(self, book: QuoteBook, rng: random.Random | None = None) -> None:
        self._rng = rng or random.Random()
        self._book = book
        self._rotation = Rotation(self._rng)
        self._plans: dict[tuple[str, str, str], Plan] = {}

    @property
    def book(self) -> QuoteBook:
        return self._book

    @book.setter
    def book(self, book: QuoteBook) -> None:
        # One assignment each, so an answer running beside a reload sees one book or the
        # other; the book first, so plans taken from the new table are the new book's.
        self._book = book
        self._rotation = Rotation(self._rng)
        self._plans = {}

    def warm_up(self) -> None:
        """Ask once of every kind, off the record, so that a server's first real ask is as
        quick as the next: the fuzzy matcher imported, the search index's pages read."""
        book = self._book
        spare = Answerer(book, random.Random(0))
        director = next(iter(book), None)
        spare.answer(limits.GLOBAL_COMMAND, "")
        spare.answer(limits.GLOBAL_COMMAND, "zzzz what")
        if director is not None:
            topic = director.topic_names[0] if director.topic_names else "zz"
            spare.answer(director.command, topic)
            spare.answer(director.command, topic[::-1] + "zzz the film")

    def answer(self, command: str, text: str = "") -> Answer:
        """The answer to ``/command text``: a director's command or ``quote``."""
        return self._carried_out(self.plan(command, text))

    def answer_quote(self, director: str | None = None, topic: str | None = None) -> Answer:
        """``/quote`` with the director and the topic given apart (Discord's options)."""
        return self._carried_out(self.plan_quote(director or "", topic or ""))

    def plan(self, command: str, text: str) -> Plan:
        """What ``/command text`` comes to, not carried out (a button's next quote too)."""
        return self._planned(("", command, text), lambda: self._plan(command, text))

    def plan_quote(self, director: str, topic: str) -> Plan:
        """What ``/quote`` with its options apart comes to, not carried out."""
        return self._planned(("quote", director, topic), lambda: self._plan_quote(director, topic))

    def _planned(self, key: tuple[str, str, str], plan: Callable[[], Plan]) -> Plan:
        """An ask worked out once per book and wording (and asked again by its Another)."""
        plans = self._plans  # before the book: a reload sets the book, then new plans
        # Only wordings short enough to be asked again are kept.
        return memo(plans, key, plan) if sum(map(len, key)) <= MAX_ASKED * 4 else plan()

    def _carried_out(self, step: Plan) -> Answer:
        """A plan carried out: the next quote of its pool, or the answer it is."""
        if isinstance(step, Draw):
            index = self._rotation.pick_index(step.key, len(step.quotes))
            return QuoteAnswer(step.quotes[index], step.how, step.asked, position=index)
        if isinstance(step, Seek):
            found = self._rotation.walk(step.key, step.next) or step.best
            return QuoteAnswer(found[0], "search", step.asked, cursor=found[1])
        return step

    def _plan(self, command: str, text: str) -> Plan:
        name = command_key(command)
        asked = clean_input(text)
        if name == limits.GLOBAL_COMMAND:
            return self._answer_any_director(asked)
        director = self._book.by_command(name)
        if director is None:
            return self.unknown_command(name)
        return self._answer_director(director, asked)

    def _plan_quote(self, director: str, topic: str) -> Plan:
        wanted, asked = clean_input(director), clean_input(topic)
        if not wanted:
            return self._answer_any_director(asked, name_first=False)
        found = self._book.director(wanted)
        if found is None:
            hit = best_key(normalise_key(wanted), self._book.director_keys)
            found = hit[0] if hit is not None else None
        if found is None:
            return worded_miss(
                NO_DIRECTOR,
                {"director": wanted},
                asked=wanted,
                suggestions=tuple(d.command for d in suggest(self._book.director_keys, wanted)),
                available=tuple(d.command for d in self._book),
                usage=GLOBAL_USAGE,
            )
        return self._answer_director(found, asked)

    def unknown_command(self, command: str) -> Miss:
        """A command this book does not have (a file was removed, or a typo)."""
        commands = tuple(f"/{d.command}" for d in self._book)
        return worded_miss(
            NO_COMMAND,
            {"command": clean_input(command)},
            asked=command,
            suggestions=(),
            available=(f"/{limits.GLOBAL_COMMAND}", *commands),
            usage=GLOBAL_USAGE,
        )

    def _answer_director(self, director: Director, asked: str) -> Plan:
        if not asked:
            return Draw(director.quotes, (director.command, None), "any", asked)
        match = resolve_topic(director, asked)
        # "help" or "?" list the topics unless a topic is really called that.
        if normalise_key(asked) in _LIST_WORDS and (
            match is None or match.how not in ("exact", "alias")
        ):
            return TopicsAnswer((listing(director),))
        if match is not None:
            quotes = director.by_topic[match.topic]
            return Draw(quotes, (director.command, match.topic), match.how, asked)
        found = self._search(director, asked)
        if found is not None:
            return found
        return worded_miss(
            NO_TOPIC,
            {"director": director.name, "topic": asked},
            asked=asked,
            suggestions=suggest(director.topic_keys, asked),
            available=director.topic_names,
            usage=f"/{director.command} [topic]",
        )

    def _search(self, director: Director | None, asked: str) -> Seek | None:
        """A word search, if anything matches: best first, through all before repeating."""
        book = self._book
        best = book.search(asked, director)
        if best is None:
            return None
        key = (director.command if director else None, "search", normalise_text(asked))
        return Seek(book, director, asked, key, best)

    def _answer_any_director(self, asked: str, name_first: bool = True) -> Plan:
        book = self._book
        if not asked:
            if not book.quotes:
                return self._empty_book()
            return Draw(book.quotes, (None, None), "any", asked)
        if normalise_key(asked) in _LIST_WORDS:
            return TopicsAnswer(tuple(listing(d) for d in book))
        if name_first:
            director, rest = self._leading_director(asked)
            if director is not None:
                return self._answer_director(director, rest)
        # No director named: the words are a topic, across every director, or words.
        pool = book.topic_pool(asked)
        if pool is not None:
            quotes, how = pool
            return Draw(quotes, (None, how, normalise_key(asked)), how, asked)
        found = self._search(None, asked)
        if found is not None:
            return found
        return worded_miss(
            NO_DIRECTOR_OR_TOPIC,
            {"asked": asked},
            asked=asked,
            suggestions=tuple(d.command for d in suggest(book.director_keys, asked)),
            available=tuple(d.command for d in book),
            usage=GLOBAL_USAGE,
        )

    def _leading_director(self, asked: str) -> tuple[Director | None, str]:
        """The director named by the first words of ``asked`` (longest name first), and the rest."""
        words = asked.split(" ")
        for n in range(min(3, len(words)), 0, -1):
            director = self._book.director(" ".join(words[:n]))
            if director is not None:
                return director, " ".join(words[n:])
        hit = best_key(normalise_key(words[0]), self._book.director_keys)
        if hit is not None and hit[1] == "typo":
            return hit[0], " ".join(words[1:])
        return None, asked

    def _empty_book(self) -> Miss:
        return worded_miss(
            EMPTY_BOOK,
            {},
            asked="",
            suggestions=(),
            available=(),
            usage="quotebot check",
        )
