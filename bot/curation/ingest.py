"""Ingest: draft quote entries from an interview article, for a curator to review.

Finds the director's quoted statements in the forms interview write-ups use:
``On his process: “…”`` lists; Q&A transcripts (``Q:`` then ``SJ:``/``Jonze:``/``A:``);
and quotes attributed in the prose (``“…,” Jonze said.``, ``Jonze said, “…”``), in
straight or curly quote marks, spanning paragraphs where the article does (the prose
forms in :mod:`bot.curation.prose`). Quotes are copied verbatim; each keeps its lead-in,
verbatim, as its context. Only names the article gives the director count (see
:mod:`bot.curation.naming`). Nothing here writes a file: see :mod:`bot.curation.draft`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.curation.article import Article, IngestError, read_article
from bot.curation.lead_in import propose_topic
from bot.curation.naming import Naming, naming
from bot.curation.prose import Prose

__all__ = ["Article", "Found", "IngestError", "find_quotes", "propose_topic", "read_article"]

_OPEN = '“"'
# A lead-in list entry: "On his process: “…”".
_ON = re.compile(r"^(On [^:“”\"]{2,200}):\s*[“\"](.+?)[”\"](?=\s|$)")


@dataclass(frozen=True)
class Found:
    """One quoted statement of the director: verbatim text and its lead-in."""

    text: str
    context: str
    form: str  # "on-list", "q-and-a" or "said"


# ---- finding quotes ----------------------------------------------------------------------


def _labels(name: str, named: Naming, unattributed: bool) -> set[str]:
    """How a Q&A labels the director's answers: by their names in the article, and (when
    the article is theirs) by initials or ``A``."""
    found = {n.casefold() for n in named.names}
    if unattributed:
        initials = "".join(w[0] for w in name.split()).upper()
        found |= {initials.casefold(), ".".join(initials).casefold() + ".", "a", "answer"}
    return found


def find_quotes(
    article: Article, name: str, aliases: tuple[str, ...] = (), force: bool = False
) -> list[Found]:
    """Every quoted statement the article attributes to the director, in order. Quotes
    it does not attribute in words (``On …:`` lists, ``A:``) only when the article is about
    the director (see :mod:`bot.curation.naming`), or under ``force``."""
    named = naming(article, name, aliases)
    unattributed = named.subject or force
    if _is_q_and_a(article.paragraphs, _labels(name, named, True)):
        return _q_and_a(article.paragraphs, _labels(name, named, unattributed))
    found: list[Found] = []
    prose = Prose(named, article.title)
    paragraphs = article.paragraphs
    i = 0
    while i < len(paragraphs):
        paragraph, i = _join_open_quote(paragraphs, i)
        on = _ON.match(paragraph) if unattributed else None
        if on:
            found.append(Found(on.group(2).strip(), on.group(1).strip(), "on-list"))
            prose.passed(paragraph)
            continue
        found.extend(Found(text, lead, "said") for text, lead in prose.quotes(paragraph))
    return found


def _join_open_quote(paragraphs: tuple[str, ...], i: int) -> tuple[str, int]:
    """Paragraph ``i``, joined with the next ones while a quote it opens stays open (the
    printers' convention: each paragraph of a long quote opens with a quote mark and only
    the last one closes it). Returns the text and the index after it. The quote marks are
    counted as each paragraph is added, so a run of thousands stays linear."""
    parts = [paragraphs[i]]
    opened, closed, straight = (parts[0].count(mark) for mark in '“”"')
    i += 1
    while (opened > closed or (opened == 0 and straight % 2 == 1)) and i < len(paragraphs):
        if paragraphs[i][:1] not in _OPEN:
            break
        more = paragraphs[i][1:]
        parts.append(more)
        opened, closed, straight = (
            opened + more.count("“"),
            closed + more.count("”"),
            straight + more.count('"'),
        )
        i += 1
    return "\n\n".join(parts), i


_LABEL = re.compile(r"^([A-Z][\w.'\- ]{0,40}?|Q|A):\s+(.+)$")


def _is_q_and_a(paragraphs: tuple[str, ...], director_labels: set[str]) -> bool:
    """A transcript: several paragraphs open with a speaker's label, the director's
    among them (``SJ:``, ``Jonze:``, ``A:``), and the questions labelled too."""
    labels = [m.group(1).strip().casefold() for p in paragraphs if (m := _LABEL.match(p))]
    theirs = [
        label
        for label in labels
        if label.rstrip(".") in director_labels or label in director_labels
    ]
    return len(labels) >= 4 and len(theirs) >= 2 and len(labels) > len(theirs)


def _q_and_a(paragraphs: tuple[str, ...], labels: set[str]) -> list[Found]:
    found: list[Found] = []
    question = ""
    answer: list[str] = []

    def flush() -> None:
        if answer:
            found.append(Found("\n\n".join(answer), question, "q-and-a"))
            answer.clear()

    speaking = False
    for paragraph in paragraphs:
        label = _LABEL.match(paragraph)
        if label is None:
            if speaking:
                answer.append(paragraph)  # an answer that runs on over paragraphs
            continue
        flush()
        who, said = label.group(1).strip(), label.group(2).strip()
        speaking = who.casefold() in labels or who.casefold().rstrip(".") in labels
        if speaking:
            answer.append(said)
        else:
            question = said
    flush()
    return found
