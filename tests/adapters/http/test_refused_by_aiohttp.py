"""Requests aiohttp refuses before quotebot sees them (a URL or a header line over 8 KB,
too many headers, a malformed request line, bad chunk sizes, an invalid Content-Length, a
bad Content-Encoding) are one log line per kind per throttle window, with neither a
traceback nor the request's bytes: 50 of each kind give one line; after the window, the
next says how many came meanwhile. So are a body broken in transit and clients gone
mid-body. The server answers a good request all along."""

from __future__ import annotations

import asyncio
import gzip
import logging

import pytest

from bot.adapters.http.server import ConnectionGuard
from bot.adapters.http.throttle import EVERY_S, Throttle
from tests.adapters.http.loopback import GUARD_S, PING, exchange, front, post, signed_discord

SECRET = "s3cr3t-in-a-hostile-request"
HEAD = f"Host: quotebot\r\nAuthorization: Bearer {SECRET}\r\nConnection: close\r\n"


def raw(line: str, headers: str = "", body: bytes = b"") -> bytes:
    return f"{line}\r\n{HEAD}{headers}\r\n".encode() + body


HOSTILE = {
    "a URL over 8 KB": raw(f"GET /{SECRET}{'a' * 9000} HTTP/1.1"),
    "a header line over 8 KB": raw("GET /healthz HTTP/1.1", f"X-Long: {SECRET}{'a' * 9000}\r\n"),
    "too many headers": raw(
        "GET /healthz HTTP/1.1", "".join(f"X-{n}: {SECRET}\r\n" for n in range(200))
    ),
    "a request line of junk": raw(f"{SECRET} GARBAGE"),
    "a request line with more after the version": raw("GET / HTTP/1.1 extra"),
    "an unknown HTTP version": raw("GET / HTTP/9.x"),
    "a bad chunk size": raw(
        "POST /discord/interactions HTTP/1.1",
        "Transfer-Encoding: chunked\r\n",
        f"zz\r\n{SECRET}\r\n0\r\n\r\n".encode(),
    ),
    "an invalid Content-Length": raw("POST /slack/events HTTP/1.1", "Content-Length: 1x\r\n"),
    "a negative Content-Length": raw("POST /slack/events HTTP/1.1", "Content-Length: -5\r\n"),
    "two Content-Lengths": raw(
        "POST /slack/events HTTP/1.1", "Content-Length: 2\r\nContent-Length: 3\r\n", b"abc"
    ),
    "an unsupported Content-Encoding": raw(
        "POST /slack/events HTTP/1.1", "Content-Encoding: br\r\nContent-Length: 5\r\n", b"hello"
    ),
    "a gzip body that is not gzip, on a path nothing reads": raw(
        "POST /nowhere HTTP/1.1", "Content-Encoding: gzip\r\nContent-Length: 9\r\n", b"not gzip!"
    ),
}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def refusal_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith("quotebot") and r.levelno >= logging.WARNING
    ]


def refused(status: int | None) -> bool:
    """A 4xx, or a reset (the server closed with bytes of ours still unread)."""
    return status is None or 400 <= status < 500


async def still_answers(port: int) -> None:
    assert await exchange(port, post("/discord/interactions", PING, signed_discord(PING))) == (
        200, b'{"type": 1}'
    )  # fmt: skip


@pytest.mark.parametrize("kind", HOSTILE)
async def test_fifty_of_a_kind_are_one_line_without_traceback_or_bytes(caplog, kind):
    caplog.set_level(logging.DEBUG, "quotebot")
    clock = Clock()
    async with front(ConnectionGuard(throttle=Throttle(clock=clock))) as http:
        for _ in range(50):
            assert refused((await exchange(http.port, HOSTILE[kind]))[0]), kind
        await still_answers(http.port)
        (line,) = refusal_lines(caplog)
        assert line.startswith("HTTP: refused 1 request(s) aiohttp could not read (")
        # The next window's line says how many came meanwhile (49) and this one.
        clock.now += EVERY_S
        assert refused((await exchange(http.port, HOSTILE[kind]))[0])
        first, second = refusal_lines(caplog)
        assert first == line
        assert second == line.replace("refused 1 ", "refused 50 ")
    assert "Traceback" not in caplog.text
    assert SECRET not in caplog.text and "aaaa" not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("path", ["/discord/interactions", "/slack/events"])
async def test_a_body_broken_in_transit_is_a_400_and_one_line(caplog, path):
    # Found by quotebot's reading, not aiohttp's parse: said by the platform's own line.
    caplog.set_level(logging.WARNING, "quotebot")
    hostile = raw(f"POST {path} HTTP/1.1", "Content-Encoding: gzip\r\nContent-Length: 9\r\n",
                  b"not gzip!")  # fmt: skip
    async with front() as http:
        for _ in range(50):
            assert (await exchange(http.port, hostile))[0] == 400
        await still_answers(http.port)
        (line,) = refusal_lines(caplog)
        assert line.endswith("request body broken in transit")
    assert "Traceback" not in caplog.text and SECRET not in caplog.text


class Heard(logging.Handler):
    """Sets ``said`` when a line containing ``words`` is logged."""

    def __init__(self, words: str) -> None:
        super().__init__()
        self.words = words
        self.said = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if self.words in record.getMessage():
            self.said.set()


@pytest.mark.parametrize("path", ["/discord/interactions", "/slack/events"])
async def test_clients_gone_mid_body_are_one_line_without_traceback(caplog, path):
    caplog.set_level(logging.WARNING, "quotebot")
    heard = Heard("the client went away mid-request")
    logging.getLogger("quotebot").addHandler(heard)
    try:
        async with front() as http:
            for _ in range(50):
                _reader, writer = await asyncio.open_connection("127.0.0.1", http.port)
                writer.write(post(path, SECRET.encode(), [], length=100))  # then gone
                await writer.drain()
                writer.close()
                await writer.wait_closed()
            await asyncio.wait_for(heard.said.wait(), GUARD_S)
            await still_answers(http.port)
            (line,) = refusal_lines(caplog)
            assert line.startswith("HTTP: refused 1 request(s)")
    finally:
        logging.getLogger("quotebot").removeHandler(heard)
    assert "Traceback" not in caplog.text and SECRET not in caplog.text


async def test_kinds_are_told_apart_in_one_window(caplog):
    caplog.set_level(logging.WARNING, "quotebot")
    kinds = ["a URL over 8 KB", "too many headers", "a bad chunk size", "an invalid Content-Length"]
    async with front() as http:
        for _ in range(50):
            for kind in kinds:
                await exchange(http.port, HOSTILE[kind])
        lines = refusal_lines(caplog)
        assert len(lines) == len(set(lines)) == len(kinds)
        await still_answers(http.port)
    assert "Traceback" not in caplog.text


async def test_a_good_gzip_body_is_still_read():
    # aiohttp takes Content-Encoding: gzip for requests; quotebot verifies what it decodes.
    async with front() as http:
        squeezed = gzip.compress(PING)
        headers = [*signed_discord(PING), ("Content-Encoding", "gzip")]
        status, answer = await exchange(http.port, post("/discord/interactions", squeezed, headers))
        assert (status, answer) == (200, b'{"type": 1}')
