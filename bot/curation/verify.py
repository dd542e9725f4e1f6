"""``quotebot check --verify``: every quote whose source names a document, found in it.

A quote is found when its text is in the document once both are folded the same way:
curly and straight quote marks alike, apostrophes alike, any dash (or run of dashes,
spaced or not) alike, and any run of whitespace as one space. Nothing else is forgiven:
a changed word, a dropped comma or a corrected printer's error is not the document's text.
A quote that is not found is reported on its line with the document's closest passage and
a word diff (``[-theirs-] {+ours+}``); a document that cannot be found, read or used is
reported once, on the line of the first quote that names it.

Documents are read as ingest reads an article (a regular file of at most 5 MB, in its
declared encoding; an HTML page's visible text), and only inside the quote book's tree
(see :mod:`bot.curation.book_tree`): a document outside it is refused unread, and nothing
of a refused or unreadable file is ever printed. A document that never names the quote's
director is a warning: the words may be in it, the attribution is not. The search itself
(folding, closest passage, word diff) is :mod:`bot.curation.source_match`'s.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.book.files import Problem
from bot.book.model import Director, Quote
from bot.curation.article import Article, IngestError, parse_article
from bot.curation.book_tree import Refused, locate
from bot.curation.naming import naming
from bot.curation.source_file import Unreadable, read_text, shown
from bot.curation.source_match import (
    SourceMatch,
    closest_passage,
    match_quote,
    searchable,
    word_diff,
)

# The search (folding, closest passage, word diff) is source_match's, shared with the
# check of a suggested quote against its page; its pieces are still to be had from here.
__all__ = ["Verification", "closest_passage", "verify", "word_diff"]


@dataclass
class Verification:
    """What ``--verify`` found: the problems, the warnings (a document that never names
    the quote's director), and how many quotes were found or had no document to be
    checked against (a source with a URL only)."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    found: int = 0
    unchecked: int = 0


@dataclass(frozen=True)
class _Document:
    """A document read once: its text folded, or why it cannot be used."""

    text: str = ""
    article: Article | None = None
    problem: str = ""


def verify(directors: Iterable[Director]) -> Verification:
    """Look for every quote of ``directors`` in its source's document. Documents are read
    only inside the quote book's tree (:mod:`bot.curation.book_tree`)."""
    result = Verification()
    documents: dict[Path, _Document] = {}
    reported: set[tuple[str, str]] = set()
    for director in directors:
        for quote in director.quotes:
            named = quote.source.document
            if not named:
                result.unchecked += 1
                continue
            document = _document(director.path, named, documents)
            first = (director.path, named) not in reported
            reported.add((director.path, named))
            if document.problem:
                if first:
                    message = f"document {shown(named)} {document.problem}"
                    result.problems.append(Problem(director.path, quote.line, message))
                continue
            article = document.article
            if first and article and not naming(article, director.name, director.aliases).named:
                message = f"document {shown(named)} never names {shown(director.name)}"
                result.warnings.append(Problem(director.path, quote.line, message))
            matched = match_quote(quote.text, document.text)
            if matched.found:
                result.found += 1
            else:
                result.problems.append(_not_found(director.path, quote, named, matched))
    return result


def _document(quote_file: str, named: str, documents: dict[Path, _Document]) -> _Document:
    try:
        path = locate(quote_file, named)
    except Refused as exc:
        return _Document(problem=f"refused: {exc}; not read")
    if path is None:
        return _Document(problem="not found")
    if path not in documents:
        try:
            article = parse_article(read_text(path, follow_links=False), path)
            documents[path] = _Document(searchable(article), article)
        except (Unreadable, IngestError) as exc:
            reason = str(exc).removeprefix(f"{path}: ")
            documents[path] = _Document(problem=f"cannot be read: {reason}")
    return documents[path]


def _not_found(where: str, quote: Quote, named: str, matched: SourceMatch) -> Problem:
    message = f"not found in {shown(named)}"
    if matched.passage:
        passage, diff = shown(matched.passage), shown(matched.diff)
        message += f"; closest passage: “{passage}”; word diff: {diff}"
    return Problem(where, quote.line, message)
