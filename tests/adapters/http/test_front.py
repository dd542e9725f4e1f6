"""The HTTP front in this process: /readyz waits for every platform mounted on it. (The
front in `quotebot run --http`, as a process: tests/system/test_http_front.py.)"""

from __future__ import annotations


async def test_readyz_waits_for_every_platform_whatever_else_it_mounts():
    from aiohttp import web
    from aiohttp.test_utils import TestClient, TestServer

    from bot.adapters.http.server import HttpFront

    async def nothing(_: web.Request) -> web.StreamResponse:
        return web.Response()

    started = [False]
    front = HttpFront("127.0.0.1", 0)
    front.mount("slack", "POST", "/slack/events", nothing, lambda: started[0])
    front.mount("slack", "GET", "/slack/install", nothing)  # says nothing of readiness
    async with TestClient(TestServer(front.app)) as client:
        waiting = await client.get("/readyz")
        assert (waiting.status, await waiting.json()) == (
            503, {"ok": False, "problem": "not serving yet: slack"}
        )  # fmt: skip
        started[0] = True
        assert (await client.get("/readyz")).status == 200
