"""The IDs once published, so that a quote removed from the book answers 410 Gone (and
one never there 404): a text file, one ``command id`` a line, that every book served or
written adds its IDs to (``QUOTEBOT_PUBLISHED_IDS``, default ``published-ids.txt`` here,
beside the default state store).

A file rather than the state store: the pages need no database, and a static build keeps
the record too. Appends only (``O_APPEND``, one write per book), so instances sharing the
file lose nothing; a line written twice is harmless."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path

from bot.environment import setting

DEFAULT = "published-ids.txt"


def location(env: Mapping[str, str]) -> Path | None:
    """The record's file; None when ``QUOTEBOT_PUBLISHED_IDS`` is ``off``."""
    where = setting(env, "QUOTEBOT_PUBLISHED_IDS") or DEFAULT
    return None if where == "off" else Path(where)


class Published:
    """Every (command, ID) the record holds, read once, added to as books come."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._known: dict[str, str] | None = None  # ID to command

    def _read(self) -> dict[str, str]:
        known: dict[str, str] = {}
        if self.path is not None:
            try:
                text = self.path.read_text(encoding="utf-8", errors="replace")
            except FileNotFoundError:
                text = ""
            for line in text.splitlines():
                command, _, found = line.partition(" ")
                if found:
                    known.setdefault(found.strip(), command)
        return known

    def remember(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Add (command, ID) pairs not yet in the record (blocking: a worker thread)."""
        with self._lock:
            if self._known is None:
                self._known = self._read()
            new = [(c, i) for c, i in pairs if i not in self._known]
            for command, found in new:
                self._known[found] = command
            if new and self.path is not None:
                data = "".join(f"{c} {i}\n" for c, i in new).encode()
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                try:
                    os.write(fd, data)
                finally:
                    os.close(fd)

    def command_of(self, found: str) -> str | None:
        """The command an ID was published under, if it ever was."""
        with self._lock:
            if self._known is None:
                self._known = self._read()
            return self._known.get(found)

    def all(self) -> dict[str, str]:
        with self._lock:
            if self._known is None:
                self._known = self._read()
            return dict(self._known)
