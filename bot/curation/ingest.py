"""Ingest: draft quote entries from an interview article, for a curator to review.

Finds the director's quoted statements in the forms interview write-ups use:
``On his process: “…”`` lists; Q&A transcripts (``Q:`` then ``SJ:``/``Jonze:``/``A:``);
and quotes attributed in the prose (``“…,” Jonze said.``, ``Jonze said, “…”``), in
straight or curly quote marks, spanning paragraphs where the article does. Quotes are
copied verbatim; each keeps its lead-in, verbatim, as its context. Nothing here writes a
file: see :mod:`bot.curation.draft` for that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.curation.article import Article, IngestError, read_article
from bot.curation.lead_in import propose_topic

__all__ = ["Article", "Found", "IngestError", "find_quotes", "propose_topic", "read_article"]

_OPEN, _CLOSE = '“"', '”"'
_VERBS = (
    r"said|says|added|adds|explained|explains|recalled|recalls|noted|notes|continued|"
    r"continues|told \w+|tells \w+|laughed|admitted|admits|joked|jokes"
)


@dataclass(frozen=True)
class Found:
    """One quoted statement of the director: verbatim text and its lead-in."""

    text: str
    context: str
    form: str  # "on-list", "q-and-a" or "said"


# ---- finding quotes ----------------------------------------------------------------------


def director_names(name: str, aliases: tuple[str, ...] = ()) -> tuple[tuple[str, ...], set[str]]:
    """How the prose names the director (full, last and first name, aliases) and how a
    Q&A labels them (those, initials, ``A``)."""
    words = name.split()
    names = {name, words[-1], *aliases} | ({words[0]} if len(words) > 1 else set())
    initials = "".join(w[0] for w in words).upper()
    labels = {n.casefold() for n in names} | {
        initials.casefold(),
        ".".join(initials).casefold() + ".",
        "a",
        "answer",
    }
    return tuple(sorted(names, key=len, reverse=True)), labels


def find_quotes(article: Article, name: str, aliases: tuple[str, ...] = ()) -> list[Found]:
    """Every quoted statement the article attributes to the director, in order."""
    names, labels = director_names(name, aliases)
    if _is_q_and_a(article.paragraphs, labels):
        return _q_and_a(article.paragraphs, labels)
    found: list[Found] = []
    paragraphs = list(article.paragraphs)
    i = 0
    while i < len(paragraphs):
        paragraph, i = _join_open_quote(paragraphs, i)
        on = re.match(r"^(On [^:“”\"]{2,200}):\s*[“\"](.+?)[”\"](?=\s|$)", paragraph)
        if on:
            found.append(Found(on.group(2).strip(), on.group(1).strip(), "on-list"))
            continue
        found.extend(_said(paragraph, names, article.title))
    return found


def _join_open_quote(paragraphs: list[str], i: int) -> tuple[str, int]:
    """Paragraph ``i``, joined with the next ones while a quote it opens stays open (the
    printers' convention: each paragraph of a long quote opens with a quote mark and only
    the last one closes it). Returns the text and the index after it."""
    text = paragraphs[i]
    i += 1
    while _opens_unclosed(text) and i < len(paragraphs) and paragraphs[i][:1] in _OPEN:
        text = f"{text}\n\n{paragraphs[i][1:]}"
        i += 1
    return text, i


def _opens_unclosed(text: str) -> bool:
    curly_open, curly_close = text.count("“"), text.count("”")
    return curly_open > curly_close or (curly_open == 0 and text.count('"') % 2 == 1)


_SPAN = re.compile(r"“([^“”]+)”|\"([^\"]+)\"")


def _said(paragraph: str, names: tuple[str, ...], title: str) -> list[Found]:
    """Quotes in prose, kept when the words around them attribute them to the director."""
    name_pattern = "|".join(re.escape(n) for n in names)
    after = re.compile(
        rf"^\s*,?\s*(?:(?:{_VERBS})\s+(?:{name_pattern})\b|(?:{name_pattern})\s+(?:{_VERBS})\b)"
    )
    before = re.compile(rf"(?:{name_pattern})\s+(?:{_VERBS})\s*[,:]?\s*$")
    pronoun = re.compile(rf"^\s*,?\s*(?:he|she|they)\s+(?:{_VERBS})\b")
    pronoun_before = re.compile(rf"\b(?:[Hh]e|[Ss]he|[Tt]hey)\s+(?:{_VERBS})\s*[,:]?\s*$")
    other = re.compile(rf"^\s*,?\s*(?:(?:{_VERBS})\s+\S|[A-Z]\w+(?:\s+[A-Z]\w+)?\s+(?:{_VERBS})\b)")
    found: list[Found] = []
    spans = list(_SPAN.finditer(paragraph))
    for index, span in enumerate(spans):
        text = (span.group(1) or span.group(2) or "").strip()
        if len(text.split()) < 3:
            continue  # a word or title in quote marks, not a statement
        lead = paragraph[: span.start()]
        tail = paragraph[span.end() :]
        mine = bool(after.match(tail)) or bool(before.search(lead))
        # "…," he told me, or: Asked about critics, she said, "…": the director's, when
        # the paragraph named the director before the quote and no one else since.
        named = _last_named(lead, name_pattern)
        by_pronoun = pronoun.match(tail) is not None or pronoun_before.search(lead) is not None
        mine = mine or (named and by_pronoun)
        if not mine and index > 0 and not lead[spans[index - 1].end() :].strip(" ,.;"):
            continue
        if not mine:
            # "…," she said: someone else's. A quote run on from the director's own
            # (“…,” Jonze said. “…”) is his too.
            previous = spans[index - 1] if index else None
            continued = previous is not None and bool(
                after.match(paragraph[previous.end() : span.start()])
            )
            if not continued or other.match(tail):
                continue
        context = (
            _lead_in(lead if not index else paragraph[spans[index - 1].end() : span.start()], names)
            or title
        )
        found.append(Found(text.rstrip(",").rstrip(), context, "said"))
    return found


# A person named in prose: a capitalised word (or two) that does not start a sentence.
_SOMEONE = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?\b")


def _last_named(lead: str, name_pattern: str) -> bool:
    """Whether ``lead`` names the director and, after that, no one else."""
    mentions = list(re.finditer(rf"\b(?:{name_pattern})\b", lead))
    if not mentions:
        return False
    since = lead[mentions[-1].end() :]
    return not any(not re.fullmatch(name_pattern, m.group(0)) for m in _SOMEONE.finditer(since))


def _lead_in(lead: str, names: tuple[str, ...]) -> str:
    """The words before a quote, without the attribution: ``Asked about editing``."""
    name_pattern = "|".join(re.escape(n) for n in names)
    lead = re.sub(
        rf"(?:{name_pattern}|[Hh]e|[Ss]he|[Tt]hey)\s+(?:{_VERBS})\s*[,:]?\s*$", "", lead.strip()
    )
    lead = re.sub(
        rf"^\s*,?\s*(?:(?:{_VERBS})\s+(?:{name_pattern})|(?:{name_pattern})\s+(?:{_VERBS}))\.?\s*",
        "",
        lead,
    )
    lead = lead.strip(" ,:;")
    sentences = re.split(r"(?<=[.!?])\s+", lead)
    return sentences[-1].strip(" ,:;") if sentences and sentences[-1].strip(" ,:;") else ""


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
