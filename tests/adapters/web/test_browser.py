"""The pages in headless Chromium (Debian's package; .ci/chromium) against `quotebot run
--http` on loopback: the home page, a director, a permalink and a search, at 375 and 1280
pixels wide, none wider than the window, with screenshots. Marked system: they skip
without Chromium, except under CI=true."""

from __future__ import annotations

import struct
from collections.abc import AsyncIterator
from urllib.parse import quote as percent

import pytest

from bot.book import quote_id
from bot.book.loader import load_book
from bot.environment import bundled_quotes
from tests.adapters.web.browser import Browser, chromium_path
from tests.fakes.slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack
from tests.fixtures import start_bot

pytestmark = pytest.mark.system


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    opened = await Browser.start(chromium_path())
    yield opened
    await opened.close()


@pytest.fixture
async def server(tmp_path) -> AsyncIterator[str]:
    slack = await FakeSlack().start()
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_API_URL": slack.api_url, "QUOTEBOT_DB": str(tmp_path / "state.db"),
           "QUOTEBOT_PUBLISHED_IDS": str(tmp_path / "ids.txt")}  # fmt: skip
    bot = await start_bot("run", "--http", "0", env=env)
    yield await bot.slack_http()
    assert await bot.stop() == 0
    await slack.stop()


@pytest.mark.parametrize("width", [375, 1280])
async def test_pages_in_chromium_fit_the_window(browser, server, tmp_path, width):
    book = load_book([bundled_quotes()]).book
    director = book.by_command("jonze")
    assert director is not None
    first = director.quotes[0]
    pages = {
        "home": ("/", "Film directors in their own words"),
        "director": ("/jonze/", director.name),
        "permalink": (f"/jonze/q/{quote_id(first)}/", director.name),
        "search": (f"/search?q={percent('editing')}", "Search: “editing”"),
    }
    for name, (path, heading) in pages.items():
        tab = await browser.open(server + path, width)
        scroll, inner = await tab.value("[document.documentElement.scrollWidth, window.innerWidth]")
        assert inner == width and scroll <= inner, (name, scroll, inner)
        assert await tab.value("document.querySelector('h1').textContent") == heading
        # The stylesheet was allowed by the policy and applied (no inline style needed).
        assert (
            await tab.value("getComputedStyle(document.body).backgroundColor")
            == "rgb(251, 250, 246)"
        )
        if name == "permalink":
            assert first.text in await tab.value("document.querySelector('blockquote').textContent")
        if name == "search":
            assert await tab.value("document.querySelectorAll('blockquote').length") >= 1
        shot = await tab.screenshot(tmp_path / f"{name}-{width}.png")
        assert shot[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">I", shot[16:20])[0] == width
