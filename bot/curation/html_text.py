"""The visible text of an HTML page, in one pass that stays linear in the page's length: a
paragraph break at each block element; scripts, styles, navigation and page chrome left
out; character references decoded.

Not the standard library's HTMLParser: it searches the rest of the page again at every
tag that is not closed (a page of ``<a`` or ``</`` repeated takes minutes for a few
hundred kilobytes) and raises on some malformed declarations (``<![<![``). Here every
search either moves the scan past what it found or, finding nothing, ends it: an unclosed
tag, comment or quoted attribute runs to the end of the page, as in a browser (HTML's
tokenizer), so no stretch of the page is searched twice."""

from __future__ import annotations

import html
import re
import string

BLOCKS = frozenset(
    (
        "p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5",
        "h6", "blockquote", "section", "article", "tr", "dd", "dt", "pre",
    )
)  # fmt: skip
HIDDEN = frozenset(
    (
        "script", "style", "noscript", "nav", "header", "footer", "aside", "form", "svg",
        "template",
    )
)  # fmt: skip
# Elements whose content is not markup: left out whole, or (title, textarea) read as text.
_RAW = frozenset(
    (
        "script", "style", "xmp", "iframe", "noembed", "noframes", "title", "textarea",
    )
)  # fmt: skip
_RAW_END = {name: re.compile(rf"</{name}(?=[\s/>])", re.IGNORECASE) for name in _RAW}
# Markup starts with one of these; any other "<" is text.
_MARKUP = re.compile(r"<[A-Za-z/!?]")
_NAME = re.compile(r"[^\s/>]*")
_ATTRIBUTE_STOP = re.compile(r"[>=]")
_SPACE = re.compile(r"\s*")
_LETTERS = frozenset(string.ascii_letters)


class _Scan:
    """One page being read: its visible text and title so far, and how deep in hidden
    elements the scan is."""

    def __init__(self, page: str) -> None:
        self.page = page
        self.parts: list[str] = []
        self.title: list[str] = []
        self.hidden = 0

    def data(self, text: str) -> None:
        if text and not self.hidden:
            self.parts.append(html.unescape(text))

    def open(self, name: str) -> None:
        if name in HIDDEN:
            self.hidden += 1
        elif name in BLOCKS:
            self.parts.append("\n\n")

    def close(self, name: str) -> None:
        if name in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif name in BLOCKS:
            self.parts.append("\n\n")

    def tag_end(self, at: int) -> int:
        """Where the tag whose attributes start at ``at`` ends (its ``>``), or -1: a quote
        opens a value only after ``=``, and a ``>`` inside one does not end the tag."""
        page = self.page
        while True:
            stop = _ATTRIBUTE_STOP.search(page, at)
            if stop is None:
                return -1
            if stop.group() == ">":
                return stop.start()
            at = _end(_SPACE, page, stop.end())
            if page[at : at + 1] in ('"', "'"):
                closing = page.find(page[at], at + 1)
                if closing < 0:
                    return -1
                at = closing + 1


def _end(pattern: re.Pattern[str], page: str, at: int, stop: int | None = None) -> int:
    """Where a run of ``pattern`` (which may match nothing) starting at ``at`` ends."""
    found = pattern.match(page, at, len(page) if stop is None else stop)
    return found.end() if found else at


def page_text(page: str) -> tuple[str, str]:
    """The page's visible text (blank lines between blocks) and its title."""
    scan = _Scan(page)
    i, n = 0, len(page)
    while i < n:
        markup = _MARKUP.search(page, i)
        if markup is None:
            scan.data(page[i:])
            break
        scan.data(page[i : markup.start()])
        i = _markup(scan, markup.start())
    return "".join(scan.parts), " ".join("".join(scan.title).split())


def _markup(scan: _Scan, i: int) -> int:
    """Read the markup at ``i`` (``<`` and a letter, ``/``, ``!`` or ``?``); the position
    after it."""
    page, n = scan.page, len(scan.page)
    after = page[i + 1 : i + 2]
    if page.startswith("<!--", i):
        end = page.find("-->", i + 4)
        return n if end < 0 else end + 3
    if after in ("!", "?") or (after == "/" and page[i + 2 : i + 3] not in _LETTERS):
        end = page.find(">", i + 2)  # a declaration, an instruction: a bogus comment
        return n if end < 0 else end + 1
    if after == "/":
        end = page.find(">", i + 2)
        if end < 0:
            return n
        name = page[i + 2 : _end(_NAME, page, i + 2, end)].lower()
        scan.close(name)
        return end + 1
    name_end = _end(_NAME, page, i + 1)
    name = page[i + 1 : name_end].lower()
    end = scan.tag_end(name_end)
    if end < 0:
        return n
    if name in _RAW and page[end - 1] != "/":
        # The content, then its end tag, skipped here: a hidden element's count is
        # never touched by a script inside it.
        closing = _RAW_END[name].search(page, end + 1)
        content = page[end + 1 : closing.start() if closing else n]
        if name == "title":
            scan.title.append(html.unescape(content))
        elif name == "textarea":
            scan.data(content)
        stop = page.find(">", closing.end()) if closing else -1
        return n if stop < 0 else stop + 1
    scan.open(name)
    if page[end - 1] == "/":
        scan.close(name)
    return end + 1
