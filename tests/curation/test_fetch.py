"""The fetcher a chat user can point anywhere, against real servers on 127.0.0.1: only
the addresses it checked, only http and https, redirects checked hop by hop, bounded in
size, time and type, decoded as the response says; every refusal one line in words.

Loopback is internal, so most tests allow 127.0.0.1 (QUOTEBOT_FETCH_ALLOW); the ones
about names give the fetcher a lookup of their own (``films.example`` is 127.0.0.1) and
the real aiohttp request path runs all the same."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import socket
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.curation.addresses import system_lookup
from bot.curation.fetch import USER_AGENT, FetchFailed, FetchPolicy, FetchRefused, fetch
from bot.curation.source_match import match_quote, page_article, searchable
from tests.fixtures import ROOT

LOOPBACK = FetchPolicy.from_env({"QUOTEBOT_FETCH_ALLOW": "127.0.0.1"})
PAGE = (ROOT / "tests" / "articles" / "page.html").read_text("utf-8")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Site:
    """A server on 127.0.0.1: its routes, every request it was sent, and an event its
    stalling handlers wait on (set when the test ends)."""

    def __init__(self) -> None:
        self.app = web.Application()
        self.app.router.add_get("/{path:.*}", self.dispatch)
        self.routes: dict[str, Handler] = {}
        self.requests: list[web.Request] = []
        self.looked_up: list[str] = []  # the names a test's lookup was asked for
        self.release = asyncio.Event()
        self.server: TestServer | None = None

    def route(self, path: str, handler: Handler) -> None:
        self.routes[path] = handler

    async def dispatch(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(request)
        if request.path not in self.routes:
            raise web.HTTPNotFound()
        return await self.routes[request.path](request)

    def url(self, path: str) -> str:
        assert self.server is not None
        return str(self.server.make_url(path))

    @property
    def port(self) -> int:
        assert self.server is not None and self.server.port is not None
        return self.server.port


@pytest.fixture
async def site() -> AsyncIterator[Site]:
    served = Site()
    served.server = TestServer(served.app, host="127.0.0.1")
    await served.server.start_server()
    try:
        yield served
    finally:
        served.release.set()
        await served.server.close()


def page(text: str = PAGE, content_type: str = "text/html") -> Handler:
    async def handler(_: web.Request) -> web.StreamResponse:
        return web.Response(text=text, content_type=content_type)

    return handler


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # nothing listens on it once the probe is closed


def redirect(to: str) -> Handler:
    async def handler(_: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(to)

    return handler


def films(site: Site) -> FetchPolicy:
    """A policy under which films.example is this site's 127.0.0.1, allowed by name
    only; the lookups it was asked for are in ``site.looked_up``."""
    looked_up = site.looked_up

    async def lookup(host: str, port: int) -> list[str]:
        looked_up.append(host)
        if host == "films.example":
            # A second answer would be an internal one: DNS rebinding, never asked.
            return ["127.0.0.1"] if looked_up.count(host) == 1 else ["10.0.0.1"]
        return await system_lookup(host, port)

    policy = FetchPolicy.from_env({"QUOTEBOT_FETCH_ALLOW": "films.example"})
    return dataclasses.replace(policy, lookup=lookup)


# ---- what a page gives ---------------------------------------------------------------


async def test_a_page_is_fetched_with_its_type_and_final_url(site):
    site.route("/interview", page())
    site.route("/short", redirect("/interview"))
    fetched = await fetch(site.url("/short#ignored"), LOOPBACK)
    assert (fetched.url, fetched.content_type, fetched.html) == (
        site.url("/interview"), "text/html", True
    )  # fmt: skip
    assert fetched.text == PAGE
    first = site.requests[0]
    assert first.headers["User-Agent"] == USER_AGENT == "quotebot/0.1 (+source check)"


async def test_a_quote_is_found_in_the_page_or_its_closest_passage_given(site):
    site.route("/interview", page())
    fetched = await fetch(site.url("/interview"), LOOPBACK)
    document = searchable(page_article(fetched.text, fetched.url, fetched.html))
    # As check --verify folds them: quote marks, apostrophes and dashes alike.
    said = "You can’t direct a nine—year—old, you can only make room for them."
    found = match_quote(said, document)
    assert found.found
    assert found.passage[found.start : found.end] == "You can't direct a nine - year - old, " + (
        "you can only make room for them."
    )
    assert found.passage == document  # all of it within 200 characters either side
    missed = match_quote(said.replace("nine", "ten"), document)
    assert not missed.found
    assert (
        missed.passage
        == '"You can\'t direct a nine - year - old, you can only make room for them."'
    )
    assert "[-nine-] {+ten+}" in missed.diff
    # The script's and the footer's words are not the page's text.
    assert not match_quote("This script quote must never be found", document).found


async def test_no_cookie_is_kept_and_no_proxy_taken_from_the_environment(site, monkeypatch):
    async def sets_a_cookie(_: web.Request) -> web.StreamResponse:
        response = web.HTTPFound("/echo")
        response.set_cookie("session", "abc")
        raise response

    site.route("/login", sets_a_cookie)
    site.route("/echo", page("echo", "text/plain"))
    # A proxy the fetch would fail through, were it taken from the environment.
    proxy = f"http://127.0.0.1:{closed_port()}"
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, proxy)
    fetched = await fetch(site.url("/login"), LOOPBACK)
    assert fetched.text == "echo" and fetched.html is False
    assert [r.path for r in site.requests] == ["/login", "/echo"]
    assert "Cookie" not in site.requests[1].headers


# ---- where it may go ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "said"),
    [
        ("127.0.0.1", "that address is internal (127.0.0.1)"),
        ("[::1]", "that address is internal (::1)"),
        ("[::ffff:127.0.0.1]", "that address is internal (::ffff:127.0.0.1)"),
        ("[::]", "that address is internal (::)"),
        ("0.0.0.0", "that address is internal (0.0.0.0)"),
        ("10.1.2.3", "that address is internal (10.1.2.3)"),
        ("169.254.169.254", "that address is internal (169.254.169.254)"),
        ("100.64.0.1", "that address is internal (100.64.0.1)"),
        ("[fd00::1]", "that address is internal (fd00::1)"),
        ("[64:ff9b::7f00:1]", "that address is internal (64:ff9b::7f00:1)"),
        ("2130706433", "2130706433 is at an address that is internal (127.0.0.1)"),
        ("0x7f.1", "0x7f.1 is at an address that is internal (127.0.0.1)"),
        ("0177.0.0.1", "0177.0.0.1 is at an address that is internal (127.0.0.1)"),
        ("localhost", "localhost is at an address that is internal"),
    ],
)
async def test_an_internal_address_is_refused_before_anything_is_sent(site, host, said):
    site.route("/", page())
    with pytest.raises(FetchRefused) as caught:
        await fetch(f"http://{host}:{site.port}/")
    assert str(caught.value).startswith(said)
    assert site.requests == []


async def test_the_deny_list_refuses_what_the_allow_list_lets_through(site):
    site.route("/", page())
    env = {"QUOTEBOT_FETCH_ALLOW": "127.0.0.0/8", "QUOTEBOT_FETCH_DENY": "127.0.0.1"}
    with pytest.raises(FetchRefused) as caught:
        await fetch(site.url("/"), FetchPolicy.from_env(env))
    assert str(caught.value) == "that address is refused here (127.0.0.1: QUOTEBOT_FETCH_DENY)"
    assert site.requests == []


async def test_a_name_is_resolved_once_and_connected_to_as_checked(site):
    site.route("/", page("by name", "text/plain"))
    policy = films(site)
    fetched = await fetch(f"http://films.example:{site.port}/", policy)
    assert fetched.text == "by name"
    assert site.looked_up == ["films.example"]
    assert site.requests[0].headers["Host"] == f"films.example:{site.port}"


@pytest.mark.parametrize(
    ("location", "said"),
    [
        # The first host is allowed by name; where it sends the fetch is not.
        ("http://127.0.0.1:{port}/", "it redirects to 127.0.0.1, and that address is internal"),
        ("http://localhost:{port}/", "it redirects to localhost, and localhost is at an address"),
        ("http://127.0.0.2:{port}/", "it redirects to 127.0.0.2, and that address is internal"),
        ("http://169.254.169.254/latest/meta-data/", "it redirects to 169.254.169.254, and"),
        ("http://2130706433:{port}/", "it redirects to 2130706433, and 2130706433 is at an"),
        ("file:///etc/passwd", "http and https only (it redirects to file:)"),
        ("gopher://films.example/", "http and https only (it redirects to gopher:)"),
        ("http://admin:s3cret@films.example:{port}/", "the address it redirects to has a user"),
    ],
)
async def test_every_redirect_is_checked_before_it_is_followed(site, location, said):
    site.route("/", redirect(location.format(port=site.port)))
    site.route("/inside", page())
    with pytest.raises(FetchRefused) as caught:
        await fetch(f"http://films.example:{site.port}/", films(site))
    assert str(caught.value).startswith(said)
    assert "s3cret" not in str(caught.value)
    assert [r.path for r in site.requests] == ["/"]


async def test_five_redirects_are_followed_and_a_sixth_refused(site):
    async def hop(request: web.Request) -> web.StreamResponse:
        left = int(request.path.rsplit("/", 1)[1])
        if left == 0:
            return web.Response(text="arrived", content_type="text/plain")
        raise web.HTTPMovedPermanently(f"/hop/{left - 1}")

    for left in range(7):
        site.route(f"/hop/{left}", hop)
    assert (await fetch(site.url("/hop/5"), LOOPBACK)).text == "arrived"
    del site.requests[:]
    with pytest.raises(FetchRefused) as caught:
        await fetch(site.url("/hop/6"), LOOPBACK)
    assert str(caught.value) == "too many redirects (more than 5)"
    assert len(site.requests) == 6


@pytest.mark.parametrize(
    "url",
    ["ftp://127.0.0.1/", "file:///etc/passwd", "javascript:alert(1)", "data:text/html,hi"],
)
async def test_only_http_and_https(url):
    with pytest.raises(FetchRefused) as caught:
        await fetch(url, LOOPBACK)
    assert str(caught.value).startswith("http and https only (not ")


@pytest.mark.parametrize("userinfo", ["critic:s3cret@", "critic@", ":s3cret@", ":@"])
async def test_an_address_with_a_user_or_password_is_refused_unsent(site, userinfo):
    site.route("/", page())
    with pytest.raises(FetchRefused) as caught:
        await fetch(f"http://{userinfo}127.0.0.1:{site.port}/", LOOPBACK)
    assert str(caught.value) == "the address has a user name or password in it; quotebot sends none"
    assert site.requests == []


async def test_a_closed_port_and_an_unknown_name_are_failures_in_words():
    with pytest.raises(FetchFailed) as caught:
        await fetch(f"http://127.0.0.1:{closed_port()}/", LOOPBACK)
    assert str(caught.value) == "cannot connect to the server 127.0.0.1 (connection refused)"

    async def nowhere(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with pytest.raises(FetchFailed) as caught:
        await fetch("https://films.invalid/", dataclasses.replace(LOOPBACK, lookup=nowhere))
    assert str(caught.value) == "cannot find the server films.invalid (Name or service not known)"


async def test_https_names_the_host_it_was_asked_for_to_the_server(site, tmp_path):
    # A server with a certificate for films.example no one trusts: the fetch refuses
    # it, having connected to the checked address and said films.example (SNI).
    named: list[str | None] = []
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*self_signed(tmp_path, "films.example"))
    context.sni_callback = lambda _socket, name, _context: named.append(name)
    app = web.Application()
    app.router.add_get("/", page())
    secure = TestServer(app, host="127.0.0.1")
    await secure.start_server(ssl=context)
    try:
        with pytest.raises(FetchFailed) as caught:
            await fetch(f"https://films.example:{secure.port}/", films(site))
    finally:
        await secure.close()
    assert named == ["films.example"]
    assert (
        str(caught.value)
        == "the server's certificate is not to be trusted (self-signed certificate)"
    )


def self_signed(folder, name: str) -> tuple[str, str]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert, private = folder / "cert.pem", folder / "key.pem"
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert), str(private)
