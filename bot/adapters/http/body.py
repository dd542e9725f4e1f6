"""A request's body as quotebot takes it: all of it within :data:`BODY_TIMEOUT_S` of
asking (a client that withholds it, or dribbles it a byte at a time, is cut off) and no
more than :data:`MAX_BODY_BYTES`; and, where it is JSON, an object of Unicode text nested
no deeper than :data:`MAX_DEPTH`, so that nothing after the parse can meet a
RecursionError. A body that is not so is refused with a status that says why."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import web

# From asking for a body to having all of it. Slack's and Discord's few KiB take
# milliseconds; the head has a deadline of its own (server.HEAD_TIMEOUT_S).
BODY_TIMEOUT_S = 10.0
# Requests larger than this are refused unread (Slack's and Discord's are a few KiB).
MAX_BODY_BYTES = 1 << 20
# Slack's and Discord's payloads nest a dozen levels at most: far below any recursion limit.
MAX_DEPTH = 64


class Unread(Exception):
    """The body was not taken whole: why, and the HTTP status that says so."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason

    async def answer(self, request: web.Request) -> web.StreamResponse:
        """Say why, then close the connection: what is left of the body is never read."""
        response = web.Response(status=self.status, text=f"{self.reason}\n")
        response.force_close()
        transport = request.transport
        if transport is None or transport.is_closing():  # the client went away
            return response
        await response.prepare(request)
        await response.write_eof()
        request.protocol.force_close()  # else aiohttp would read on, discarding
        return response


async def read_body(request: web.Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The whole body, once all of it has come. Raises :class:`Unread` when it is larger
    than ``limit`` (said by Content-Length, or found reading), has not all come within
    :data:`BODY_TIMEOUT_S`, or came broken (a bad chunk, a bad Content-Encoding)."""
    if (request.content_length or 0) > limit:
        raise Unread(413, "request body too large")
    content = request.content
    if content.is_eof():  # it all came with the head (a small body's usual way): no wait
        try:
            whole = content.read_nowait(limit + 1)
        except web.RequestPayloadError:
            raise Unread(400, "request body broken in transit") from None
        if len(whole) > limit:
            raise Unread(413, "request body too large")
        return whole
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(BODY_TIMEOUT_S):
            # read(n) gives what has come so far (at most n bytes); b"" only at the end.
            while chunk := await content.read(limit + 1 - size):
                chunks.append(chunk)
                size += len(chunk)
                if size > limit:
                    raise Unread(413, "request body too large")
    except TimeoutError:
        raise Unread(408, "request body not received in time") from None
    except web.RequestPayloadError:
        raise Unread(400, "request body broken in transit") from None
    return b"".join(chunks)


def json_object(body: bytes) -> dict[str, Any] | None:
    """``body`` as a JSON object, or None when it is not one: not UTF-8, not JSON, not an
    object, nested deeper than :data:`MAX_DEPTH` (or deep enough to raise RecursionError
    while parsing), or holding text no Unicode encoding can write (``"\\ud800"``)."""
    try:
        value = json.loads(body.decode("utf-8"))
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None
    return value if isinstance(value, dict) and well_formed(value) else None


def well_formed(value: object, limit: int = MAX_DEPTH) -> bool:
    """Whether parsed JSON (or form fields) nests at most ``limit`` objects and arrays
    deep and all its text, keys included, is Unicode. Walked without recursion."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if not _unicode(item):
                return False
        elif isinstance(item, dict | list):
            if depth > limit:
                return False
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return True


def _unicode(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, from an escape such as "\ud800"
        return False
    return True
