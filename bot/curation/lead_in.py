"""What an interview's lead-in is about: the topic a drafted quote gets, one of the
director's own (through names and aliases) or a new one a person would type.

Hand-written rules, not a parser: the lead-ins interviews use ("On his process:",
"On developing characters:", "Asked about critics,") are short and few in shape, and the
well-kept libraries that find a head noun (spaCy, Stanza) need a trained model of a few
hundred megabytes downloaded apart from the package, for a dozen lines' worth of rules.
"""

from __future__ import annotations

import re

from bot.book.model import normalise_key

_STOPWORDS = frozenset(
    (
        "a", "an", "and", "the", "of", "on", "in", "to", "for", "his", "her", "their", "its",
        "my", "your", "our", "with", "how", "that", "this", "what", "which", "about", "into",
        "is", "was", "be", "being", "it", "as", "at", "by", "from", "or", "who", "why", "when",
        "where", "getting", "made", "make", "approach", "relationship", "figures",
        # Questions and prose around a quote: who asks and says, not what about.
        "you", "we", "he", "she", "they", "him", "them", "me", "do", "did", "does", "would",
        "could", "can", "will", "have", "has", "had", "not", "are", "were", "asked", "said",
        "says", "told", "tell", "like", "more", "most", "very", "really", "know", "think",
        "there", "then", "than", "ever", "also", "just", "does", "himself", "herself",
    )
)  # fmt: skip


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s", "al"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z][a-z'’\-]*", text.casefold())


def propose_topic(context: str, text: str, topic_keys: dict[str, str]) -> tuple[str, bool]:
    """A topic for a quote: one of the director's (matched through names and aliases in
    the lead-in, then in the quote) and True, or a new slug from the lead-in and False."""
    for source in (context, text):
        padded = f" {normalise_key(' '.join(_words(source)))} "
        stems = {_stem(w) for w in _words(source)}
        best = ""
        for key in topic_keys:
            phrase = f" {key} " in padded
            stemmed = " " not in key and _stem(key) in stems
            if (phrase or stemmed) and len(key) > len(best):
                best = key
        if best:
            return topic_keys[best], True
    return _slug(context) or "general", False


def _slug(text: str) -> str:
    """What a lead-in is about, as a topic a person would type:
    "On developing characters" -> characters (a gerund's object), "On which of his movies
    is his favourite" -> favourite (what the question asks for), "On getting BEING JOHN
    MALKOVICH made" -> malkovich (the title's most telling word), else the first content
    word ("On his process" -> process)."""
    text = re.sub(r"^On\s+", "", text)
    asked = re.search(r"\b[Aa]sked (?:about|whether|if) ([^.?!,;:]+)", text)
    if asked:  # "Asked about the long edit" -> what was asked about
        text = asked.group(1)
    # A name (two capitalised words) is who, not what: "Catherine Keener said …".
    text = re.sub(r"\b[A-Z][a-z]+\s+[A-Z][a-z]+\b", " ", text)
    tokens = re.findall(r"[\w'’\-]+", text)
    words = [t.casefold().strip("-'’") for t in tokens]
    if words and words[0] in _WH and _COPULA & set(words):
        after = words[max(i for i, w in enumerate(words) if w in _COPULA) + 1 :]
        chosen = [w for w in after if w not in _STOPWORDS and len(w) > 2]
        if chosen:
            return _clean(chosen[0])
    start = 0
    if len(words) > 1 and words[0].endswith("ing") and not tokens[0].isupper():
        following = tokens[1]
        if following.isupper() or (words[1] not in _STOPWORDS and words[1] not in _PREPOSITIONS):
            start = 1  # a gerund with an object: the object is what it is about
    for raw, word in zip(tokens[start:], words[start:], strict=True):
        if (raw.isupper() and len(raw) > 1) or any(c.isdigit() for c in raw):
            continue
        if word and word not in _STOPWORDS and len(word) > 2:
            return _clean(word)
    title = [w for t, w in zip(tokens, words, strict=True) if t.isupper() and len(t) > 1]
    telling = [w for w in title if w not in _STOPWORDS]
    return _clean(max(telling or title, key=len)) if title else ""


def _clean(word: str) -> str:
    return re.sub(r"[^a-z0-9-]", "", word)[:40]


_WH = frozenset({"which", "what", "who", "whom", "how", "why", "where", "when"})
_COPULA = frozenset({"is", "are", "was", "were"})
_PREPOSITIONS = frozenset({"with", "on", "in", "at", "for", "to", "from", "about", "into", "by"})
