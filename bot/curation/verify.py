"""``quotebot check --verify``: every quote whose source names a document, found in it.

A quote is found when its text is in the document once both are folded the same way:
curly and straight quote marks alike, apostrophes alike, any dash (or run of dashes,
spaced or not) alike, and any run of whitespace as one space. Nothing else is forgiven:
a changed word, a dropped comma or a corrected printer's error is not the document's text.
A quote that is not found is reported on its line with the document's closest passage and
a word diff (``[-theirs-] {+ours+}``); a document that cannot be found is reported once.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.book.files import FileProblem, Problem, read_quote_file
from bot.book.model import Director, Quote

_FOLD = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′ʼ`´", "'"),
        **dict.fromkeys("“”„‟″«»", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
        **dict.fromkeys("\u00a0\u2007\u202f\u2009\u200a", " "),
    }
)
_DASHES = re.compile(r"\s*-+\s*")
# Words of context kept around each change in a word diff.
_AROUND = 3


def fold(text: str) -> str:
    """``text`` with quote marks, apostrophes, dashes and whitespace made uniform."""
    text = unicodedata.normalize("NFC", text).translate(_FOLD)
    return " ".join(_DASHES.sub(" - ", text).split())


@dataclass
class Verification:
    """What ``--verify`` found: the problems, and how many quotes were found or had no
    document to be checked against (a source with a URL only)."""

    problems: list[Problem] = field(default_factory=list)
    found: int = 0
    unchecked: int = 0


def verify(directors: Iterable[Director]) -> Verification:
    """Look for every quote of ``directors`` in its source's document."""
    result = Verification()
    documents: dict[Path, str | None] = {}
    missing: set[tuple[str, str]] = set()
    for director in directors:
        for quote in director.quotes:
            named = quote.source.document
            if not named:
                result.unchecked += 1
                continue
            path = locate(director.path, named)
            text = _read(path, documents) if path is not None else None
            if text is None:
                if (director.path, named) not in missing:
                    missing.add((director.path, named))
                    where = "not found" if path is None else "cannot be read as UTF-8 text"
                    result.problems.append(
                        Problem(director.path, quote.line, f"document {named} {where}")
                    )
                continue
            if fold(quote.text) in text:
                result.found += 1
            else:
                result.problems.append(_not_found(director.path, quote, named, text))
    return result


def locate(quote_file: str, document: str) -> Path | None:
    """Where ``document`` (as a source names it) is: beside the quote file or in a folder
    above it (``seeds/…`` from ``quotes/jonze.yaml``), else from the working folder."""
    named = Path(document)
    if named.is_absolute():
        return named if named.is_file() else None
    start = Path(quote_file).resolve().parent
    for folder in (start, *start.parents, Path.cwd()):
        candidate = folder / named
        if candidate.is_file():
            return candidate
    return None


def _read(path: Path, documents: dict[Path, str | None]) -> str | None:
    if path not in documents:
        try:
            documents[path] = fold(read_quote_file(path))
        except FileProblem:
            documents[path] = None
    return documents[path]


def _not_found(shown: str, quote: Quote, named: str, document: str) -> Problem:
    ours = fold(quote.text)
    closest = closest_passage(ours, document)
    message = f"not found in {named}"
    if closest:
        message += f"; closest passage: “{closest}”; word diff: {word_diff(closest, ours)}"
    return Problem(shown, quote.line, message)


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
