"""Topic and director matching: exact name, alias, unique prefix, then typo.

Fuzzy matching is RapidFuzz's normalised Indel similarity: ``edting`` scores 92 against
``editing``, unrelated words of the same length score well under the cut-off.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.book.model import Director, normalise_key

# Not `from typing import TYPE_CHECKING`: importing typing was a tenth of `quotebot ask`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Literal, TypeVar

    Match = Literal["exact", "alias", "prefix", "typo"]
    T = TypeVar("T")

# Scores are 0-100. A typo must be close; a suggestion may be looser.
TYPO_CUTOFF = 80.0
SUGGESTION_CUTOFF = 60.0
# Shorter words match too much by prefix or typo to be trusted.
MIN_FUZZY_LENGTH = 3


@dataclass(frozen=True)
class TopicMatch:
    """The topic a user's words resolved to, and how."""

    topic: str
    how: Match


def best_key(query: str, keys: Mapping[str, T]) -> tuple[T, Match] | None:
    """Look ``query`` (already normalised) up in ``keys``: exact, unique prefix, then typo.

    ``exact`` here means the key is in the mapping; callers tell names from aliases.
    """
    found = keys.get(query)
    if found is not None:
        return found, "exact"
    if len(query) < MIN_FUZZY_LENGTH:
        return None
    prefixed = {value for key, value in keys.items() if key.startswith(query)}
    if len(prefixed) == 1:
        return prefixed.pop(), "prefix"
    from rapidfuzz import fuzz, process  # imported on the first typo: an exact ask needs none

    # Given a mapping, RapidFuzz scores its values; the words people type are its keys.
    hit = process.extractOne(query, keys.keys(), scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
    if hit is not None:
        return keys[hit[0]], "typo"
    return None


def resolve_topic(director: Director, words: str) -> TopicMatch | None:
    """The topic of ``director`` that ``words`` name, through aliases and typos."""
    query = normalise_key(words)
    hit = best_key(query, director.topic_keys)
    if hit is None:
        return None
    topic, how = hit
    if how == "exact" and query != normalise_key(topic):
        how = "alias"
    return TopicMatch(topic, how)


def suggest(keys: Mapping[str, T], words: str, limit: int = 3) -> tuple[T, ...]:
    """Up to ``limit`` values whose keys look like ``words``, best first, without repeats.

    First the keys said among the words ("xyzzy edit" -> edit), then the keys most like
    the whole (QRatio: "rehersals" -> rehearsal). This suggests as well as RapidFuzz's
    WRatio did, whose partial matching also offered "her" for "rehersals", at a fifth of
    the cost, which was most of what a miss cost."""
    query = normalise_key(words)
    if not query:
        return ()
    from rapidfuzz import fuzz, process

    padded = f" {query} "
    ranked = [key for key in keys if len(key) >= MIN_FUZZY_LENGTH and f" {key} " in padded]
    ranked += [
        key
        for key, _score, _index in process.extract(
            query, keys.keys(), scorer=fuzz.QRatio, score_cutoff=SUGGESTION_CUTOFF, limit=limit * 4
        )
    ]
    found: list[T] = []
    for key in ranked:
        value = keys[key]
        if value not in found:
            found.append(value)
    return tuple(found[:limit])


def complete(keys: Mapping[str, str], typed: str, limit: int = 25) -> list[tuple[str, str]]:
    """Autocomplete choices for what has been ``typed`` so far: ``(label, value)`` pairs.

    ``keys`` maps every word people type (names and aliases) to the name it stands for.
    Nothing typed: every name, in order. Otherwise names whose words start with it come
    first (shortest first), then the ones that look like it, best first. A label shows
    the alias that matched beside the name (``cutting → editing``); a name that matches
    is preferred to its aliases.
    """
    query = normalise_key(typed)
    ranked: list[tuple[str, str]] = []
    if not query:
        ranked = [(value, value) for value in dict.fromkeys(keys.values())]
    else:
        prefixed = sorted(
            (k for k in keys if k.startswith(query)),
            key=lambda k: (normalise_key(keys[k]) != k, len(k), k),  # names before aliases
        )
        ranked = [(key, keys[key]) for key in prefixed]
        if len(query) >= 2:
            from rapidfuzz import fuzz, process

            fuzzy = process.extract(
                query, keys.keys(), scorer=fuzz.WRatio, score_cutoff=SUGGESTION_CUTOFF, limit=None
            )
            ranked += [(key, keys[key]) for key, _score, _index in fuzzy]
    choices: list[tuple[str, str]] = []
    seen: set[str] = set()
    for key, value in ranked:
        if value in seen:
            continue
        seen.add(value)
        label = value if normalise_key(value) == key else f"{key} → {value}"
        choices.append((label, value))
        if len(choices) == limit:
            break
    return choices
