"""The quote of the day's Discord poster when logging in fails for a reason that is not
the channel's: Discord unreachable, or a wrong DISCORD_API_BASE answering an HTML page.
Each is one line, temporary (tried again later), and never pauses the channel."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from datetime import date

import pytest
from aiohttp import web

from bot.adapters.discord import DiscordPoster, DiscordSettings
from bot.book import Quote, Source
from bot.daily import DeliveryError

QUOTE = Quote("Spike Jonze", "editing", "A quote.", "On editing", Source("s", "Talk"))


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
async def html_404() -> AsyncIterator[str]:
    async def not_found(_request: web.Request) -> web.Response:
        page = "<!DOCTYPE HTML>\n<html>\n<body>\n<h1>Not Found</h1>\n</body>\n</html>\n"
        return web.Response(status=404, text=page, content_type="text/html")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", not_found)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}/api/v10"
    await runner.cleanup()


async def failed_post(api_base: str) -> DeliveryError:
    poster = DiscordPoster(DiscordSettings("MTA.x.y", api_base=api_base))
    try:
        with pytest.raises(DeliveryError) as caught:
            await poster.post("123456789012345678", QUOTE, date(2026, 12, 2))
    finally:
        await poster.close()
    return caught.value


async def test_discord_unreachable_is_a_temporary_one_line_failure():
    base = f"http://127.0.0.1:{closed_port()}/api/v10"
    error = await failed_post(base)
    assert not error.permanent and not error.channel
    assert error.reason.startswith(f"could not log in to Discord at {base} (network: ")
    assert "DISCORD_API_BASE" in error.reason and "\n" not in error.reason


async def test_a_wrong_api_base_answering_html_is_one_line_not_a_paused_channel(html_404):
    error = await failed_post(html_404)
    assert not error.permanent and not error.channel
    assert "(HTTP 404: <!DOCTYPE HTML>)" in error.reason and "\n" not in error.reason
    assert "MTA.x.y" not in error.reason
