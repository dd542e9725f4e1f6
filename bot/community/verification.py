"""A suggestion checked against its source: the page fetched with the safe fetcher
(:mod:`bot.curation.fetch`: public addresses only, 2 MB, 10 s, 5 redirects) and the quote
looked for in its visible text with ``check --verify``'s folding. The outcome is kept
with the suggestion as JSON: found (the passage around it), not found (the closest
passage and the word diff) or unfetched (why, in one line).

Nothing the page says is trusted beyond that: its text is kept cut to what a review
needs, and shown escaped wherever it goes.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass

from bot import metrics
from bot.curation import (
    FetchError,
    FetchPolicy,
    IngestError,
    fetch,
    match_quote,
    page_article,
    searchable,
)

PASSAGE_MAX = 700  # characters of a passage kept for the review


@dataclass(frozen=True)
class Verified:
    """What checking a suggestion found, as the store keeps it."""

    outcome: str  # found, not_found or unfetched
    detail: str  # JSON: {"passage", "diff"} or {"reason"}


async def verify(text: str, url: str, policy: FetchPolicy | None = None) -> Verified:
    """Fetch ``url`` and look for ``text`` in it; never raises for the page's sake. The
    outcome counted (bot.metrics)."""
    verified = await _verify(text, url, policy)
    metrics.SUGGESTIONS_VERIFIED.inc(verified.outcome)
    return verified


async def _verify(text: str, url: str, policy: FetchPolicy | None) -> Verified:
    try:
        page = await fetch(url, policy)
        article = page_article(page.text, page.url, page.html)
    except (FetchError, IngestError) as exc:
        return Verified("unfetched", json.dumps({"reason": str(exc)[:300]}, ensure_ascii=False))
    document = searchable(article)
    # The search is CPU work on up to 2 MB: off the loop, so answers go on meanwhile.
    found = await asyncio.to_thread(match_quote, text, document)
    detail = {"passage": found.passage[:PASSAGE_MAX], "diff": found.diff[:PASSAGE_MAX]}
    return Verified("found" if found.found else "not_found", json.dumps(detail, ensure_ascii=False))


def detail_of(verification: str) -> dict[str, str]:
    """A kept verification's detail, read back strictly (a field not a string: left out)."""
    try:
        read = json.loads(verification) if verification else {}
    except ValueError:
        return {}
    if not isinstance(read, dict):
        return {}
    return {k: v for k, v in read.items() if isinstance(k, str) and isinstance(v, str)}


__all__ = ["PASSAGE_MAX", "Verified", "detail_of", "verify"]
