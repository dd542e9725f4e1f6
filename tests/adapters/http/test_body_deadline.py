"""A client that sends a request head and then withholds its body, or dribbles it a byte
at a time, is cut off at the body's deadline, on every path (read by a handler, or by
none: then aiohttp discards it no longer); a body that comes in parts within it is read
whole. The deadline is shrunk through its module attribute, not waited for."""

from __future__ import annotations

import asyncio

import pytest

from bot.adapters.http import body as http_body
from tests.adapters.http.loopback import GUARD_S, PING, front, post, signed_discord

DEADLINE_S = 0.5
# A few times the deadline, and well short of aiohttp's own 10 s of lingering.
CUT_OFF_S = 10 * DEADLINE_S
PATHS = ["/discord/interactions", "/slack/events", "/healthz", "/nowhere"]
# Each case waits out a real (shortened) deadline: seconds of real time in all.
pytestmark = pytest.mark.system


@pytest.fixture(autouse=True)
def short_deadline(monkeypatch):
    monkeypatch.setattr(http_body, "BODY_TIMEOUT_S", DEADLINE_S)


@pytest.mark.parametrize("path", PATHS)
async def test_a_withheld_body_is_cut_off(path):
    async with front() as http:
        reader, writer = await asyncio.open_connection("127.0.0.1", http.port)
        head = post(path, b"", [("Content-Type", "application/json")], length=100)
        writer.write(head + b'{"type": 1')  # 10 of the 100 bytes, then nothing
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), CUT_OFF_S)  # b"" or an answer: EOF
        writer.close()
        assert reader.at_eof()
        if path in ("/discord/interactions", "/slack/events"):  # read by quotebot: it says why
            assert answer.startswith(b"HTTP/1.1 408 ")


@pytest.mark.parametrize("path", PATHS)
async def test_a_body_dribbled_a_byte_at_a_time_is_cut_off(path):
    async with front() as http:
        reader, writer = await asyncio.open_connection("127.0.0.1", http.port)
        writer.write(post(path, b"", [], length=1_000_000))
        closed = asyncio.create_task(reader.read())

        async def dribble() -> None:
            # A byte every 20 ms for as long as the connection takes them; the pace is
            # the client's (what is tested), not a wait for the server.
            while not closed.done():
                writer.write(b" ")
                try:
                    await writer.drain()
                except ConnectionError:
                    return
                await asyncio.sleep(0.02)

        dribbling = asyncio.create_task(dribble())
        try:
            await asyncio.wait_for(asyncio.shield(closed), CUT_OFF_S)
        except ConnectionResetError:
            pass  # closed with our bytes still unread: a reset is a close too
        finally:
            for task in (dribbling, closed):
                task.cancel()
            await asyncio.gather(dribbling, closed, return_exceptions=True)
            writer.close()
        assert closed.done() and not closed.cancelled()


async def test_a_body_in_parts_within_the_deadline_is_read_whole(monkeypatch):
    monkeypatch.setattr(http_body, "BODY_TIMEOUT_S", 10.0)  # the parts' pace cannot near it
    async with front() as http:
        reader, writer = await asyncio.open_connection("127.0.0.1", http.port)
        headers = [*signed_discord(PING), ("Expect", "100-continue")]
        request = post("/discord/interactions", PING, headers)
        head, _, body = request.partition(b"\r\n\r\n")
        writer.write(head + b"\r\n\r\n")
        # The handler has started (asked for the body) when it says to go on.
        assert await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), GUARD_S) == (
            b"HTTP/1.1 100 Continue\r\n\r\n"
        )  # fmt: skip
        for n in range(len(body)):  # a byte every 20 ms: the client's pace, as above
            writer.write(body[n : n + 1])
            await writer.drain()
            await asyncio.sleep(0.02)
        answer = await asyncio.wait_for(reader.read(), GUARD_S)
        writer.close()
        # Verified over all its bytes, and answered.
        assert answer.startswith(b"HTTP/1.1 200 ") and answer.endswith(b'{"type": 1}')
