"""The quote book's tree: where ``check --verify`` may read a source's document from.

A quote file's folder is the *quote folder*; the folder above it is the *tree* (for
``quotes/jonze.yaml``, the checkout that holds ``quotes/`` and ``seeds/``). A source names
its document by a relative path, looked for in the quote folder and then from the tree
(``seeds/…``). A document is read only when:

- its name is relative and plain: not absolute (``/…``, ``~…``, ``C:…``), no ``..``, no
  backslash or control character, no hidden part (``.git/``, ``.env``);
- it is a document by its suffix (text, Markdown, HTML, subtitles), so a settings file,
  a key or a script is never one;
- its real path, every link followed, is inside the quote folder or inside a folder of
  the tree that is not hidden: never a file of the tree's own top level (where
  ``quotebot.toml`` and deploy files live), never anywhere outside the tree.

Anything else is refused before it is opened, and nothing of it is ever shown.
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath

DOCUMENT_SUFFIXES = frozenset(
    (".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml", ".srt", ".vtt")
)
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\\]")


class Refused(Exception):
    """A document the tree's rule does not allow; the message says which part of it."""


def folders(quote_file: str | Path) -> tuple[Path, Path]:
    """The quote folder and the tree of ``quote_file``, as real paths."""
    folder = Path(os.path.abspath(quote_file)).parent
    return Path(os.path.realpath(folder)), Path(os.path.realpath(folder.parent))


def check_name(named: str) -> PurePosixPath:
    """``named`` as a relative path, or Refused saying why it cannot be a document's."""
    if not named.strip():
        raise Refused("an empty name")
    if _UNSAFE.search(named):
        raise Refused("a backslash or a control character in its name")
    path = PurePosixPath(named)
    if path.is_absolute() or named.startswith("~") or re.match(r"[A-Za-z]:", named):
        raise Refused("an absolute path: name it from the quote book's tree")
    if ".." in path.parts:
        raise Refused("'..' in its name: outside the quote book's tree")
    if any(part.startswith(".") for part in path.parts):
        raise Refused("a hidden file or folder")
    if path.suffix.lower() not in DOCUMENT_SUFFIXES:
        raise Refused("not a document by its name (.txt, .md, .html, .srt or .vtt)")
    return path


def locate(quote_file: str | Path, named: str) -> Path | None:
    """The real path of the document ``named`` by a source in ``quote_file``, or None
    when there is none; Refused when the name or where it leads breaks the rule."""
    name = check_name(named)
    folder, tree = folders(quote_file)
    for base in (folder, tree):
        candidate = base.joinpath(*name.parts)
        if os.path.lexists(candidate):
            real = Path(os.path.realpath(candidate))
            allowed(real, folder, tree)
            return real
    return None


def allowed(real: Path, folder: Path, tree: Path) -> None:
    """Refused unless ``real`` (a real path) is a document in the quote folder or in a
    folder of the tree that is not hidden."""
    if real.is_relative_to(folder):
        inside = real.relative_to(folder).parts
    elif real.is_relative_to(tree) and len(real.relative_to(tree).parts) > 1:
        inside = real.relative_to(tree).parts
    elif real.parent == tree:
        raise Refused("a file at the top of the quote book's tree, not in one of its folders")
    else:
        raise Refused("outside the quote book's tree")
    if any(part.startswith(".") for part in inside):
        raise Refused("a hidden file or folder")
    if real.suffix.lower() not in DOCUMENT_SUFFIXES:
        raise Refused("not a document by its name (.txt, .md, .html, .srt or .vtt)")


def document_name(article: Path, quote_file: Path) -> str | None:
    """How a source in ``quote_file`` names ``article`` (from the tree, ``seeds/…``), or
    None when ``check --verify`` could not read it there."""
    folder, tree = folders(quote_file)
    real = Path(os.path.realpath(article))
    try:
        allowed(real, folder, tree)
    except Refused:
        return None
    if not real.is_relative_to(tree):  # the quote folder is not inside its own tree?
        return None
    name = real.relative_to(tree).as_posix()
    try:
        return name if locate(quote_file, name) == real else None
    except Refused:
        return None
