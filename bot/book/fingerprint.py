"""Where compiled books are kept, and how a start knows one is still good.

A compiled book is kept in the cache folder (``QUOTEBOT_CACHE``, else
``$XDG_CACHE_HOME/quotebot``, else ``~/.cache/quotebot``), one file per set of quote
folders, under a key made of every quote file's real name, size, modification time and
SHA-256 of its bytes, and of quotebot's version. Any change to any file (or a file added
or removed) changes the key, and a book whose key differs is compiled again: it is never
trusted when stale. A name is real when its folder is resolved (links, ``..``, the
working folder): the same folder named relatively, absolutely or through a link finds the
same book, which keeps real names and gives them back as they were asked for
(:class:`Spelling`). Files are written beside their final name and renamed into place, so
a reader sees a whole book or none, and a process still reading the old one keeps it.
Only a book in a folder of the user's own, in a file of the user's own, is read at all
(see :mod:`bot.book.cache_trust`).
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Sequence
from pathlib import Path

from bot import limits
from bot.book.files import OPEN_FLAGS

VERSION = "0.1.0"  # quotebot's: what the loader accepts may change between versions


def cache_folder() -> Path:
    """The folder compiled books are kept in."""
    chosen = os.environ.get("QUOTEBOT_CACHE", "").strip()
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return Path(base) / "quotebot"


def fingerprint(paths: Sequence[Path], files: Sequence[Path]) -> str | None:
    """The key of these quote files as they are now, however their folders are named;
    None when one of them is not a plain file that can be read whole (the loader then
    reports it, and nothing is kept)."""
    digest = hashlib.sha256(f"{VERSION}\0".encode())
    for path in paths:
        digest.update(f"root\0{os.path.realpath(path)}\0".encode())
    for path, real in zip(files, real_names(files), strict=True):
        try:
            with open(os.open(path, OPEN_FLAGS), "rb") as file:
                info = os.fstat(file.fileno())
                if not stat.S_ISREG(info.st_mode) or info.st_size > limits.QUOTE_FILE_MAX_BYTES:
                    return None
                content = hashlib.file_digest(file, "sha256").hexdigest()
        except OSError:
            return None
        digest.update(f"file\0{real}\0{info.st_size}\0{info.st_mtime_ns}\0{content}\0".encode())
    return digest.hexdigest()


def real_names(files: Sequence[Path]) -> list[str]:
    """Each file's name with its folder resolved (the file itself, a link or not, keeps
    its own name: two links to one file are two quote files)."""
    folders: dict[str, str] = {}
    names = []
    for path in files:
        folder, name = os.path.split(os.fspath(path))
        real = folders.get(folder)
        if real is None:
            real = folders[folder] = os.path.realpath(folder or ".")
        names.append(os.path.join(real, name))
    return names


class Spelling:
    """Names as a compiled book keeps them (real: see :func:`real_names`) given back as
    this load asked for them: ``quotes/a.yaml`` stays ``quotes/a.yaml`` in what is shown,
    however the book was first named."""

    def __init__(self, paths: Sequence[Path], files: Sequence[Path]) -> None:
        folders = [p for p in paths if os.path.isdir(p)]  # a file named is one of files
        real = [*real_names(files), *(os.path.realpath(p) for p in folders)]
        asked = [str(p) for p in (*files, *folders)]
        self._shown = {r: a for r, a in zip(real, asked, strict=True) if r != a}
        self._pattern: re.Pattern[str] | None = None

    def path(self, real: str) -> str:
        """The name ``real`` as asked for."""
        return self._shown.get(real) or self.text(real)

    def text(self, text: str) -> str:
        """``text`` (a problem's message, say) with every real name in it as asked for."""
        if not self._shown:
            return text
        if self._pattern is None:  # the longest first: a folder's name begins its files'
            names = sorted(self._shown, key=len, reverse=True)
            self._pattern = re.compile("|".join(map(re.escape, names)))
        return self._pattern.sub(lambda found: self._shown[found.group()], text)


def location(paths: Sequence[Path]) -> Path:
    """The compiled book's file for the quote folders ``paths``."""
    roots = "\0".join(str(p.resolve()) for p in paths)
    return cache_folder() / f"book-{hashlib.sha256(roots.encode()).hexdigest()[:20]}.sqlite"


def temporary_beside(path: Path) -> Path:
    """A new empty file's name in ``path``'s folder, to rename into place: mode 0600, and
    made anew (never a file or link already there). The folder is made, and judged, by
    :func:`bot.book.cache_trust.folder_ready`."""
    import tempfile  # only when compiling: it imports shutil, 4 ms of every `quotebot ask`

    fd, name = tempfile.mkstemp(prefix=path.name + ".", suffix=".part", dir=path.parent)
    os.close(fd)
    return Path(name)
