"""The HTTP front's guard on connections: one that never finishes its request head is
closed, and past the cap the quietest gives up its place. (A whole `quotebot run` held by
a thousand half-open connections: tests/system/test_slow_clients.py.)"""

from __future__ import annotations

import asyncio

from bot.adapters.http.server import ConnectionGuard, serve_app


async def test_a_connection_that_never_sends_a_head_is_closed(monkeypatch):
    from aiohttp import web

    import bot.adapters.http.guard as http_guard

    monkeypatch.setattr(http_guard, "HEAD_TIMEOUT_S", 0.2)
    stop = asyncio.Event()
    listening: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    guard = ConnectionGuard(max_connections=3)
    task = asyncio.create_task(
        serve_app(
            web.Application(),
            "127.0.0.1",
            0,
            stop,
            "Test /",
            lambda _h, p: listening.set_result(p),
            guard,
        )
    )
    port = await asyncio.wait_for(listening, 10)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET / HTTP/1.1\r\n")  # never finished
    assert await asyncio.wait_for(reader.read(), 5) == b""  # closed by the server
    # A fourth connection into three places: the quietest one gives up its place.
    pairs = [await asyncio.open_connection("127.0.0.1", port) for _ in range(4)]
    assert await asyncio.wait_for(pairs[0][0].read(), 5) == b""
    assert len(guard) == 3
    for _reader, w in pairs:
        w.close()
    writer.close()
    stop.set()
    await task
