"""Curation: reading interview articles, ingest's drafts of quote entries, the
lead-ins that name topics, ``check --verify``'s search of each quote in its source, and
the safe fetcher that reads a source page a member pointed at.
"""

from __future__ import annotations

from bot.curation.addresses import FetchError, FetchFailed, FetchRefused
from bot.curation.article import IngestError, read_article
from bot.curation.fetch import Fetched, FetchPolicy, fetch
from bot.curation.ingest import find_quotes
from bot.curation.source_match import SourceMatch, match_quote, page_article, searchable
from bot.curation.verify import Verification, verify

__all__ = [
    "FetchError",
    "FetchFailed",
    "FetchPolicy",
    "FetchRefused",
    "Fetched",
    "IngestError",
    "SourceMatch",
    "Verification",
    "fetch",
    "find_quotes",
    "match_quote",
    "page_article",
    "read_article",
    "searchable",
    "verify",
]
