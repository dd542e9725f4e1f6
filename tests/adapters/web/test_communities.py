"""A published community's pages, /c/<platform>/<community>/: its approved quotes beside
the book, escaped, under that prefix; an unpublished, unknown or malformed one is the same
404; another community's quotes never show; the store read a while, 503 when down."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.web.communities import CommunityPages, read_shelf, valid
from bot.book import quote_id
from bot.community import quote_of
from bot.store import NewSuggestion, open_store
from tests.adapters.web.helpers import make_book

T0 = 1_700_000_000.0
SLACK, OTHER, GUILD = "T0FILMCLB", "T0OTHERWS", "2000000000000000001"
HOSTILE = 'Cut <script>alert("x")</script> & say "action".'
URL = "https://example.org/talk?a=1&b=<2>"


def approve(store: Any, community: str, text: str, platform: str = "slack",
            command: str = "varda", director: str = "Agnès Varda") -> Any:  # fmt: skip
    made = store.suggest(NewSuggestion(
        platform=platform, community=community, suggester="U0MEMBER1", director=director,
        command=command, text=text, source_url=URL, context="On <i>sets</i>", topic="sets",
    ), T0)  # fmt: skip
    store.set_verification(made.id, "found", "{}", T0 + 1)
    assert store.decide(made.id, "approved", "U0ADMIN", T0 + 2)
    return store.suggestion(made.id)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Any]:
    opened = open_store(str(tmp_path / "state.db"))
    yield opened
    opened.close()


@asynccontextmanager
async def served(store: Any, tmp_path: Path, calls: list[str] | None = None) -> AsyncIterator[Any]:
    from aiohttp.test_utils import TestClient, TestServer

    from bot.adapters.http.server import HttpFront
    from bot.adapters.web.routes import mount

    def shelf(platform: str, community: str) -> Any:
        if calls is not None:
            calls.append(community)
        return read_shelf(store, platform, community)

    front = HttpFront("127.0.0.1", 0)
    book = make_book()
    mount(front, lambda: book, {"QUOTEBOT_PUBLISHED_IDS": str(tmp_path / "ids.txt")}, None, shelf)
    async with TestClient(TestServer(front.app)) as test_client:
        yield test_client


async def text_of(client: Any, path: str, status: int = 200) -> str:
    response = await client.get(path, allow_redirects=False)
    assert response.status == status, path
    return str(await response.text())


async def test_a_published_community_shows_its_approved_quote_escaped(store, tmp_path):
    record = approve(store, SLACK, HOSTILE)
    store.set_published("slack", SLACK, True, "U0ADMIN", T0 + 3)
    quote = quote_of(record, "Agnès Varda")
    async with served(store, tmp_path) as client:
        home = await text_of(client, f"/c/slack/{SLACK}/")
        assert 'href="/c/slack/T0FILMCLB/varda/"' in home and "Agnès Varda" in home
        director = await text_of(client, f"/c/slack/{SLACK}/varda")
        assert "<script>" not in director and "&amp; say &quot;action&quot;." in director
        assert "Editing is writing again." in director  # the curated quotes beside it
        topic = await text_of(client, f"/c/slack/{SLACK}/varda/sets/")
        assert "say &quot;action&quot;" in topic
        page = await text_of(client, f"/c/slack/{SLACK}/varda/q/{quote_id(quote)}/")
        assert "<script>" not in page and "<i>" not in page
        assert "suggested in this community" in page and "verified" in page
        assert 'href="https://example.org/talk?a=1&amp;b=&lt;2&gt;"' in page
        assert f"/c/slack/{SLACK}/varda/q/{quote_id(quote)}/" in page  # its own permalink
        # The curated site does not show it.
        assert "say &quot;action&quot;" not in await text_of(client, "/varda/")
        await text_of(client, f"/varda/q/{quote_id(quote)}/", 404)


async def test_an_unpublished_or_unknown_community_is_the_same_404(store, tmp_path):
    approve(store, SLACK, HOSTILE)
    async with served(store, tmp_path) as client:
        unpublished = await text_of(client, f"/c/slack/{SLACK}/", 404)
        unknown = await text_of(client, "/c/slack/T0NOBODY0/", 404)
        assert unpublished == unknown
        await text_of(client, f"/c/slack/{SLACK}/varda/", 404)
    store.set_published("slack", SLACK, True, "U0ADMIN", T0 + 3)
    store.set_published("slack", SLACK, False, "U0ADMIN", T0 + 4)
    async with served(store, tmp_path) as client:
        unknown = await text_of(client, "/c/slack/T0NOBODY0/", 404)
        assert await text_of(client, f"/c/slack/{SLACK}/", 404) == unknown


async def test_another_communitys_quote_never_shows(store, tmp_path):
    theirs = approve(store, OTHER, "Their own words about the set.")
    approve(store, GUILD, "A server's words.", platform="discord")
    approve(store, SLACK, "Our words.", command="agnes", director="Agnès Nouvelle")
    store.set_published("slack", SLACK, True, "U0ADMIN", T0 + 3)
    store.set_published("slack", OTHER, True, "U0ADMIN", T0 + 3)
    store.set_published("discord", GUILD, True, "1", T0 + 3)
    async with served(store, tmp_path) as client:
        ours = await text_of(client, f"/c/slack/{SLACK}/")
        assert "Agnès Nouvelle" in ours
        ours_varda = await text_of(client, f"/c/slack/{SLACK}/varda/")
        assert "Their own words" not in ours_varda and "A server" not in ours_varda
        their_id = quote_id(quote_of(theirs, "Agnès Varda"))
        await text_of(client, f"/c/slack/{SLACK}/varda/q/{their_id}/", 404)
        assert "Their own words" in await text_of(client, f"/c/slack/{OTHER}/varda/")
        assert "A server" in await text_of(client, f"/c/discord/{GUILD}/varda/")
        await text_of(client, f"/c/discord/{SLACK}/", 404)  # the id of another platform


HOSTILE_IDS = [
    "t0filmclb", "T0FILMCLB%3Cscript%3E", "%2e%2e", "..", "T0FILMCLB%2F..", "%00",
    "T0FILMCLB%20", "T", "T０FILMCLB", "U0ADMIN", "T" + "A" * 40,
]  # fmt: skip


@pytest.mark.parametrize("community", HOSTILE_IDS)
async def test_hostile_community_ids_are_404(store, tmp_path, community):
    store.set_published("slack", SLACK, True, "U0ADMIN", T0)
    calls: list[str] = []
    async with served(store, tmp_path, calls) as client:
        response = await client.get(f"/c/slack/{community}/", allow_redirects=False)
        assert response.status == 404
        assert "<script>" not in await response.text()
        response = await client.get(f"/c/evil/{SLACK}/", allow_redirects=False)
        assert response.status == 404
    assert calls == []  # never asked of the store


def test_valid_ids():
    assert valid("slack", SLACK) and valid("discord", GUILD)
    assert not valid("discord", "0" + GUILD[1:]) and not valid("discord", "١" * 18)
    assert not valid("slack", "T0filmclb") and not valid("teams", SLACK)


async def test_the_store_is_read_a_while_and_a_failure_is_503(store, tmp_path):
    store.set_published("slack", SLACK, True, "U0ADMIN", T0)
    now = [0.0]
    failing = [False]

    def shelf(platform: str, community: str) -> Any:
        if failing[0]:
            raise OSError("the store is down")
        return read_shelf(store, platform, community)

    book = make_book()
    pages = CommunityPages(lambda: book, shelf, clock=lambda: now[0])
    assert await pages.book("slack", SLACK) is book  # published, nothing approved: the book
    store.set_published("slack", SLACK, False, "U0ADMIN", T0 + 1)
    assert await pages.book("slack", SLACK) is book  # kept a while
    now[0] = 31.0
    assert await pages.book("slack", SLACK) is None
    failing[0], now[0] = True, 62.0
    from aiohttp import web

    with pytest.raises(web.HTTPServiceUnavailable):
        await pages.book("slack", SLACK)


async def test_the_wiring_reads_the_desks_store(tmp_path):
    import random

    from aiohttp.test_utils import TestClient, TestServer

    from bot.answers import Answerer
    from bot.app.wiring import make_front
    from bot.book.loader import load_book
    from tests.adapters.discord.suggesting import make_desk
    from tests.fixtures import QUOTES

    desk = make_desk(tmp_path, Answerer(load_book([QUOTES]).book, random.Random(1)))
    front = make_front("127.0.0.1", 0, desk, {"QUOTEBOT_PUBLISHED_IDS": str(tmp_path / "ids")})
    desk.store.call(lambda s: s.set_published("slack", SLACK, True, "U0ADMIN", T0))
    async with TestClient(TestServer(front.app)) as client:
        assert "/c/slack/T0FILMCLB/jonze/" in await text_of(client, f"/c/slack/{SLACK}/")
        await text_of(client, f"/c/slack/{OTHER}/", 404)
