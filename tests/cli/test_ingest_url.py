"""``quotebot ingest URL``: an article fetched as the fetcher fetches (its policy from the
environment), read as a file would be, drafted with the URL as its source; a refusal or
a failure said in one line."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import yaml
from aiohttp import web
from aiohttp.test_utils import TestServer

from tests.curation.test_fetch import closed_port
from tests.fixtures import ROOT, run_cli

PAGE = (ROOT / "tests" / "articles" / "page.html").read_text("utf-8")
MORE = PAGE.replace(
    "</article>",
    "<p>On monsters: “Everybody has a wild thing in them.”</p></article>",
)
ALLOW = {"QUOTEBOT_FETCH_ALLOW": "127.0.0.1"}


class Pages:
    """The pages served, by path; changed between ingests."""

    def __init__(self) -> None:
        self.pages = {"/wild-things": PAGE, "/empty": " "}
        self.server: TestServer | None = None

    def url(self, path: str) -> str:
        assert self.server is not None
        return str(self.server.make_url(path))


@pytest.fixture
async def served() -> AsyncIterator[Pages]:
    pages = Pages()

    async def serve(request: web.Request) -> web.StreamResponse:
        if request.path == "/short":
            raise web.HTTPFound("/wild-things")
        if request.path not in pages.pages:
            raise web.HTTPNotFound()
        return web.Response(text=pages.pages[request.path], content_type="text/html")

    app = web.Application()
    app.router.add_get("/{path:.*}", serve)
    pages.server = TestServer(app, host="127.0.0.1")
    await pages.server.start_server()
    try:
        yield pages
    finally:
        await pages.server.close()


async def ingest(*argv: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """quotebot ingest in a thread of its own (it runs its own event loop), the test's
    loop serving the pages meanwhile."""
    return await asyncio.to_thread(run_cli, "ingest", *argv, env=ALLOW if env is None else env)


async def test_a_page_is_drafted_with_its_url_as_the_source(served, tmp_path: Path):
    quotes = tmp_path / "quotes"
    url = served.url("/wild-things")
    code, out, err = await ingest(
        served.url("/short"), "--director", "Spike Jonze", "--quotes", str(quotes)
    )
    assert code == 0, err
    assert f"3 quote(s) by Spike Jonze found in {url}; 3 new, 0 already in the book" in out
    assert "outside the quote book's tree" not in out  # a note for files only
    drafted = yaml.safe_load((quotes / "jonze.yaml").read_text("utf-8"))
    [(key, source)] = drafted["sources"].items()
    # The address it was read at, after the redirect; no document: there is no file.
    assert source == {
        "title": "Spike Jonze on Where the Wild Things Are",
        "date": "2009-10",
        "url": url,
    }
    assert [q["source"] for q in drafted["quotes"]] == [key] * 3
    assert drafted["quotes"][0]["text"] == "Maurice told me to make it dangerous."
    assert (
        (quotes / "jonze.yaml")
        .read_text("utf-8")
        .startswith(f"# Spike Jonze: drafted by quotebot ingest from {url}.\n")
    )
    assert run_cli("check", str(quotes))[0] == 0

    # The page again, with a quote more: merged under the same source, not a second one.
    served.pages["/wild-things"] = MORE
    code, out, err = await ingest(url, "--director", "Spike Jonze", "--quotes", str(quotes))
    assert code == 0, err
    assert "4 quote(s) by Spike Jonze found" in out and "1 new, 3 already in the book" in out
    merged = yaml.safe_load((quotes / "jonze.yaml").read_text("utf-8"))
    assert list(merged["sources"]) == [key]
    assert merged["quotes"][-1] == {
        "topic": merged["quotes"][-1]["topic"],
        "text": "Everybody has a wild thing in them.",
        "context": "On monsters",
        "source": key,
    }


async def test_a_dry_run_fetches_and_writes_nothing(served, tmp_path: Path):
    quotes = tmp_path / "quotes"
    code, out, _ = await ingest(
        served.url("/wild-things"),
        "--director",
        "Spike Jonze",
        "--quotes",
        str(quotes),
        "--dry-run",
    )
    assert code == 0 and "dry run: nothing written" in out
    assert not quotes.exists()


NOT = "not fetching the article: "
CANNOT = "cannot fetch the article: "


@pytest.mark.parametrize(
    ("url", "env", "code", "said"),
    [
        ("{base}/wild-things", {}, 2, NOT + "that address is internal (127.0.0.1)"),
        ("{base}/wild-things", {"QUOTEBOT_FETCH_DENY": "127.0.0.1", **ALLOW}, 2,
         NOT + "that address is refused here (127.0.0.1: QUOTEBOT_FETCH_DENY)"),
        ("http://critic:s3cret@{host}/wild-things", ALLOW, 2,
         NOT + "the address has a user name or password in it; quotebot sends none"),
        ("ftp://{host}/wild-things", ALLOW, 2, NOT + "http and https only (not ftp:)"),
        ("{base}/missing", ALLOW, 1, CANNOT + "the server answered 404 Not Found"),
        ("http://127.0.0.1:{closed}/", ALLOW, 1,
         CANNOT + "cannot connect to the server 127.0.0.1 (connection refused)"),
        ("{base}/empty", ALLOW, 2, "{base}/empty: the page is empty"),
        ("{base}/wild-things", {"QUOTEBOT_FETCH_ALLOW": "127.0.0.1, 10.0.0.1/8"}, 2,
         "QUOTEBOT_FETCH_ALLOW: '10.0.0.1/8' has bits set past its prefix length: 10.0.0.0/8?"),
    ],
)  # fmt: skip
async def test_what_cannot_be_fetched_is_one_line(served, tmp_path: Path, url, env, code, said):
    base = served.url("")
    host = base.removeprefix("http://")
    given = url.format(base=base, host=host, closed=closed_port())
    quotes = tmp_path / "quotes"
    quotes.mkdir()  # empty: a warning says so, then the one error line
    result = await ingest(given, "--director", "Spike Jonze", "--quotes", str(quotes), env=env)
    assert result[:2] == (code, "")
    assert result[2].endswith(f"\nerror: {said.format(base=base)}\n")
    assert result[2].count("error") == 1 and "s3cret" not in result[2]
    assert list(quotes.iterdir()) == []
