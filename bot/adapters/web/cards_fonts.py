"""The quote cards' fonts: Noto Sans for Latin, Greek and Cyrillic, Noto Sans CJK for
Chinese, Japanese and Korean (Debian's fonts-noto-core and fonts-noto-cjk), DejaVu Sans
last; each character drawn in the first face whose character map has it.

Faces are looked for in ``QUOTEBOT_FONTS`` (folders, separated by ``:``) and then in
Debian's font folders. A face's coverage is read from its ``cmap`` table once per process
(fontTools reads the table; a format 12 table's groups are kept as ranges, since
expanding Noto Sans CJK's 45,000 characters into a dict took half a second), and only
when a character is not in the faces before it.

Pillow and fontTools are imported only when a card is drawn: ``quotebot ask`` needs
neither, nor any font.
"""

from __future__ import annotations

import os
import struct
import threading
from bisect import bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.ImageFont import FreeTypeFont

FONT_DIRS = (
    "/usr/share/fonts/truetype/noto",
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/truetype/dejavu",
)
# (file name, face index in a collection), in the order characters look for a face.
REGULAR = (("NotoSans-Regular.ttf", 0), ("NotoSansCJK-Regular.ttc", 0), ("DejaVuSans.ttf", 0))
BOLD = (("NotoSans-Bold.ttf", 0), ("NotoSansCJK-Bold.ttc", 0), ("DejaVuSans-Bold.ttf", 0))
INSTALL_HINT = "install Debian's fonts-noto-core and fonts-noto-cjk, or set QUOTEBOT_FONTS"


class CardError(Exception):
    """A card cannot be drawn here (no font, no Pillow): what is missing and the fix."""


def font_dirs(env: Mapping[str, str] = os.environ) -> tuple[str, ...]:
    """Where faces are looked for: ``QUOTEBOT_FONTS``'s folders first, then Debian's."""
    chosen = [d for d in (env.get("QUOTEBOT_FONTS") or "").split(os.pathsep) if d.strip()]
    return (*chosen, *FONT_DIRS)


class Face:
    """One font face: its file, and which characters it has (read on first use)."""

    def __init__(self, path: str, index: int = 0) -> None:
        self.path = path
        self.index = index
        self._ranges: tuple[list[int], list[int]] | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Face({self.path!r}, {self.index})"

    def has(self, char: str) -> bool:
        """Whether the face's character map has ``char``."""
        starts, ends = self._ranges or self._read()
        code = ord(char)
        place = bisect_right(starts, code) - 1
        return place >= 0 and code <= ends[place]

    def _read(self) -> tuple[list[int], list[int]]:
        with self._lock:
            if self._ranges is None:
                self._ranges = coverage(self.path, self.index)
            return self._ranges

    def font(self, size: int) -> FreeTypeFont:
        """The face at ``size`` pixels (made once per size)."""
        return _font(self.path, self.index, size)


@lru_cache(maxsize=64)
def _font(path: str, index: int, size: int) -> FreeTypeFont:
    from PIL import ImageFont

    # Basic layout: these scripts need no shaping, and it is faster than Raqm.
    return ImageFont.truetype(path, size, index=index, layout_engine=ImageFont.Layout.BASIC)


def coverage(path: str, index: int = 0) -> tuple[list[int], list[int]]:
    """The characters a face maps to a glyph, as sorted (starts, ends) of ranges."""
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    font = TTFont(path, fontNumber=index, lazy=True)
    try:
        raw = font.reader["cmap"]
        groups = _format12(raw)
        if groups is None:  # a BMP-only face: fontTools' own reading is quick enough
            codes = sorted(font.getBestCmap() or {})
            groups = [(c, c) for c in codes]
    finally:
        font.close()
    merged: list[tuple[int, int]] = []
    for start, end in sorted(groups):
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return [s for s, _ in merged], [e for _, e in merged]


def _format12(raw: bytes) -> list[tuple[int, int]] | None:
    """The (first, last) character of each group of a Unicode format 12 subtable."""
    _, count = struct.unpack_from(">HH", raw, 0)
    for record in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", raw, 4 + 8 * record)
        if (platform, encoding) not in ((3, 10), (0, 4), (0, 6)):
            continue
        if struct.unpack_from(">H", raw, offset)[0] != 12:
            continue
        n = struct.unpack_from(">I", raw, offset + 12)[0]
        body = raw[offset + 16 : offset + 16 + 12 * n]
        return [(s, e) for s, e, glyph in struct.iter_unpack(">III", body) if glyph]
    return None


@dataclass(frozen=True)
class Chain:
    """Faces in fallback order: a character is drawn in the first one that has it."""

    faces: tuple[Face, ...]
    _picked: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    _advances: dict[int, dict[str, float]] = field(default_factory=dict, compare=False, repr=False)

    def pick(self, char: str) -> int:
        """The index of the face ``char`` is drawn in (the first face if none has it)."""
        known = self._picked.get(char)
        if known is None:
            known = next((i for i, f in enumerate(self.faces) if f.has(char)), 0)
            if len(self._picked) < 100_000:
                self._picked[char] = known
        return known

    def runs(self, text: str) -> list[tuple[int, str]]:
        """``text`` as runs of (face index, characters); spaces stay in the run before."""
        out: list[tuple[int, str]] = []
        for char in text:
            face = out[-1][0] if out and char.isspace() else self.pick(char)
            if out and out[-1][0] == face:
                out[-1] = (face, out[-1][1] + char)
            else:
                out.append((face, char))
        return out

    def measure(self, size: int) -> Callable[[str], float]:
        """A quick width at ``size`` pixels: the characters' advances added up, each
        measured once (Pillow loads every glyph afresh on every call)."""
        advances = self._advances.setdefault(size, {})
        fonts = [face.font(size) for face in self.faces]

        def advance(char: str) -> float:
            width = advances.get(char)
            if width is None:
                width = fonts[self.pick(char)].getlength(char)
                if len(advances) < 100_000:
                    advances[char] = width
            return width

        return lambda text: sum(map(advance, text))

    def exact(self, size: int) -> Callable[[str], float]:
        """A text's width at ``size`` pixels as drawn: each run measured in its face."""
        fonts = [face.font(size) for face in self.faces]
        return lambda text: sum(fonts[i].getlength(run) for i, run in self.runs(text))


def find_chain(names: tuple[tuple[str, int], ...], dirs: tuple[str, ...]) -> Chain:
    """The faces of ``names`` found in ``dirs`` (those missing left out); CardError when
    not even the first is there."""
    faces = []
    for name, index in names:
        found = next((Path(d, name) for d in dirs if Path(d, name).is_file()), None)
        if found is not None:
            faces.append(Face(str(found), index))
    if not faces or Path(faces[0].path).name != names[0][0]:
        raise CardError(f"no {names[0][0]} found in {', '.join(dirs)}: {INSTALL_HINT}")
    return Chain(tuple(faces))


@lru_cache(maxsize=8)
def chains(dirs: tuple[str, ...]) -> tuple[Chain, Chain]:
    """The regular and the bold chain, found once per set of folders."""
    return find_chain(REGULAR, dirs), find_chain(BOLD, dirs)
