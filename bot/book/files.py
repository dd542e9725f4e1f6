"""Finding quote files and reading them safely: regular files only, up to a size cap, as
UTF-8 text; a FIFO, a device, a folder or a link to one is a clear error, never a hang."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot import limits

SUFFIXES = (".yaml", ".yml")
# Opening a FIFO for reading blocks until a writer comes; non-blocking, it opens at once and
# fstat tells what it is. (No such flag on Windows, which has no FIFOs in the file system.)
OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a quote file, as ``path:line: message``."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class FileProblem(Exception):
    """A quote file that cannot be read as text, and the line where that shows."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def find_quote_files(paths: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    """The quote files named by ``paths`` (files as given, folders' *.yaml and *.yml
    sorted), and a problem for each folder that cannot be listed."""
    found: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if not path.is_dir():
            found.append(path)
            continue
        try:
            entries = sorted(p for p in path.iterdir() if p.suffix in SUFFIXES)
        except OSError as exc:
            problems.append(Problem(str(path), 0, f"cannot list the folder: {exc.strerror}"))
            continue
        found.extend(entries)
    return found, problems


def file_kind(mode: int, otherwise: str = "not a plain file") -> str:
    """What a file that is not a regular one is, by its ``st_mode``: a folder, a FIFO…"""
    return next((name for test, name in _KINDS if test(mode)), otherwise)


def read_quote_file(path: Path, max_bytes: int = limits.QUOTE_FILE_MAX_BYTES) -> str:
    """The text of the quote file at ``path``; FileProblem says what is wrong with it."""
    try:
        fd = os.open(path, OPEN_FLAGS)
    except OSError as exc:
        raise FileProblem(1, f"cannot read: {exc.strerror}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise FileProblem(1, f"{file_kind(mode)}, not a file: quote files are plain text files")
        with open(fd, "rb", closefd=False) as file:
            data = file.read(max_bytes + 1)
    except OSError as exc:
        raise FileProblem(1, f"cannot read: {exc.strerror}") from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise FileProblem(1, f"larger than {max_bytes // (1024 * 1024)} MB: split it by director")
    nul = data.find(b"\0")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if 0 <= nul < exc.start:
            raise _nul(data, nul) from None
        line = data.count(b"\n", 0, exc.start) + 1
        raise FileProblem(line, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if nul >= 0:
        raise _nul(data, nul)
    return text


def _nul(data: bytes, at: int) -> FileProblem:
    return FileProblem(data.count(b"\n", 0, at) + 1, f"a NUL byte (at byte {at}): not text")
