"""A fact-check of a quote someone posted: a message's text looked for in the quote book,
answered privately with the quote and its full source, the closest quote, or neither.

A message is *in the book* when, both folded as ``quotebot check --verify`` folds (quote
marks, apostrophes, dashes and whitespace of every kind alike) and case aside, a quote's
text is inside the message (the quote posted with a line around it), or the message,
its edge quote marks and punctuation left off, is inside a quote's text and at least
:data:`MIN_PART_WORDS` words long (a part of a quote, not a common phrase). Otherwise the
closest quote a word search finds is shown, only when it shares at least
:data:`MIN_SHARED` of its words with the message, and at least half of the shorter one's.

Candidates come from word search (FTS5), a few matches for each run of
:data:`WINDOW_WORDS` words of the message (the first :data:`WINDOWS` runs: some 400
words), so a check costs about the same at any book size: milliseconds, up to a few
hundred searches for the longest message.
The message is hostile input: it is cleaned and cut (:mod:`bot.answers.user_text`) before
it is read, and never echoed.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from bot import limits
from bot.answers.language import ENGLISH, N_, say, translate
from bot.answers.user_text import clean_input
from bot.book import quote_id
from bot.book.model import Quote, fold
from bot.book.quote_book import QuoteBook
from bot.environment import setting

# A part of a quote this many words long or more counts as the quote.
MIN_PART_WORDS = 4
# The closest quote is shown when it shares this many words with the message, or more.
MIN_SHARED = 3
# Runs of this many words are searched for, starting every STEP words, at most WINDOWS of
# them, each taking its first PER_WINDOW matches.
WINDOW_WORDS, STEP, WINDOWS, PER_WINDOW = 4, 2, 200, 3
_WORD = re.compile(r"\w+")
_EDGES = "\"' .,;:…!?-"

FOUND = N_("In the book: {director}.")
CLOSEST = N_("Not in the book; the closest quote is {director}'s:")
NOT_FOUND = N_("Not in the book.")
NO_TEXT = N_("That message has no text to look for in the book.")
# The labels of a source's lines (their values are the record: never translated).
LABELS = {
    "Source": N_("Source"), "Venue": N_("Venue"), "Date": N_("Date"),
    "Locator": N_("Locator"), "Document": N_("Document"), "URL": N_("URL"),
    "Status": N_("Status"), "ID": N_("ID"), "Permalink": N_("Permalink"),
}  # fmt: skip
DISPUTED = N_("attribution disputed")


@dataclass(frozen=True)
class SourceAnswer:
    """What a fact-check found: the quote (None: nothing close), whether the message is
    that quote (else only the closest), the heading, and the quote's full source as
    (label, value) lines. Shown only to the asker."""

    quote: Quote | None
    found: bool
    heading: str
    lines: tuple[tuple[str, str], ...] = ()
    private: bool = True


def permalink(quote: Quote, book: QuoteBook | None) -> str:
    """The quote's page under ``QUOTEBOT_PUBLIC_URL`` (``/<command>/q/<id>/``, as the web
    pages lay it out), or "" when there is no public URL or no command for it."""
    public = setting(os.environ, "QUOTEBOT_PUBLIC_URL").rstrip("/")
    director = book.director(quote.director) if public and book is not None else None
    if director is None or not public.startswith(("http://", "https://")):
        return ""
    return f"{public}/{director.command}/q/{quote_id(quote)}/"


def source_lines(
    quote: Quote, *, locale: str | None = ENGLISH, book: QuoteBook | None = None
) -> tuple[tuple[str, str], ...]:
    """A quote's full source, one (label, value) line each: title, venue, date, locator,
    document or URL, what is known of the attribution, and the quote's ID (and, with
    ``book`` and a public URL, its permalink); the labels in ``locale``'s language."""
    source = quote.source
    status = translate(DISPUTED, locale) if quote.status == "disputed" else quote.status
    lines = (
        ("Source", source.title),
        ("Venue", source.venue),
        ("Date", source.date),
        ("Locator", quote.locator),
        ("Document", source.document),
        ("URL", source.url),
        ("Status", status),
        ("ID", f"#{quote_id(quote)}"),
        ("Permalink", permalink(quote, book)),
    )
    return tuple((translate(LABELS[label], locale), value) for label, value in lines if value)


def source_text(answer: SourceAnswer) -> str:
    """The answer as plain text: the heading, the quote, its director and source."""
    if answer.quote is None:
        return answer.heading
    said = [answer.heading, f"“{answer.quote.text}”", f"— {answer.quote.director}"]
    return "\n".join(said + [f"{label}: {value}" for label, value in answer.lines])


def _folded(text: str) -> str:
    return fold(text).casefold()


def _words(folded: str) -> set[str]:
    return {w for w in _WORD.findall(folded) if len(w) >= 3}


def _candidates(book: QuoteBook, words: list[str]) -> list[Quote]:
    """Quotes sharing a run of the message's words, best matches first, each once."""
    seen: dict[int, Quote] = {}
    last = max(len(words) - WINDOW_WORDS, 0)
    for start in list(range(0, last + 1, STEP))[:WINDOWS]:
        window = " ".join(words[start : start + WINDOW_WORDS])
        cursor = None
        for _ in range(PER_WINDOW):
            hit = book.search(window, None, cursor)
            if hit is None:
                break
            quote, cursor = hit
            seen.setdefault(cursor[1], quote)
    return list(seen.values())


def check_source(book: QuoteBook, message: str, *, locale: str | None = ENGLISH) -> SourceAnswer:
    """Whether ``message`` (a message's text, as posted) is a quote of ``book``; the
    headings and labels in ``locale``'s language."""
    text = _folded(clean_input(message, limits.MESSAGE_TEXT_MAX))
    words = _WORD.findall(text)
    if not words:
        return SourceAnswer(None, False, translate(NO_TEXT, locale))
    part = text.strip(_EDGES)
    candidates = _candidates(book, words)
    for quote in candidates:
        quoted = _folded(quote.text)
        if quoted in text or (len(part.split()) >= MIN_PART_WORDS and part in quoted):
            return _answer(book, quote, True, locale)
    asked = _words(text)
    best: tuple[int, Quote] | None = None
    for quote in candidates:
        theirs = _words(_folded(quote.text))
        shared = len(asked & theirs)
        close = shared >= MIN_SHARED and 2 * shared >= min(len(asked), len(theirs))
        if close and (best is None or shared > best[0]):
            best = shared, quote
    if best is None:
        return SourceAnswer(None, False, translate(NOT_FOUND, locale))
    return _answer(book, best[1], False, locale)


def _answer(book: QuoteBook, quote: Quote, found: bool, locale: str | None) -> SourceAnswer:
    heading = say(FOUND if found else CLOSEST, locale, director=quote.director)
    return SourceAnswer(quote, found, heading, source_lines(quote, locale=locale, book=book))
