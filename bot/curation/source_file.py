"""Reading a file that came from outside, an article or a source document: a regular file
only (a FIFO, a device or a folder is a clear error, never a hang or an endless read), up
to a size cap, as text in the encoding it declares (a byte-order mark, an HTML page's
``<meta charset>``), else UTF-8. NUL bytes without a byte-order mark are a binary file;
control characters are not text either. Errors say why in words of their own and never
repeat what the file holds."""

from __future__ import annotations

import codecs
import os
import re
import stat
import unicodedata
from pathlib import Path

from bot.book.files import OPEN_FLAGS, file_kind

MAX_BYTES = 5_000_000
# UTF-32 LE's mark begins with UTF-16 LE's: the longer one is tried first.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Where a page declares its encoding: the first 1,024 bytes, as browsers look (WHATWG).
_PRESCAN = 1024
_DECLARED = re.compile(
    rb"""<meta\b[^>]{0,512}?\bcharset\s*=\s*["']?\s*([A-Za-z0-9][-\w.:]{0,39})"""
    rb"""|<\?xml\b[^>]{0,200}?\bencoding\s*=\s*["']([A-Za-z0-9][-\w.:]{0,39})""",
    re.IGNORECASE,
)
# Codecs Python calls text encodings that no page means: escapes that turn bytes into any
# character at all, and a mail encoding that smuggles markup past filters.
_REFUSED_CODECS = frozenset({"unicode-escape", "raw-unicode-escape", "utf-7", "idna", "punycode"})
# C0 controls but tab, newlines, vertical tab and form feed; DEL; the C1 controls.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_UNSEEN = frozenset(("Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"))


class Unreadable(Exception):
    """The file cannot be read as text; the message (no path, none of its content) says why."""


def read_bytes(path: Path, max_bytes: int = MAX_BYTES, follow_links: bool = True) -> bytes:
    """The bytes of the regular file at ``path``: opened without blocking (a FIFO opens at
    once and is refused), checked with fstat, read up to ``max_bytes``."""
    flags = OPEN_FLAGS | (0 if follow_links else getattr(os, "O_NOFOLLOW", 0))
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise Unreadable(f"cannot read it ({exc.strerror})") from None
    except ValueError:  # a NUL in the name
        raise Unreadable("cannot read it (a NUL in its name)") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = file_kind(info.st_mode, "not a file")
            raise Unreadable(f"{kind}, not a regular file")
        if info.st_size > max_bytes:
            raise Unreadable(f"over {max_bytes // 1_000_000} MB; is this an article?")
        with open(fd, "rb", closefd=False) as file:
            data = file.read(max_bytes + 1)  # a file that grows, or /proc's size of 0
    except OSError as exc:
        raise Unreadable(f"cannot read it ({exc.strerror})") from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise Unreadable(f"over {max_bytes // 1_000_000} MB; is this an article?")
    return data


def looks_like_html(raw: bytes, path: Path) -> bool:
    """An HTML page by its name or its first bytes (after any byte-order mark)."""
    head = raw[:_PRESCAN].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return path.suffix.lower() in (".html", ".htm", ".xhtml") or head.startswith(
        (b"<!doctype", b"<html", b"<?xml")
    )


def decode(raw: bytes, html: bool) -> str:
    """``raw`` as text: by its byte-order mark, else (a page) by its declared charset,
    else as UTF-8. Unreadable for binary data, an undeclared or unknown encoding, bytes
    that are not the encoding's, or control characters."""
    encoding, body, declared = "utf-8", raw, False
    for mark, name in _BOMS:
        if raw.startswith(mark):
            encoding, body = name, raw[len(mark) :]
            break
    else:
        if b"\0" in raw:
            raise Unreadable("a binary file (NUL bytes and no byte-order mark), not text")
        if html and (found := _DECLARED.search(raw, 0, _PRESCAN)):
            encoding, declared = _page_encoding((found.group(1) or found.group(2)).decode()), True
    try:
        text = body.decode(encoding)
    except LookupError:
        raise Unreadable("it declares a charset that is not a text encoding") from None
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        if declared:
            raise Unreadable(f"not {encoding} text as it declares (line {line})") from None
        raise Unreadable(
            f"not UTF-8 text (line {line}) and it declares no other encoding: save it as UTF-8"
        ) from None
    if control := _CONTROL.search(text):
        line = text.count("\n", 0, control.start()) + 1
        raise Unreadable(f"a control character (U+{ord(control.group()):04X}) on line {line}")
    return text


def _page_encoding(label: str) -> str:
    """The codec a page's charset label names, as browsers read it (WHATWG): Latin-1 and
    ASCII mean windows-1252; a UTF-16 or UTF-32 label on a page readable as ASCII means
    UTF-8. Unknown labels and codecs that are not plain text encodings are refused."""
    try:
        name = codecs.lookup(label).name
    except LookupError:
        raise Unreadable("it declares a charset that is not a text encoding") from None
    if name.replace("_", "-") in _REFUSED_CODECS:
        raise Unreadable("it declares a charset no page uses (an escape or mail encoding)")
    if name in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"
    return "utf-8" if name.startswith(("utf-16", "utf-32")) else name


def read_text(path: Path, max_bytes: int = MAX_BYTES, follow_links: bool = True) -> str:
    """The text of the file at ``path``, read and decoded as above."""
    raw = read_bytes(path, max_bytes, follow_links)
    return decode(raw, looks_like_html(raw, path))


def shown(text: str) -> str:
    """``text`` safe to print on one line: control, format and separator characters
    (a bidirectional override, an escape sequence, a line break) written as ``\\u….``"""
    if all(unicodedata.category(c) not in _UNSEEN for c in text):
        return text
    return "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) in _UNSEEN else c for c in text)
