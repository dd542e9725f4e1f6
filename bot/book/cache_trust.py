"""Whether a compiled book in the cache may be believed: only when quotebot made it.

A compiled book is served as it is, so whoever can write one chooses what the bot says.
It is trusted only where no one but the running user (or root) could have put it: the
cache folder is the user's own and writable by no one else, and so is every folder above
it (a folder others may write, like /tmp, only with its sticky bit: they cannot move what
is ours); the file is a regular file (not a link: it is opened with ``O_NOFOLLOW``), the
user's own, and writable by no one else. The file is judged by the descriptor opened,
never by its name looked up again, and the loader keeps that descriptor to see the file
change under it. A folder quotebot makes is made ``0700``, as XDG asks of a cache.

Why not an HMAC of each book under a key of the user's: checking it means reading and
hashing the whole file at every start (a third of a gigabyte at a million quotes, where
a start now takes milliseconds), it vouches only for the bytes read then, not for the
pages SQLite reads later, and its key would have to sit in a folder only the user can
write: the very rule above, which costs a few ``stat`` calls.

Where the folder fails, the cache is not used at all, to read or to write: one warning
line, once per folder, names it and the fix; the book is compiled in memory meanwhile.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from bot.errors import warn

_OTHERS_WRITE = stat.S_IWGRP | stat.S_IWOTH
# A FIFO would block an open for reading; a link is refused, not followed.
_FILE_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
_warned: set[str] = set()


class Untrusted(Exception):
    """A compiled book's file that quotebot may not have made; the message says why."""


def folder_ready(folder: Path) -> bool:
    """Whether compiled books may be read from and kept in ``folder`` (made if missing,
    mode 0700); if not, a warning says why and what to do, once per folder."""
    try:
        _make(folder)
        problem = folder_problem(folder)
    except OSError as exc:
        problem = f"could not keep the compiled quote book in {folder}: {exc}"
    if problem is None:
        return True
    if problem not in _warned:
        _warned.add(problem)
        warn("bot.loader", "%s; compiling the quote book in memory meanwhile", problem)
    return False


def folder_problem(folder: Path) -> str | None:
    """Why compiled books in the existing folder ``folder`` may not be trusted, with the
    fix, or None when they may."""
    real = Path(os.path.realpath(folder))
    info = os.stat(real)
    me = _euid()
    shown = f"the quote book cache {folder}"
    if not stat.S_ISDIR(info.st_mode):
        return f"{shown} is not a folder: set QUOTEBOT_CACHE to a folder of your own"
    if me is None:  # no owners nor modes to judge by (Windows): the folder is the user's choice
        return None
    if info.st_uid != me:
        return (
            f"{shown} belongs to user {info.st_uid}, not to this one ({me}): "
            "set QUOTEBOT_CACHE to a folder of your own"
        )
    if info.st_mode & _OTHERS_WRITE:
        return f"{shown} is writable by others, who could plant a book: chmod go-w {real}"
    for above in real.parents:
        info = os.stat(above)
        if info.st_uid not in (0, me):
            return (
                f"{shown} is inside {above}, which belongs to user {info.st_uid}: "
                "set QUOTEBOT_CACHE to a folder of your own"
            )
        if info.st_mode & _OTHERS_WRITE and not info.st_mode & stat.S_ISVTX:
            return f"{shown} is inside {above}, which others can write: chmod go-w {above}"
    return None


def open_book_file(path: Path) -> int:
    """A read-only descriptor on the compiled book at ``path``: FileNotFoundError when
    there is none, :class:`Untrusted` when it is not a file quotebot made."""
    try:
        fd = os.open(path, _FILE_FLAGS)
    except FileNotFoundError:
        raise
    except OSError as exc:  # ELOOP: a symbolic link, refused rather than followed
        raise Untrusted(f"cannot be opened as a plain file ({exc.strerror})") from None
    info = os.fstat(fd)
    me = _euid()
    problem = None
    if not stat.S_ISREG(info.st_mode):
        problem = "not a plain file"
    elif me is not None and info.st_uid != me:
        problem = f"belongs to user {info.st_uid}, not to this one"
    elif me is not None and info.st_mode & _OTHERS_WRITE:
        problem = "writable by others"
    if problem is not None:
        os.close(fd)
        raise Untrusted(problem)
    return fd


def _euid() -> int | None:
    return os.geteuid() if hasattr(os, "geteuid") else None


def _make(folder: Path) -> None:
    """Make ``folder`` and the folders above it that are missing, each mode 0700."""
    missing = []
    at = Path(os.path.abspath(folder))
    while not os.path.lexists(at) and at != at.parent:
        missing.append(at)
        at = at.parent
    for path in reversed(missing):
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:  # another process made it meanwhile: it is judged next
            pass
