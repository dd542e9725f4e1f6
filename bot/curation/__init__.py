"""Curation: reading interview articles, ingest's drafts of quote entries, the
lead-ins that name topics, and ``check --verify``'s search of each quote in its source.
"""

from __future__ import annotations

from bot.curation.article import IngestError, read_article
from bot.curation.ingest import find_quotes
from bot.curation.verify import Verification, verify

__all__ = [
    "IngestError",
    "Verification",
    "find_quotes",
    "read_article",
    "verify",
]
