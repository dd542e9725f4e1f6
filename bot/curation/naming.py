"""Whether an article names a director, by which of their names, and who else it names.

A director is named by their full name, surname, first name or an alias from the book,
written as a name: a whole word (a possessive "Jonze’s" too) with a capital ("Lean" may be
David Lean, "lean" is not). A one-word name that is part of someone else's name in the
article ("Coppola" in "Francis Ford Coppola", "Spike" in "Spike Lee") names no one for
sure, so it is not used there at all; a name of two words or more always is.

The director is the article's subject when its heading names them, or when they are
named at least as often as anyone else it names by first name and surname. Only then are
the quotes it does not attribute in words (an ``On …:`` list, a transcript's ``A:`` or
initials) taken as theirs.

Anyone else is a capitalised word that is not the director's: one that starts a sentence
only when the article capitalises it mid-sentence too (a name, not "Asked"), and not one
after "of", "about", "in" and the like ("the voice of Samantha", "in Toronto" name what
was talked about or where, not who speaks next); or someone named by their part ("his
editor", "the producer").
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from bot.curation.article import Article, heading

_WORD = re.compile(r"[^\W\d_][\w’'\-]*")
# The word just before a place (searched up to it), and just after one.
_BEFORE = re.compile(r"(?<![\w’'\-])([^\W\d_][\w’'\-]*) +$")
_AFTER = re.compile(r" +([^\W\d_][\w’'\-]*)")
_HONORIFICS = frozenset(
    (
        "mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame", "director",
        "filmmaker",
    )
)  # fmt: skip
_NOT_SPEAKERS = frozenset(
    (
        "of", "about", "in", "at", "from", "on", "into", "during", "since",
        "than",
    )
)  # fmt: skip
_CALENDAR = frozenset(
    (
        "january", "february", "march", "april", "may", "june", "july",
        "august", "september", "october", "november", "december", "monday",
        "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    )
)  # fmt: skip
# Someone named by their part rather than their name ("his editor remembers it…"): a
# "she said" after it is theirs as surely as after a name. "The director" is not here.
_ROLE = re.compile(
    r"\b(?:[Hh]is|[Hh]er|[Tt]heir|[Tt]he|[Aa]n?)\s+(?:co-?)?(?:editor|producer|writer|"
    r"actor|actress|star|cinematographer|composer|collaborator|wife|husband|partner|"
    r"friend|brother|sister|mother|father|son|daughter|colleague|agent|publicist|"
    r"interviewer|critic|moderator|host|designer)s?\b"
)
_OPENING = "“‘\"'([{"
_CLOSING = "”’\"')]}"
_ENDS = ".!?:;…—–"


@dataclass(frozen=True)
class Naming:
    """How one article names one director."""

    names: tuple[str, ...]  # the names that are theirs in this article, longest first
    named: bool  # the article names them
    subject: bool  # the article is about them
    shared: tuple[str, ...]  # their one-word names that are someone else's here too
    proper: frozenset[str]  # words the article capitalises mid-sentence
    own: frozenset[str]  # the words of the director's names, casefolded
    pattern: re.Pattern[str] | None  # any of ``names``; None when there are none

    def mentions(self, text: str) -> list[tuple[int, bool]]:
        """Everyone ``text`` names, in order: (where, whether it is the director)."""
        found: list[tuple[int, bool]] = []
        covered: list[tuple[int, int]] = []
        if self.pattern is not None:
            for match in self.pattern.finditer(text):
                found.append((match.start(), True))
                covered.append(match.span())
        spans = iter(covered)
        span = next(spans, None)
        for word in _WORD.finditer(text):
            while span is not None and span[1] <= word.start():
                span = next(spans, None)
            if span is not None and span[0] <= word.start() < span[1]:
                continue
            if self._someone(text, word):
                found.append((word.start(), False))
        found.extend((role.start(), False) for role in _ROLE.finditer(text))
        return sorted(found)

    def _someone(self, text: str, word: re.Match[str]) -> bool:
        token = word.group()
        if not _title_case(token) or _bare(token) in self.own or _bare(token) in _CALENDAR:
            return False
        if _starts_sentence(text, word.start()) and token not in self.proper:
            return False
        before = _word_before(text, word.start())
        return before is None or before.casefold() not in _NOT_SPEAKERS


def naming(article: Article, name: str, aliases: Iterable[str] = ()) -> Naming:
    """How ``article`` names the director ``name`` (with the book's ``aliases``)."""
    full = " ".join(unicodedata.normalize("NFC", name).split())
    words = full.split()
    forms = {full} | {" ".join(unicodedata.normalize("NFC", a).split()) for a in aliases}
    forms.discard("")
    if len(words) > 1:
        forms |= {words[0], words[-1]}
    own = frozenset(w.casefold() for form in forms for w in form.split())
    first = words[0].casefold() if len(words) > 1 else ""
    last = words[-1].casefold() if words else ""
    texts = [article.title, *article.paragraphs]
    shared = set()
    for form in (f for f in forms if " " not in f):
        folded = form.casefold()
        look_before = folded != first
        look_after = folded != last
        if any(_shared(t, form, own, look_before, look_after) for t in texts):
            shared.add(form)
    names = tuple(sorted(forms - shared, key=lambda f: (-len(f), f)))
    pattern = _pattern(names)
    proper = frozenset(
        w.group()
        for t in texts
        for w in _WORD.finditer(t)
        if _title_case(w.group()) and not _starts_sentence(t, w.start())
    )
    counted = _counts(texts, pattern)
    # The title and dateline, not the first sentences of the body.
    lines = heading(article.paragraphs).splitlines()
    top = "\n".join([article.title, *(t for t in lines if not t.endswith((".", "?", "!")))])
    in_heading = pattern is not None and pattern.search(top) is not None
    mine = counted.pop("", 0)
    others = max((counted[pair.split()[1]] for t in texts for pair in _pairs(t, own)), default=0)
    subject = in_heading or (mine > 0 and mine >= others)
    return Naming(names, mine > 0, subject, tuple(sorted(shared)), proper, own, pattern)


def _pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    """Any of ``names`` as a name: its first and last words capitalised, the rest in any
    case ("Spike Jonze", "SPIKE JONZE", "Guillermo del Toro"), a whole word."""
    if not names:
        return None

    def word(text: str, capital: bool) -> str:
        head, rest = (text[0].upper(), text[1:]) if capital else ("", text)
        return re.escape(head) + (f"(?i:{re.escape(rest)})" if rest else "")

    alternatives = []
    for name in names:
        words = name.split()
        last = len(words) - 1
        alternatives.append(r"\s+".join(word(w, i in (0, last)) for i, w in enumerate(words)))
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)")


def _shared(text: str, form: str, own: frozenset[str], before: bool, after: bool) -> bool:
    """Whether ``form`` is part of someone else's name in ``text``: "Francis Ford
    Coppola" for a surname (a name before it), "Spike Lee" for a first name (after it)."""
    for match in re.finditer(rf"(?<!\w){re.escape(form)}(?!\w)", text, re.IGNORECASE):
        if not _capitalised(match.group()):
            continue
        if before:
            found = _BEFORE.search(text, max(0, match.start() - 60), match.start())
            if (
                found is not None
                and _other_name(found.group(1), own)
                and not _starts_sentence(text, found.start(1))
            ):
                return True
        if after:
            found = _AFTER.match(text, match.end(), match.end() + 60)
            if found is not None and _other_name(found.group(1), own):
                return True
    return False


def _bare(word: str) -> str:
    """A word as a name to compare: casefolded, without a possessive or a full stop."""
    return re.sub(r"[’']s$", "", word.casefold()).rstrip(".")


def _other_name(word: str, own: frozenset[str]) -> bool:
    return _title_case(word) and _bare(word) not in own and _bare(word) not in _HONORIFICS


def _counts(texts: list[str], pattern: re.Pattern[str] | None) -> Counter[str]:
    """How often each capitalised word appears, and the director's names under ""."""
    counted: Counter[str] = Counter()
    for text in texts:
        counted.update(w.group() for w in _WORD.finditer(text) if _title_case(w.group()))
        if pattern is not None:
            counted[""] += sum(1 for _ in pattern.finditer(text))
    return counted


def _pairs(text: str, own: frozenset[str]) -> Iterable[str]:
    """Names of two capitalised words, neither of them the director's: other people."""
    previous: re.Match[str] | None = None
    for word in _WORD.finditer(text):
        if (
            previous is not None
            and previous.end() + 1 == word.start()
            and text[previous.end()] == " "
            and _other_name(previous.group(), own)
            and _other_name(word.group(), own)
        ):
            yield f"{previous.group()} {word.group()}"
        previous = word


def _capitalised(text: str) -> bool:
    return all(w[:1].isupper() for w in (text.split()[0], text.split()[-1]))


def _title_case(word: str) -> bool:
    """A name's shape: a capital, then not all capitals ("HER" is a title, "I" a word)."""
    return len(word) > 1 and word[0].isupper() and not word.isupper() and word[1] not in "’'"


def _word_before(text: str, at: int) -> str | None:
    found = _BEFORE.search(text, max(0, at - 60), at)
    return found.group(1) if found else None


def _starts_sentence(text: str, at: int) -> bool:
    """Whether the word at ``at`` begins a sentence (or a quotation, or the text)."""
    if at and text[at - 1] in _OPENING:
        return True
    i = at - 1
    while i >= 0 and text[i].isspace():
        i -= 1
    while i >= 0 and text[i] in _CLOSING:
        i -= 1
    return i < 0 or text[i] in _ENDS
