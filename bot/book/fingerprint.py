"""Where compiled books are kept, and how a start knows one is still good.

A compiled book is kept in the cache folder (``QUOTEBOT_CACHE``, else
``$XDG_CACHE_HOME/quotebot``, else ``~/.cache/quotebot``), one file per set of quote
folders, under a key made of every quote file's name, size, modification time and SHA-256
of its bytes, and of quotebot's version. Any change to any file (or a file added or
removed) changes the key, and a book whose key differs is compiled again: it is never
trusted when stale. Files are written beside their final name and renamed into place, so
a reader sees a whole book or none, and a process still reading the old one keeps it.
Only a book in a folder of the user's own, in a file of the user's own, is read at all
(see :mod:`bot.book.cache_trust`).
"""

from __future__ import annotations

import hashlib
import os
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
    """The key of these quote files as they are now; None when one of them is not a plain
    file that can be read whole (the loader then reports it, and nothing is kept)."""
    digest = hashlib.sha256(f"{VERSION}\0{os.getcwd()}\0".encode())
    for path in paths:
        digest.update(f"root\0{path}\0".encode())
    for path in files:
        try:
            with open(os.open(path, OPEN_FLAGS), "rb") as file:
                info = os.fstat(file.fileno())
                if not stat.S_ISREG(info.st_mode) or info.st_size > limits.QUOTE_FILE_MAX_BYTES:
                    return None
                content = hashlib.file_digest(file, "sha256").hexdigest()
        except OSError:
            return None
        digest.update(f"file\0{path}\0{info.st_size}\0{info.st_mtime_ns}\0{content}\0".encode())
    return digest.hexdigest()


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
