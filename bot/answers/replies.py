"""What the core answers with, and the wording of every answer, written once.

An adapter renders these values in its platform's markup by handing a :class:`Markup` to
:func:`miss_lines` and :func:`topic_lines`: the words are the same everywhere, only the
bold, code and escaping differ.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bot.answers.language import ENGLISH, N_, say, translate
from bot.book.model import Quote

# Not `from typing import TYPE_CHECKING`: importing typing was a tenth of `quotebot ask`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Literal

    from bot.book.search import Cursor

    How = Literal["exact", "alias", "prefix", "typo", "search", "any"]


@dataclass(frozen=True)
class QuoteAnswer:
    """A quote to show in the channel (or only to the asker when ``private``)."""

    quote: Quote
    how: How
    asked: str = ""
    private: bool = False
    # Where the quote stands in its ask's pool, when the answer drew it from one (-1: not
    # known): a button's Another goes on from there without looking through the pool.
    position: int = field(default=-1, compare=False)
    # Where a word search's match stands (its cursor), for the search's Another.
    cursor: Cursor | None = field(default=None, compare=False)


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
    # ``message`` before its values were put in (the msgid translated), and those values;
    # "" when ``message`` is said as it is.
    template: str = ""
    values: tuple[tuple[str, str], ...] = ()

    def said(self, locale: str | None = ENGLISH) -> str:
        """``message`` in ``locale``'s language (only the wording: what was asked stays)."""
        if not self.template:
            return self.message
        return say(self.template, locale, **dict(self.values))


def worded_miss(
    template: str,
    values: dict[str, str],
    *,
    asked: str,
    suggestions: tuple[str, ...],
    available: tuple[str, ...],
    usage: str,
) -> Miss:
    """A miss said in English, with what it is made of to say it in another language."""
    return Miss(
        message=template.format(**values), asked=asked, suggestions=suggestions,
        available=available, usage=usage, template=template, values=tuple(values.items()),
    )  # fmt: skip


Answer = QuoteAnswer | TopicsAnswer | Miss


def _same(text: str) -> str:
    return text


@dataclass(frozen=True)
class Markup:
    """How a platform writes emphasis and code, and escapes what a user typed."""

    escape: Callable[[str], str] = _same
    strong: Callable[[str], str] = _same
    code: Callable[[str], str] = _same
    bullet: str = "•"
    # Each platform's limit for one text (Slack section 3,000; Discord content 2,000).
    max_length: int = 2_000


def cut(text: str, size: int) -> str:
    """``text`` within ``size`` characters, an ellipsis marking a cut."""
    return text if len(text) <= size else text[: size - 1] + "…"


AND_MORE = N_("…and {n} more")


def fit_list(
    items: Sequence[str], budget: int, sep: str = ", ", *, locale: str | None = ENGLISH
) -> str:
    """As many of ``items`` as fit in ``budget`` characters, then ``…and N more``."""
    shown: list[str] = []
    used = 0
    and_more = translate(AND_MORE, locale)
    for index, item in enumerate(items):
        left = len(items) - index
        tail = len(sep + and_more.format(n=left)) if left > 1 else 0
        cost = len(item) + (len(sep) if shown else 0)
        if used + cost + tail > budget:
            more = and_more.format(n=left)
            return sep.join(shown) + (sep if shown else "") + more
        shown.append(item)
        used += cost
    return sep.join(shown)


DID_YOU_MEAN = N_("Did you mean {choices}?")
USAGE = N_("Usage: {usage}")
TRY = N_("Try: {choices}")


def miss_lines(miss: Miss, markup: Markup, *, locale: str | None = ENGLISH) -> list[str]:
    """A miss in words: what went wrong, "Did you mean", the choices, and the usage, in
    ``locale``'s language (what was asked, commands and topics as they are).

    The choices are cut with "…and N more" so that the whole fits ``markup.max_length``."""
    esc = markup.escape
    lines = [esc(miss.said(locale))]
    if miss.suggestions:
        said = ", ".join(markup.strong(esc(s)) for s in miss.suggestions)
        lines.append(say(DID_YOU_MEAN, locale, choices=said))
    usage = say(USAGE, locale, usage=markup.code(esc(miss.usage)))
    try_ = translate(TRY, locale)
    lead = len(try_.format(choices=""))
    budget = markup.max_length - sum(len(line) + 1 for line in (*lines, usage)) - lead
    if miss.available and budget > 20:
        shown = fit_list([esc(a) for a in miss.available], budget, locale=locale)
        lines.append(try_.format(choices=shown))
    lines.append(usage)
    return [line[: markup.max_length] for line in lines]


def miss_text(miss: Miss, markup: Markup, *, locale: str | None = ENGLISH) -> str:
    """:func:`miss_lines` as one text within ``markup.max_length``."""
    return "\n".join(miss_lines(miss, markup, locale=locale))[: markup.max_length]


def topic_heading(listing: TopicListing, markup: Markup) -> str:
    """The first line of a director's topic list: name and how to ask."""
    usage = markup.code(markup.escape(f"/{listing.command} [topic]"))
    return f"{markup.strong(markup.escape(listing.director))}  {usage}"


def topic_lines(listing: TopicListing, markup: Markup) -> list[str]:
    """One line per topic: its name in bold, its aliases after it."""
    esc = markup.escape
    lines = []
    for name, aliases in listing.topics:
        also = f" ({esc(', '.join(aliases))})" if aliases else ""
        lines.append(f"{markup.bullet} {markup.strong(esc(name))}{also}")
    return lines


MORE_TOPICS = N_("…and {n} more: ask one director's topics")
# What a user sees when answering failed on our side (logged), on every platform.
APOLOGY = N_("Sorry, something went wrong on our side. Please try again in a moment.")
