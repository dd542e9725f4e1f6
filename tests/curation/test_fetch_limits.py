"""The fetcher's bounds, against real servers on 127.0.0.1: 2 MB read at most (refused
early on a Content-Length past it, a stream stopped once past it), 10 s in all (shorter
here), HTML and plain text only, a success only, decoded in the charset the response
declares before the page's own."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from bot.curation.fetch import MAX_BYTES, FetchFailed, FetchRefused, fetch
from tests.curation.test_fetch import LOOPBACK, Site, page
from tests.curation.test_fetch import site as site  # the fixture, shared

CHUNK = b"<p>" + b"words " * 10_000 + b"</p>\n"


def streamed(site: Site, length: int | None, total: int) -> web.StreamResponse:
    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        if length is not None:
            response.content_length = length
        await response.prepare(request)
        sent = 0
        try:
            while sent < total:
                await response.write(CHUNK)
                sent += len(CHUNK)
        except (ConnectionError, RuntimeError):
            return response  # the fetcher hung up, as it should have
        await response.write_eof()
        return response

    return handler  # type: ignore[return-value]


async def test_a_page_of_two_megabytes_is_read_and_one_byte_more_refused(site):
    body = b"x" * (MAX_BYTES - 10)

    async def exactly(_: web.Request) -> web.StreamResponse:
        return web.Response(body=body + b"0123456789", content_type="text/plain")

    async def over(_: web.Request) -> web.StreamResponse:
        return web.Response(body=body + b"0123456789!", content_type="text/plain")

    site.route("/exactly", exactly)
    site.route("/over", over)
    assert len((await fetch(site.url("/exactly"), LOOPBACK)).text) == MAX_BYTES
    with pytest.raises(FetchRefused) as caught:
        await fetch(site.url("/over"), LOOPBACK)
    assert str(caught.value) == "the page is larger than 2 MB"


async def test_a_content_length_past_the_cap_is_refused_before_the_body_is_read(site):
    async def announces(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        response.content_length = 50_000_000
        await response.prepare(request)
        await response.write(CHUNK)
        await site.release.wait()  # the rest never comes: only the header can refuse it
        return response

    site.route("/", announces)
    policy = dataclasses.replace(LOOPBACK, timeout=5.0)
    with pytest.raises(FetchRefused) as caught:
        await fetch(site.url("/"), policy)
    assert str(caught.value) == "the page is larger than 2 MB"


@pytest.mark.parametrize("length", [None, 900_000])
async def test_an_endless_stream_is_cut_off_past_the_cap(site, length):
    # No Content-Length (chunked), or one that understates the body: 200 MB would take
    # longer than the policy's 5 s to read whole, so a refusal means reading stopped.
    site.route("/", streamed(site, length, 200_000_000))
    policy = dataclasses.replace(LOOPBACK, timeout=5.0, max_bytes=1_000_000)
    if length is None:
        with pytest.raises(FetchRefused) as caught:
            await fetch(site.url("/"), policy)
        assert str(caught.value) == "the page is larger than 1 MB"
    else:  # read as far as it says, and no further
        fetched = await fetch(site.url("/"), policy)
        assert len(fetched.text) == 900_000


async def test_a_server_that_stalls_is_given_up_on_in_time(site):
    async def stalls(_: web.Request) -> web.StreamResponse:
        await site.release.wait()
        return web.Response(text="late")

    async def stalls_midway(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/plain"})
        await response.prepare(request)
        await response.write(b"the start, and then ")
        await site.release.wait()
        return response

    site.route("/", stalls)
    site.route("/midway", stalls_midway)
    site.route("/hop", redirect_to("/"))
    policy = dataclasses.replace(LOOPBACK, timeout=0.2)
    for path in ("/", "/midway", "/hop"):
        with pytest.raises(FetchFailed) as caught:
            await fetch(site.url(path), policy)
        assert str(caught.value) == "the server took longer than 0.2 s", path


def redirect_to(path: str):
    async def handler(_: web.Request) -> web.StreamResponse:
        raise web.HTTPSeeOther(path)

    return handler


@pytest.mark.parametrize(
    ("content_type", "said"),
    [
        ("image/png", "not an HTML or text page (image/png)"),
        ("application/json", "not an HTML or text page (application/json)"),
        ("application/pdf", "not an HTML or text page (application/pdf)"),
        ("text/csv", "not an HTML or text page (text/csv)"),
    ],
)
async def test_only_html_and_plain_text(site, content_type, said):
    site.route("/", page("{}", content_type))
    with pytest.raises(FetchRefused) as caught:
        await fetch(site.url("/"), LOOPBACK)
    assert str(caught.value) == said


@pytest.mark.parametrize(
    ("content_type", "html"),
    [("text/html", True), ("application/xhtml+xml", True), ("text/plain", False)],
)
async def test_the_three_types_taken(site, content_type, html):
    site.route("/", page("<p>words</p>", content_type))
    fetched = await fetch(site.url("/"), LOOPBACK)
    assert (fetched.content_type, fetched.html, fetched.text) == (
        content_type,
        html,
        "<p>words</p>",
    )


@pytest.fixture
async def untyped() -> AsyncIterator[str]:
    """A server whose answer has no Content-Type at all (aiohttp's always has one)."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.close()
        await server.wait_closed()


async def test_a_page_of_no_type_is_refused(untyped):
    with pytest.raises(FetchRefused) as caught:
        await fetch(untyped, LOOPBACK)
    assert str(caught.value) == "not an HTML or text page (no type given)"


@pytest.mark.parametrize(
    ("status", "said"),
    [(404, "the server answered 404 Not Found"), (500, "the server answered 500 Internal")],
)
async def test_an_http_error_is_said_with_its_status(site, status, said):
    async def fails(_: web.Request) -> web.StreamResponse:
        return web.Response(status=status, text="nope", content_type="text/html")

    site.route("/", fails)
    with pytest.raises(FetchFailed) as caught:
        await fetch(site.url("/"), LOOPBACK)
    assert str(caught.value).startswith(said)


def body(data: bytes, content_type: str):
    async def handler(_: web.Request) -> web.StreamResponse:
        return web.Response(body=data, headers={"Content-Type": content_type})

    return handler


@pytest.mark.parametrize(
    ("data", "content_type", "text"),
    [
        (
            "Café — “à bientôt”".encode("cp1252"),
            "text/plain; charset=latin-1",
            "Café — “à bientôt”",
        ),
        ("映画監督の言葉".encode("shift_jis"), "text/plain; charset=Shift_JIS", "映画監督の言葉"),
        ("Ångström".encode("iso8859-15"), "text/plain; charset=iso-8859-15", "Ångström"),
        ("déjà vu".encode(), "text/plain", "déjà vu"),  # no charset: UTF-8
        # The header outranks the page's own <meta>, a byte-order mark outranks both.
        (
            '<meta charset="utf-8"><p>Café</p>'.encode("cp1252"),
            "text/html; charset=windows-1252",
            '<meta charset="utf-8"><p>Café</p>',
        ),
        (
            b"\xef\xbb\xbf" + "<p>Café</p>".encode(),
            "text/html; charset=windows-1252",
            "<p>Café</p>",
        ),
        # No charset in the header: the page's <meta> says it, as for a file.
        (
            '<meta charset="windows-1252"><p>Café</p>'.encode("cp1252"),
            "text/html",
            '<meta charset="windows-1252"><p>Café</p>',
        ),
    ],
)
async def test_a_page_is_decoded_in_the_charset_it_declares(site, data, content_type, text):
    site.route("/", body(data, content_type))
    assert (await fetch(site.url("/"), LOOPBACK)).text == text


@pytest.mark.parametrize(
    ("data", "content_type", "said"),
    [
        (b"caf\xe9", "text/plain", "not UTF-8 text (line 1)"),
        (b"caf\xe9", "text/plain; charset=klingon", "it declares a charset that is not a text"),
        (b"caf\xe9", 'text/plain; charset="utf-8\\"><x"', "it declares a charset that is not a"),
        (b"hello", "text/plain; charset=utf-7", "it declares a charset no page uses"),
        (b"\x82\xa0\xff\xff", "text/plain; charset=shift_jis", "not shift_jis text as it declares"),
        (b"bin\x00ary", "text/plain", "a binary file"),
    ],
)
async def test_bytes_that_are_not_the_text_they_claim_are_a_failure(site, data, content_type, said):
    site.route("/", body(data, content_type))
    with pytest.raises(FetchFailed) as caught:
        await fetch(site.url("/"), LOOPBACK)
    assert str(caught.value).startswith(f"the page cannot be read: {said}")
