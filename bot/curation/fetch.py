"""Fetching a page someone named in chat, safe to point at anything: http and https only,
no user name or password in the address, only addresses the public internet routes to
(or the operator allows: see :mod:`bot.curation.addresses`), connected to as they were
checked (the name is never resolved twice), redirects followed by hand (at most 5, each
checked the same way before it is requested), at most 2 MB read, 10 s in all, HTML or
plain text only, decoded in the charset it declares. No cookies are kept, no proxy or
credential is taken from the environment.

Every refusal and failure is a :class:`FetchError` whose message is one line a chat user
may be shown: ``that address is internal (127.0.0.1)``, ``the page is larger than 2 MB``.
"""

from __future__ import annotations

import asyncio
import codecs
import os
import re
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from bot.curation.addresses import (
    FetchError,
    FetchFailed,
    FetchRefused,
    HostList,
    Lookup,
    host_list,
    reachable,
    system_lookup,
)
from bot.curation.source_file import Unreadable, decode, shown
from bot.environment import setting

__all__ = ["FetchError", "FetchFailed", "FetchPolicy", "FetchRefused", "Fetched", "fetch"]

USER_AGENT = "quotebot/0.1 (+source check)"
MAX_BYTES = 2_000_000
TIMEOUT = 10.0
MAX_REDIRECTS = 5
_HTML = frozenset({"text/html", "application/xhtml+xml"})
_TYPES = _HTML | {"text/plain"}
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_HEADERS = {
    "User-Agent": USER_AGENT,
    "Accept": "text/html, application/xhtml+xml, text/plain;q=0.9",
}
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)
# A charset label as source_file reads one from a page's <meta>.
_LABEL = re.compile(r"[A-Za-z0-9][-\w.:]{0,39}", re.ASCII)
_EMPTY = HostList()


@dataclass(frozen=True)
class FetchPolicy:
    """What a fetch may do: the allow and deny lists, the size, time and redirect caps,
    and how host names are resolved (``lookup``: the system's resolver, or a test's)."""

    allow: HostList = _EMPTY
    deny: HostList = _EMPTY
    max_bytes: int = MAX_BYTES
    timeout: float = TIMEOUT
    max_redirects: int = MAX_REDIRECTS
    lookup: Lookup = system_lookup

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> FetchPolicy:
        """The policy ``QUOTEBOT_FETCH_ALLOW`` and ``QUOTEBOT_FETCH_DENY`` give (host
        names and ranges, comma-separated); SettingsError names a malformed entry."""
        allow = host_list("QUOTEBOT_FETCH_ALLOW", setting(env, "QUOTEBOT_FETCH_ALLOW"))
        deny = host_list("QUOTEBOT_FETCH_DENY", setting(env, "QUOTEBOT_FETCH_DENY"))
        return cls(allow=allow, deny=deny)


@dataclass(frozen=True)
class Fetched:
    """A page fetched: where it was read (after redirects), its type, its text."""

    url: str
    content_type: str  # text/html, application/xhtml+xml or text/plain
    text: str

    @property
    def html(self) -> bool:
        return self.content_type in _HTML


async def fetch(url: str, policy: FetchPolicy | None = None) -> Fetched:
    """The page at ``url``, fetched within ``policy`` (by default: public addresses only,
    2 MB, 10 s, 5 redirects); FetchRefused or FetchFailed, in one line, otherwise."""
    policy = policy or FetchPolicy()
    target = _target(url)
    try:
        async with asyncio.timeout(policy.timeout):
            return await _follow(target, policy)
    except TimeoutError:
        raise FetchFailed(f"the server took longer than {policy.timeout:g} s") from None
    except aiohttp.ClientError as exc:
        raise FetchFailed(_failure(exc)) from None


def _target(text: str, base: URL | None = None) -> URL:
    """The URL ``text`` names (a redirect's ``Location``, against ``base``), checked."""
    what = "the address" if base is None else "the address it redirects to"
    try:
        authority = urlsplit(text.strip()).netloc
        url = URL(text.strip())
    except ValueError:
        raise FetchRefused(f"{what} is not a valid URL") from None
    if "@" in authority or url.raw_user is not None or url.raw_password is not None:
        raise FetchRefused(f"{what} has a user name or password in it; quotebot sends none")
    if base is not None:
        url = base.join(url)
    if url.scheme not in ("http", "https"):
        scheme = f"{shown(url.scheme[:20])}:" if url.scheme else "no scheme"
        where = "not" if base is None else "it redirects to"
        raise FetchRefused(f"http and https only ({where} {scheme})")
    if not url.raw_host:
        raise FetchRefused(f"{what} has no host")
    return url.with_fragment(None)


class _Pinned(AbstractResolver):
    """aiohttp's resolver for one fetch: only the addresses each host was checked at."""

    def __init__(self) -> None:
        self.checked: dict[str, list[str]] = {}

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found: list[ResolveResult] = []
        for address in self.checked.get(host, ()):
            kind = socket.AF_INET6 if ":" in address else socket.AF_INET
            if family in (socket.AF_UNSPEC, kind):
                flags = socket.AI_NUMERICHOST | socket.AI_NUMERICSERV
                found.append(
                    ResolveResult(
                        hostname=host, host=address, port=port, family=kind, proto=0, flags=flags
                    )
                )
        if not found:
            raise OSError(f"{host} was not checked")  # never: every host is checked first
        return found

    async def close(self) -> None:
        pass


async def _follow(target: URL, policy: FetchPolicy) -> Fetched:
    """Request ``target``, and every redirect's target, each checked before."""
    pinned = _Pinned()
    connector = aiohttp.TCPConnector(resolver=pinned, use_dns_cache=False)
    async with aiohttp.ClientSession(
        connector=connector,
        cookie_jar=aiohttp.DummyCookieJar(),
        headers=_HEADERS,
        trust_env=False,
        timeout=aiohttp.ClientTimeout(total=None),
    ) as session:
        for hop in range(policy.max_redirects + 1):
            host, port = target.raw_host or "", target.port or 0
            try:
                addresses = await reachable(host, port, policy.allow, policy.deny, policy.lookup)
            except FetchError as exc:
                if hop:
                    raise type(exc)(f"it redirects to {shown(host)}, and {exc}") from None
                raise
            pinned.checked[host] = addresses
            async with session.get(target, allow_redirects=False) as response:
                if response.status not in _REDIRECTS:
                    return await _page(response, policy)
                location = response.headers.get("Location")
                if location is None:
                    raise FetchFailed(f"the server redirects ({response.status}) to nowhere")
                target = _target(location, target)
    raise FetchRefused(f"too many redirects (more than {policy.max_redirects})")


async def _page(response: aiohttp.ClientResponse, policy: FetchPolicy) -> Fetched:
    """The page ``response`` carries, if it is one: a success, of a text type, in size."""
    if not 200 <= response.status < 300:
        reason = shown((response.reason or "")[:60])
        raise FetchFailed(f"the server answered {response.status} {reason}".rstrip())
    kind = response.content_type
    if "Content-Type" not in response.headers or kind not in _TYPES:
        declared = shown(kind[:60]) if "Content-Type" in response.headers else "no type given"
        raise FetchRefused(f"not an HTML or text page ({declared})")
    too_big = FetchRefused(f"the page is larger than {policy.max_bytes / 1e6:g} MB")
    if (response.content_length or 0) > policy.max_bytes:
        raise too_big
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_chunked(65536):
        size += len(chunk)
        if size > policy.max_bytes:
            raise too_big
        chunks.append(chunk)
    try:
        text = _decoded(b"".join(chunks), response.charset, kind in _HTML)
    except Unreadable as exc:
        raise FetchFailed(f"the page cannot be read: {exc}") from None
    return Fetched(str(response.url), kind, text)


def _decoded(raw: bytes, charset: str | None, html: bool) -> str:
    """``raw`` decoded as :func:`bot.curation.source_file.decode` decodes a file, the
    charset the response declares coming first, as browsers read it: a byte-order mark
    outranks it, it outranks the page's own ``<meta charset>``. It is handed to decode as
    the page's first declaration, so that its label is read by the same rules."""
    if not charset or raw.startswith(_BOMS):
        return decode(raw, html)
    if not _LABEL.fullmatch(charset):
        raise Unreadable("it declares a charset that is not a text encoding")
    declaration = f'<meta charset="{charset}">'
    text = decode(declaration.encode("ascii") + raw, html=True)
    if not text.startswith(declaration):  # a codec that does not keep ASCII as ASCII
        raise Unreadable("it declares a charset no page uses")
    return text[len(declaration) :]


def _failure(exc: aiohttp.ClientError) -> str:
    """What went wrong, in words a chat user can read, never the URL (or its query)."""
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        reason = getattr(exc.certificate_error, "verify_message", "") or "not verified"
        return f"the server's certificate is not to be trusted ({shown(str(reason)[:80])})"
    if isinstance(exc, aiohttp.ClientSSLError):
        return "the secure connection to the server failed"
    if isinstance(exc, aiohttp.ClientConnectorError):
        number = exc.os_error.errno
        reason = os.strerror(number).lower() if number else "it does not answer"
        return f"cannot connect to the server {shown(exc.host)} ({reason})"
    if isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError):
        return "the server broke off before the page was sent"
    if isinstance(exc, aiohttp.ClientResponseError):
        return "the server's answer is not valid HTTP"
    if isinstance(exc, aiohttp.InvalidURL):
        return "that is not an address quotebot can fetch"
    return f"the fetch failed ({exc.__class__.__name__})"
