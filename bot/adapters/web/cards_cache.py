"""Cards kept once drawn: in memory (least recently used first out, bounded in bytes),
and in a folder when one is configured (``QUOTEBOT_CARD_CACHE``).

A file in the folder is hostile input: it is read only if it is a regular file (no
symbolic link followed) of at most :data:`MAX_FILE_BYTES`, and believed only if it
decodes as a PNG of exactly the card's size; anything else is ignored and drawn again
(and the file replaced). Files are written whole or not at all: a temporary file in the
same folder, renamed over the name.
"""

from __future__ import annotations

import io
import logging
import os
import re
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

log = logging.getLogger("quotebot.web")

MEMORY_BYTES = 32 * 1024 * 1024
MAX_FILE_BYTES = 2 * 1024 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_KEY = re.compile(r"[a-z0-9-]{1,80}")


def is_card_png(data: bytes, size: tuple[int, int]) -> bool:
    """Whether ``data`` is a whole PNG image of ``size`` pixels (decoded to be sure)."""
    if len(data) > MAX_FILE_BYTES or not data.startswith(PNG_SIGNATURE):
        return False
    # The IHDR chunk comes first: its width and height, checked before anything decodes.
    if (
        data[12:16] != b"IHDR"
        or (
            int.from_bytes(data[16:20], "big"),
            int.from_bytes(data[20:24], "big"),
        )
        != size
    ):
        return False
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            if image.size != size:
                return False
            image.load()
    except (OSError, SyntaxError, ValueError, UnidentifiedImageError, Image.DecompressionBombError):
        return False
    return True


class CardCache:
    """Drawn cards by key: memory first, then the folder (if any)."""

    def __init__(
        self, folder: str | os.PathLike[str] | None = None, memory_bytes: int = MEMORY_BYTES,
        size: tuple[int, int] = (1200, 630),
    ) -> None:  # fmt: skip
        self.folder = Path(folder) if folder else None
        self.memory_bytes = memory_bytes
        self.size = size
        self._memory: OrderedDict[str, bytes] = OrderedDict()
        self._held = 0
        self._lock = threading.Lock()
        self._warned = False

    def __len__(self) -> int:
        return len(self._memory)

    def remembered(self, key: str) -> bytes | None:
        """The card in memory, if it is there (no file read: safe on the event loop)."""
        with self._lock:
            data = self._memory.get(key)
            if data is not None:
                self._memory.move_to_end(key)
            return data

    def get(self, key: str) -> bytes | None:
        """The card in memory, else a valid file's (then kept in memory too)."""
        data = self.remembered(key)
        if data is None and self.folder is not None and _KEY.fullmatch(key):
            data = self._read(self.folder / f"{key}.png")
            if data is not None:
                self._remember(key, data)
        return data

    def put(self, key: str, data: bytes) -> None:
        """Keep ``data`` as ``key``'s card, in memory and (if configured) in the folder."""
        self._remember(key, data)
        if self.folder is not None and _KEY.fullmatch(key):
            self._write(self.folder / f"{key}.png", data)

    def _remember(self, key: str, data: bytes) -> None:
        if len(data) > self.memory_bytes:
            return
        with self._lock:
            old = self._memory.pop(key, None)
            self._held -= len(old) if old is not None else 0
            self._memory[key] = data
            self._held += len(data)
            while self._held > self.memory_bytes:
                _, dropped = self._memory.popitem(last=False)
                self._held -= len(dropped)

    def _read(self, path: Path) -> bytes | None:
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        try:
            fd = os.open(path, flags)
        except OSError:
            return None  # not there (or a link, or not ours to read): drawn again
        try:
            info = os.fstat(fd)
            if not _regular(info.st_mode) or info.st_size > MAX_FILE_BYTES:
                return None
            with os.fdopen(os.dup(fd), "rb") as file:
                data = file.read(MAX_FILE_BYTES + 1)
        except OSError:
            return None
        finally:
            os.close(fd)
        return data if is_card_png(data, self.size) else None

    def _write(self, path: Path, data: bytes) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(prefix=".card-", suffix=".tmp", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as file:
                    file.write(data)
                os.replace(temporary, path)
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError as exc:
            if not self._warned:  # a full or read-only disk: said once, served from memory
                self._warned = True
                log.warning("cards: cannot write %s (%s)", path.parent, exc.__class__.__name__)


def _regular(mode: int) -> bool:
    import stat

    return stat.S_ISREG(mode)
