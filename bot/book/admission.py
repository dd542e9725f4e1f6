"""The checks across quote files, from small summaries of the files already read: a
command, name or alias another director has, or a quote's text another file holds.

The loader reads the files one at a time and drops each once its quotes are written
(see :mod:`bot.book.compiled_writer`), so what is kept of the book so far is a summary:
every command, name and alias with its director's name and file, and a 64-bit hash of
each quote's folded text with the number of the director holding it. A hash found is
only a hint: the earlier director's texts are read back (``earlier``) to see the same
text, and if it is not there (two texts with one hash), every earlier director's are,
so a duplicate is reported exactly as when the whole book was held. The first problem of
a file with another is reported, and the file left out whole.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from bot.book.files import Problem
from bot.book.model import Director, normalise_key

Load = Callable[[Path], tuple[Director | None, list[Problem]]]
# The folded texts (Quote.text_key) of the n-th director admitted, read back.
Earlier = Callable[[int], Iterable[str]]


def text_hash(text_key: str) -> int:
    """A folded text's hash: Python's own (SipHash, 64 bits; a str keeps it once made)."""
    return hash(text_key)


class Admission:
    """What the directors admitted so far claim: who is already named what, and which
    texts are already someone's."""

    def __init__(self, earlier: Earlier) -> None:
        self._earlier = earlier
        self._owner: dict[str, tuple[str, str]] = {}  # a normalised word -> (name, path)
        self._texts: dict[int, int] = {}  # a text's hash -> the director number holding it
        self._paths: list[str] = []  # each admitted director's file

    def __len__(self) -> int:
        return len(self._paths)

    def clash(self, director: Director) -> Problem | None:
        """Why ``director`` cannot join the directors admitted, if it cannot."""
        where = director.path
        command = normalise_key(director.command)
        if command in self._owner:
            taken = f"command {director.command!r} is already taken by {self._owner[command][1]}"
            return Problem(where, director.line, taken)
        for word in (director.name, *director.aliases):
            other = self._owner.get(normalise_key(word))
            if other is not None and other[0] != director.name:
                named = f"{word!r} already names {other[0]} ({other[1]})"
                return Problem(where, director.line, named)
        for quote in director.quotes:
            first = self._holder(quote.text_key)
            if first is not None:
                held = f"duplicate quote: the same text is in {self._paths[first]}"
                return Problem(where, quote.line, held)
        return None

    def admit(self, director: Director) -> None:
        """``director`` joins: its words and texts are taken from now on."""
        number = len(self._paths)  # one int, shared by every text of the director
        self._paths.append(director.path)
        claimed = (director.name, director.path)
        for word in (director.command, director.name, *director.aliases):
            self._owner.setdefault(normalise_key(word), claimed)
        texts = self._texts
        for quote in director.quotes:
            texts.setdefault(text_hash(quote.text_key), number)
        # (A text hashed alike to an earlier one keeps the earlier's number: _holder looks
        # through every director when the one named does not have it.)

    def _holder(self, text_key: str) -> int | None:
        """The number of the admitted director holding the folded text ``text_key``."""
        number = self._texts.get(text_hash(text_key))
        if number is None:
            return None
        if text_key in set(self._earlier(number)):
            return number
        for other in range(len(self._paths)):  # two texts, one hash: look everywhere
            if other != number and text_key in set(self._earlier(other)):
                return other
        return None


def admitted(files: Iterable[Path], problems: list[Problem], load: Load,
             admission: Admission) -> Iterator[Director]:  # fmt: skip
    """Each director of ``files`` that loads cleanly and clashes with no director before
    it, in order, admitted first; every problem found goes into ``problems``. (The
    caller keeps or writes each before asking for the next: ``admission``'s ``earlier``
    reads them back.)"""
    for path in files:
        director, file_problems = load(path)
        problems.extend(file_problems)
        if director is None:
            continue
        clash = admission.clash(director)
        if clash is not None:
            problems.append(clash)
            continue
        admission.admit(director)
        yield director
