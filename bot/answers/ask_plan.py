"""What an ask comes to, worked out once per book and wording: the pool to draw the next
quote from, the word search to walk, or the finished answer (a miss, a listing)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from bot.answers.replies import Answer
from bot.book.model import Director, Quote
from bot.book.quote_book import QuoteBook

TYPE_CHECKING = False
if TYPE_CHECKING:
    from bot.answers.replies import How
    from bot.book.search import Cursor


@dataclass(frozen=True)
class Draw:
    """The next quote of a pool: a topic's, a director's, the book's."""

    quotes: Sequence[Quote]
    key: Hashable
    how: How
    asked: str


@dataclass(frozen=True)
class Seek:
    """The next match of a word search in ``book``."""

    book: QuoteBook
    director: Director | None
    asked: str
    key: Hashable
    best: tuple[Quote, Cursor]  # where every walk through the matches starts

    def next(self, after: Cursor | None) -> tuple[Quote, Cursor] | None:
        """The match after ``after`` (None: the best), for :meth:`Rotation.walk`."""
        return self.best if after is None else self.book.search(self.asked, self.director, after)


Plan = Answer | Draw | Seek
