"""What the web tests share: a small book made in hand (one quote hostile, one disputed),
and the pages' server in this process."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bot.book import Director, Quote, QuoteBook, Source, Topic

SOURCE = Source("s", "In Conversation", "TIFF Bell Lightbox, Toronto", "2013-09-10",
                url="https://example.org/talk?a=1&b=<2>")  # fmt: skip
HOSTILE = 'Cut <script>alert("x")</script> & keep "going" — it\'s <b>fine</b>.'


def quotes(director: str = "Agnès Varda") -> list[Quote]:
    return [
        Quote(director, "editing", "Editing is writing again.", "On cutting", SOURCE, 1),
        Quote(director, "editing", HOSTILE, "On <i>tags</i>", SOURCE, 2, locator="p. 4"),
        Quote(
            director, "light", "Light is the first actor.", "On light", SOURCE, 3, status="disputed"
        ),
        Quote(director, "light", "Every frame is a choice about light.", "On frames", SOURCE, 4),
    ]


def make_book(picked: Sequence[Quote] | None = None, command: str = "varda") -> QuoteBook:
    chosen = list(quotes() if picked is None else picked)
    topics = (Topic("editing", ("cutting",)), Topic("light"))
    return QuoteBook([Director("Agnès Varda", command, topics, tuple(chosen))])


@asynccontextmanager
async def client(book: QuoteBook | Any, tmp_path: Path, env: dict[str, str] | None = None,
                 picks: Any = None):  # fmt: skip
    """A test client of the pages mounted on an HttpFront; ``book`` a book or a getter."""
    from aiohttp.test_utils import TestClient, TestServer

    from bot.adapters.http.server import HttpFront
    from bot.adapters.web.routes import mount

    front = HttpFront("127.0.0.1", 0)
    settings = {"QUOTEBOT_PUBLISHED_IDS": str(tmp_path / "ids.txt"), **(env or {})}
    getter = book if callable(book) else (lambda: book)
    mount(front, getter, settings, picks)
    async with TestClient(TestServer(front.app)) as test_client:
        yield test_client
