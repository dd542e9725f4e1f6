"""Looking for a quote in its source document: what ``quotebot check --verify`` does for
every quote of the book, and what a suggested quote is checked with against the page it
came from.

A quote is found when its text is in the document once both are folded the same way
(:func:`bot.book.model.fold`: quote marks, apostrophes, dashes and whitespace alike;
nothing else forgiven). Found, it comes with the passage around it; not found, with the
document's closest passage and a word diff (``[-theirs-] {+ours+}``).

The closest passage is where the quote aligns best. A short quote (64 characters), or
a quote of up to 500 in a document of up to 100,000, is aligned by RapidFuzz over the
whole document, as it always was. Anything longer would cost too much that way (RapidFuzz
grows with the cube of the quote's length, and with the document's): the quote's longest
words, the rarest mostly, are looked up in the document (a linear scan each, at most 24),
the places where many fall as the quote has them are the candidates, and only a few
windows there are aligned word by word (difflib; character by character in a script
written without spaces), the passage running from the first word matched to the last.
A 2 MB page is searched in tens of milliseconds, whatever the quote."""

from __future__ import annotations

import difflib
import re
import statistics
from dataclasses import dataclass, replace
from pathlib import Path

from bot.book.model import fold
from bot.curation.article import Article, IngestError, parse_article

# Words of context kept around each change in a word diff.
_AROUND = 3
# Characters of the document kept on either side of a quote found in it.
_CONTEXT = 200
# A document up to this long, or a quote up to this long (RapidFuzz's bit-parallel case:
# linear in the document), is aligned whole.
_WHOLE_DOCUMENT = 100_000
_SHORT_QUOTE = 64
# RapidFuzz's cost grows with the cube of the quote's length: a longer quote is aligned
# word by word (difflib) in the windows its anchors point to, however short the document.
_RAPIDFUZZ_QUOTE = 500
# The quote's words looked up, the places kept of each (more: too common to tell where
# the quote is), the windows then aligned.
_ANCHORS = 24
_PLACES = 500
_WINDOWS = 8
_REPEATS = 4  # of a word the quote repeats, its first places in the quote
_WORD = re.compile(r"\w{3,}")
_PIECE = 8  # a long run of word characters (a script without spaces) is looked up in pieces
_TOKEN = re.compile(r"\S+")
_WORDLESS = 20  # characters a word: past it, a quote is aligned by characters
_WIDEST = 40  # characters a passage is widened by on either side, to whole words
_STRAY = 3  # words further apart than in the quote that make an end word a straggler


@dataclass(frozen=True)
class SourceMatch:
    """Whether the quote is in the document. Found: ``passage`` is the document's
    (folded) text around it, whole words, about 200 characters either side, the quote
    at ``passage[start:end]``. Not found: ``passage`` is the closest passage ("" if no
    stretch is like it) and ``diff`` its word diff against the quote."""

    found: bool
    passage: str
    diff: str = ""
    start: int = 0
    end: int = 0


def page_article(text: str, url: str, html: bool) -> Article:
    """A fetched page (its decoded text; HTML or not, as its type says) read as ingest
    reads an article file, its path the page's URL. IngestError names the URL."""
    name = Path("page.html" if html else "page.txt")
    try:
        article = parse_article(text, name)
    except IngestError as exc:
        reason = str(exc).removeprefix(f"{name}: ").replace("the file", "the page")
        raise IngestError(f"{url}: {reason}") from None
    return replace(article, path=url)


def searchable(article: Article) -> str:
    """An article's text as quotes are looked for in it: its paragraphs, folded."""
    return fold("\n\n".join(article.paragraphs))


def match_quote(quote: str, document: str) -> SourceMatch:
    """Look for ``quote`` in ``document`` (its :func:`searchable` text)."""
    ours = fold(quote)
    at = document.find(ours)
    if at >= 0:
        return _found(document, at, at + len(ours))
    closest = closest_passage(ours, document)
    return SourceMatch(False, closest, word_diff(closest, ours) if closest else "")


def _found(document: str, start: int, end: int) -> SourceMatch:
    left, right = max(0, start - _CONTEXT), min(len(document), end + _CONTEXT)
    if left > 0 and not document[left - 1].isspace():
        space = document.find(" ", left, start)
        left = start if space < 0 else space + 1
    if right < len(document) and not document[right].isspace():
        space = document.rfind(" ", end, right)
        right = end if space < 0 else space
    return SourceMatch(True, document[left:right], "", start - left, end - left)


def closest_passage(text: str, document: str) -> str:
    """The stretch of ``document`` (whole words) most like ``text``, or "" if none is."""
    span = _alignment(text, document)
    if span is None:
        return ""
    start, end = span
    # Out to whole words; not far, in a script written without spaces.
    first, last = max(0, start - _WIDEST), min(len(document), end + _WIDEST)
    while start > first and not document[start - 1].isspace():
        start -= 1
    while end < last and not document[end].isspace():
        end += 1
    return document[start:end].strip()


def _alignment(text: str, document: str) -> tuple[int, int] | None:
    """Where in ``document`` ``text`` aligns best, if anywhere (half its words at least)."""
    if len(text) <= _SHORT_QUOTE or (
        len(document) <= _WHOLE_DOCUMENT and len(text) <= _RAPIDFUZZ_QUOTE
    ):
        from rapidfuzz import fuzz

        found = fuzz.partial_ratio_alignment(text, document, score_cutoff=50)
        return None if found is None else (found.dest_start, found.dest_end)
    ours: list[str] = text.split()
    # Words, or characters for a script written without spaces between its words.
    wordy = len(ours) * _WORDLESS >= len(text)
    ours = ours if wordy else list(text)
    best, score = None, 0.0
    for low, high in _windows(text, document):
        if wordy:
            spans = [word.span() for word in _TOKEN.finditer(document, low, high)]
        else:
            spans = [(at, at + 1) for at in range(low, high)]
        theirs = [document[a:b] for a, b in spans]
        matcher = difflib.SequenceMatcher(None, ours, theirs, autojunk=False)
        blocks = _core([block for block in matcher.get_matching_blocks() if block.size])
        if not blocks:
            continue
        first, last = blocks[0].b, blocks[-1].b + blocks[-1].size
        ratio = 2 * sum(block.size for block in blocks) / (len(ours) + last - first)
        if ratio >= 0.5 and ratio > score:
            best, score = (spans[first][0], spans[last - 1][1]), ratio
    return best


def _core(blocks: list[difflib.Match]) -> list[difflib.Match]:
    """The matching blocks without stragglers: a word or two at either end matched far
    from the rest (further apart in the document than in the quote)."""
    while len(blocks) > 1 and _straggler(blocks[0], blocks[1]):
        blocks = blocks[1:]
    while len(blocks) > 1 and _straggler(blocks[-1], blocks[-2]):
        blocks = blocks[:-1]
    return blocks


def _straggler(outer: difflib.Match, inner: difflib.Match) -> bool:
    before, after = (outer, inner) if outer.a < inner.a else (inner, outer)
    apart = after.b - before.b - before.size - (after.a - before.a - before.size)
    return outer.size <= 2 and apart > _STRAY


def _windows(text: str, document: str) -> list[tuple[int, int]]:
    """Stretches of ``document``, in order, where most of the quote's anchors (its
    longest words) fall where the quote has them: each anchor's place in the document,
    less its place in the quote, says where the quote would start there."""
    size = len(text)
    offsets: dict[str, list[int]] = {}
    for word in _WORD.finditer(text):
        start, end = word.span()
        step = _PIECE if end - start > 2 * _PIECE else end - start
        for at in range(start, end - step + 1, step):
            offsets.setdefault(text[at : at + step], []).append(at)
    # An anchor found in more than _PLACES places says little of where the quote is: the
    # others' places say it, unless every anchor is that common.
    longest = sorted(offsets, key=len, reverse=True)[:_ANCHORS]
    found = {anchor: _places(document, anchor) for anchor in longest}
    rare = {anchor: places for anchor, places in found.items() if len(places) <= _PLACES}
    starts: dict[int, list[int]] = {}
    for anchor, places in (rare or found).items():
        ats = offsets[anchor][:_REPEATS]
        for begin in {place - at for place in places[:_PLACES] for at in ats}:
            starts.setdefault(begin // size, []).append(begin)
    chosen = sorted(starts, key=lambda bucket: -len(starts[bucket]))[:_WINDOWS]
    windows: list[tuple[int, int]] = []
    for begin in sorted(statistics.median_low(starts[bucket]) for bucket in chosen):
        low, high = max(0, begin - size), min(len(document), begin + 2 * size)
        if windows and low <= windows[-1][1]:
            windows[-1] = (windows[-1][0], high)
        else:
            windows.append((low, high))
    return windows


def _places(document: str, anchor: str) -> list[int]:
    """The places of ``anchor`` in ``document``: all of them, or the first _PLACES + 1."""
    places: list[int] = []
    at = document.find(anchor)
    while at >= 0 and len(places) <= _PLACES:
        places.append(at)
        at = document.find(anchor, at + 1)
    return places


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
