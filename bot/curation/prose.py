"""Quotes attributed in running prose: ``“…,” Jonze said.``, ``Jonze said, “…”``, a quote
run on from the director's own, and ``Asked about critics, she said, “…”`` when the last
person the article named before it, in this paragraph or an earlier one, is the director.

Linear in the article's length: the names in each paragraph are found once, and each
quote looks only at the words right around it (an attribution is a few words next to the
quote marks), never at the whole text before it.
"""

from __future__ import annotations

import bisect
import re

from bot.curation.naming import Naming

VERBS = (
    r"said|says|added|adds|explained|explains|recalled|recalls|noted|notes|continued|"
    r"continues|told \w+|tells \w+|laughed|admitted|admits|joked|jokes"
)
SPAN = re.compile(r"“([^“”]+)”|\"([^\"]+)\"")
# How far before a quote its attribution can start: "she told Variety, " and the like.
_REACH = 80
# A lead-in longer than this is a stretch of the article, not a lead-in: the title is used.
_LEAD_IN_MAX = 200
_PRONOUN = r"(?:[Hh]e|[Ss]he|[Tt]hey)"
_PRONOUN_AFTER = re.compile(rf"\s*,?\s*{_PRONOUN}\s+(?:{VERBS})\b")
_PRONOUN_BEFORE = re.compile(rf"\b{_PRONOUN}\s+(?:{VERBS})\s*[,:]?\s*$")
_OTHER = re.compile(rf"\s*,?\s*(?:(?:{VERBS})\s+\S|[A-Z]\w+(?:\s+[A-Z]\w+)?\s+(?:{VERBS})\b)")
_SENTENCES = re.compile(r"(?<=[.!?])\s+")


class Prose:
    """The prose of one article, read paragraph by paragraph for the director's quotes.
    Remembers, between paragraphs, whether the last person named was the director."""

    def __init__(self, naming: Naming, title: str) -> None:
        self.naming = naming
        self.title = title
        self.carried = False
        self._after: re.Pattern[str] | None = None
        self._before: re.Pattern[str] | None = None
        self._strip_after: re.Pattern[str] | None = None
        self._strip_before: re.Pattern[str] | None = None
        self._reach = _REACH + max((len(n) for n in naming.names), default=0)
        names = naming.pattern.pattern if naming.pattern is not None else ""
        if names:  # the names as the article writes names: capitalised (see naming)
            self._after = re.compile(rf"\s*,?\s*(?:(?:{VERBS})\s+{names}|{names}\s+(?:{VERBS})\b)")
            self._before = re.compile(rf"{names}\s+(?:{VERBS})\s*[,:]?\s*$")
            self._strip_after = re.compile(
                rf"\A\s*,?\s*(?:(?:{VERBS})\s+{names}|{names}\s+(?:{VERBS}))\.?\s*"
            )
            self._strip_before = re.compile(rf"(?:{names}|{_PRONOUN})\s+(?:{VERBS})\s*[,:]?\s*$")

    def passed(self, paragraph: str) -> None:
        """A paragraph read otherwise (an ``On …:`` entry): who it names still counts."""
        mentions = self.naming.mentions(paragraph)
        if mentions:
            self.carried = mentions[-1][1]

    def quotes(self, paragraph: str) -> list[tuple[str, str]]:
        """The director's quotes in ``paragraph``: (text, lead-in) each."""
        mentions = self.naming.mentions(paragraph)
        where = [at for at, _ in mentions]
        carried, self.carried = self.carried, mentions[-1][1] if mentions else self.carried
        found: list[tuple[str, str]] = []
        spans = list(SPAN.finditer(paragraph))
        for index, span in enumerate(spans):
            text = (span.group(1) or span.group(2) or "").strip()
            if len(text.split()) < 3:
                continue  # a word or title in quote marks, not a statement
            start, end = span.span()
            previous = spans[index - 1].end() if index else 0
            mine = self._names_after(paragraph, end) or self._names_before(paragraph, start)
            # "…," he told me, or: Asked about critics, she said, "…": the director's when
            # the last one named before the quote is the director.
            last = bisect.bisect_left(where, start) - 1
            named = mentions[last][1] if last >= 0 else carried
            by_pronoun = _PRONOUN_AFTER.match(paragraph, end) is not None or (
                _PRONOUN_BEFORE.search(paragraph, max(0, start - _REACH), start) is not None
            )
            mine = mine or (named and by_pronoun)
            if not mine and index and not paragraph[previous:start].strip(" ,.;"):
                continue
            if not mine:
                # "…," she said: someone else's. A quote run on from the director's own
                # (“…,” Jonze said. “…”) is his too.
                continued = index > 0 and self._names_after(paragraph, previous, start)
                if not continued or _OTHER.match(paragraph, end):
                    continue
            lead = self._lead_in(paragraph[previous:start]) or self.title
            found.append((text.rstrip(",").rstrip(), lead))
        return found

    def _names_after(self, text: str, at: int, end: int | None = None) -> bool:
        if self._after is None:
            return False
        return self._after.match(text, at, len(text) if end is None else end) is not None

    def _names_before(self, text: str, at: int) -> bool:
        if self._before is None:
            return False
        return self._before.search(text, max(0, at - self._reach), at) is not None

    def _lead_in(self, lead: str) -> str:
        """The words before a quote, without the attribution: ``Asked about editing``."""
        lead = lead.strip()
        if self._strip_before is not None and self._strip_after is not None:
            lead = self._strip_after.sub("", self._strip_before.sub("", lead), count=1)
        else:
            lead = re.sub(rf"{_PRONOUN}\s+(?:{VERBS})\s*[,:]?\s*$", "", lead)
        last = _SENTENCES.split(lead.strip(" ,:;"))[-1].strip(" ,:;")
        return last if len(last) <= _LEAD_IN_MAX else ""
