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
director is a warning: the words may be in it, the attribution is not.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.book.files import Problem
from bot.book.model import Director, Quote, fold
from bot.curation.article import Article, IngestError, parse_article
from bot.curation.book_tree import Refused, locate
from bot.curation.naming import naming
from bot.curation.source_file import Unreadable, read_text, shown

# Words of context kept around each change in a word diff.
_AROUND = 3


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
            if fold(quote.text) in document.text:
                result.found += 1
            else:
                result.problems.append(_not_found(director.path, quote, named, document.text))
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
            text = fold("\n\n".join(article.paragraphs))
            documents[path] = _Document(text, article)
        except (Unreadable, IngestError) as exc:
            reason = str(exc).removeprefix(f"{path}: ")
            documents[path] = _Document(problem=f"cannot be read: {reason}")
    return documents[path]


def _not_found(where: str, quote: Quote, named: str, document: str) -> Problem:
    ours = fold(quote.text)
    closest = closest_passage(ours, document)
    message = f"not found in {shown(named)}"
    if closest:
        diff = word_diff(closest, ours)
        message += f"; closest passage: “{shown(closest)}”; word diff: {shown(diff)}"
    return Problem(where, quote.line, message)


def closest_passage(text: str, document: str) -> str:
    """The stretch of ``document`` (whole words) most like ``text``, or "" if none is."""
    from rapidfuzz import fuzz

    found = fuzz.partial_ratio_alignment(text, document, score_cutoff=50)
    if found is None:
        return ""
    start, end = found.dest_start, found.dest_end
    while start > 0 and not document[start - 1].isspace():
        start -= 1
    while end < len(document) and not document[end].isspace():
        end += 1
    return document[start:end].strip()


def word_diff(theirs: str, ours: str) -> str:
    """The words that differ, ``[-in the document-] {+in the quote+}``, with a few words
    of context around each change."""
    old, new = theirs.split(), ours.split()
    parts: list[str] = []
    opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    for number, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            words = old[i1:i2]
            first, last = number == 0, number == len(opcodes) - 1
            if len(words) > 2 * _AROUND or (first and len(words) > _AROUND):
                head = [] if first else words[:_AROUND]
                tail = [] if last else words[-_AROUND:]
                words = [*head, "…", *tail]
            parts.extend(words)
            continue
        if i2 > i1:
            parts.append("[-" + " ".join(old[i1:i2]) + "-]")
        if j2 > j1:
            parts.append("{+" + " ".join(new[j1:j2]) + "+}")
    return " ".join(parts)
