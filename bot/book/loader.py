"""Load quote files into a QuoteBook, naming file and line for everything that is wrong.

Files are read by :mod:`bot.book.files` (regular files only, size-capped), parsed by
:mod:`bot.book.safe_yaml` (no tag constructed, no alias expanded) and read against the file
format by :mod:`bot.book.director_file`. A file with any problem is left out whole.

A book is compiled a file at a time: each file read, checked against the files before it
(:mod:`bot.book.admission`), written into the compiled book and dropped, so the memory a
compile takes does not grow with the book (a million quotes were 835 MiB held whole).
"""

from __future__ import annotations

import gc
import os
import re
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.book import cache_trust, compiled, fingerprint
from bot.book.admission import Admission, admitted
from bot.book.files import FileProblem, Problem, find_quote_files, read_quote_file
from bot.book.model import Director
from bot.book.quote_book import QuoteBook
from bot.errors import warn

TYPE_CHECKING = False
if TYPE_CHECKING:
    import yaml

__all__ = ["LoadResult", "Problem", "load_book", "load_file"]


@dataclass(frozen=True)
class LoadResult:
    """The book made of every file that loaded cleanly, and the problems of the rest."""

    book: QuoteBook
    problems: tuple[Problem, ...]
    files: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def load_file(path: Path) -> tuple[Director | None, list[Problem]]:
    """Read one quote file: its director, or None and every problem found in it."""
    # Composing makes about ten objects a quote and none of them form cycles: the cyclic
    # garbage collector, run again and again as they pile up, was a third of load time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _load_file(path)
    finally:
        if collecting:
            gc.enable()


def _load_file(path: Path) -> tuple[Director | None, list[Problem]]:
    # The YAML machinery is imported when a file is read: an unchanged book opens from
    # its compiled form without it (PyYAML was 17 ms of `quotebot ask`).
    import yaml

    from bot.book.director_file import read_director
    from bot.book.safe_yaml import Invalid, NodeReader, compose, event_line, events

    shown = str(path)
    try:
        text = read_quote_file(path)
    except FileProblem as exc:
        return None, [Problem(shown, exc.line, exc.message)]
    reader = NodeReader(shown)
    try:
        root = compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        reason = exc.problem or exc.context or "malformed YAML"
        return None, [Problem(shown, line, f"malformed YAML: {reason}")]
    except yaml.YAMLError as exc:
        return None, [Problem(shown, 1, f"malformed YAML: {exc}")]
    if root is None:
        return None, [Problem(shown, 1, "the file is empty")]
    # An alias is composed as a shared node, so walking one could expand a "billion
    # laughs": refuse anchors and aliases before walking. Only a file with a * or an
    # anchor-like & can have one; the events say for sure.
    if "*" in text or ("&" in text and _ANCHOR_LIKE.search(text)):
        marked = [
            Problem(shown, event_line(event), _anchor_problem(event))
            for event in events(text)
            if getattr(event, "anchor", None) is not None
        ]
        if marked:
            return None, marked
    try:
        director = read_director(reader, root)
    except Invalid:
        director = None
    return director, sorted(reader.problems)


def load_book(paths: Iterable[Path]) -> LoadResult:
    """Load every quote file under ``paths``; a file with any problem is left out whole.

    An unchanged set of files is opened from its compiled book (see :mod:`bot.book.fingerprint`)
    when quotebot made it (see :mod:`bot.book.cache_trust`); otherwise the YAML is read and
    compiled a file at a time into a new compiled book, which is then opened (and kept for
    next time). A compiled book that cannot be used is one warning line and compiled
    again: never served, never a crash. Where none can be kept, the book is read into
    memory."""
    paths = list(paths)
    files, problems = find_quote_files(paths)
    key = fingerprint.fingerprint(paths, files) if not problems else None
    if key is None:
        return _in_memory(paths, files, problems)
    kept = fingerprint.location(paths)
    if not cache_trust.folder_ready(kept.parent):  # it said why, once
        return _in_memory(paths, files, problems)
    rebuild = _rebuilder(paths, kept, key)
    spelling = fingerprint.Spelling(paths, files)
    try:
        return LoadResult(*compiled.read(kept, key, rebuild, spelling))
    except compiled.Damaged as exc:
        warn("bot.loader", "the compiled quote book %s cannot be used (%s): compiling it again",
             kept, exc)  # fmt: skip
    except compiled.Stale:
        pass
    if not _compile(paths, files, kept, key):
        return _in_memory(paths, files, problems)
    try:
        return LoadResult(*compiled.read(kept, key, rebuild, spelling))
    except compiled.Stale as exc:
        warn("bot.loader", "could not keep the compiled quote book in %s: %s", kept.parent, exc)
        return _in_memory(paths, files, problems)


def _compile(paths: list[Path], files: list[Path], kept: Path, key: str) -> bool:
    """Whether the book of ``files`` could be compiled into a new file at ``kept`` (if
    not, a warning says why). Each file is read, checked against the files before it,
    written and dropped: the whole book is never held. Its names are kept real (see
    :class:`~bot.book.fingerprint.Spelling`)."""
    try:
        part = fingerprint.temporary_beside(kept)
    except OSError as exc:
        warn("bot.loader", "could not keep the compiled quote book in %s: %s", kept.parent, exc)
        return False
    try:
        writer = compiled.BookWriter(part, key)
        try:
            real = [Path(name) for name in fingerprint.real_names(files)]
            problems: list[Problem] = []
            admission = Admission(writer.text_keys)
            for director in admitted(real, problems, load_file, admission):
                writer.add(director)
            shown = [Path(os.path.realpath(p)) for p in paths]
            writer.finish([*problems, *_none_found(shown, real)], [str(p) for p in real])
        finally:
            writer.close()
        part.replace(kept)
    except (OSError, sqlite3.Error) as exc:
        warn("bot.loader", "could not keep the compiled quote book in %s: %s", kept.parent, exc)
        part.unlink(missing_ok=True)
        return False
    return True


def _rebuilder(paths: list[Path], kept: Path, key: str) -> Callable[[], None]:
    """What compiles the book at ``kept`` again for a process serving it, when its file is
    damaged under it: only from the very files it was compiled from (their quotes are
    numbered alike), else it raises and a reload brings the new ones."""

    def rebuild() -> None:
        files, problems = find_quote_files(paths)
        if problems or fingerprint.fingerprint(paths, files) != key:
            raise compiled.Stale("the quote files changed since it was compiled")
        if not cache_trust.folder_ready(kept.parent):
            raise compiled.Stale(f"the quote book cache {kept.parent} cannot be trusted")
        if not _compile(paths, files, kept, key):
            raise compiled.Stale("it could not be written again")

    return rebuild


def _in_memory(paths: list[Path], files: list[Path], problems: list[Problem]) -> LoadResult:
    """The book read whole into memory, where no compiled book can be kept."""
    directors: list[Director] = []
    admission = Admission(lambda number: (q.text_key for q in directors[number].quotes))
    directors.extend(admitted(files, problems, load_file, admission))
    problems.extend(_none_found(paths, files))
    return LoadResult(QuoteBook(directors), tuple(problems), tuple(str(p) for p in files))


def _none_found(paths: list[Path], files: list[Path]) -> list[Problem]:
    if files:
        return []
    return [Problem(", ".join(str(p) for p in paths) or ".", 0, "no quote files (*.yaml) found")]


# "&name" where a node can start: after a line start, a space, [ { , : or -.
_ANCHOR_LIKE = re.compile(r"(?:^|[\s\[{,:-])&[^\s,\[\]{}]")


def _anchor_problem(event: yaml.Event) -> str:
    import yaml

    name = getattr(event, "anchor", "")
    if isinstance(event, yaml.AliasEvent):
        return f"YAML aliases (*{name}) are not allowed"
    return f"YAML anchors (&{name}) are not allowed: write the value out"
