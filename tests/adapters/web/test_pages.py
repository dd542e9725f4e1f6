"""The pages on the HTTP front, in this process: content, escaping, link previews, the
policy, 410 for a quote removed and 404 for one never there, search."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from bot.book import quote_id
from tests.adapters.web.helpers import HOSTILE, client, make_book, quotes

PUBLIC = {"QUOTEBOT_PUBLIC_URL": "https://quotes.example.org/"}


class Meta(HTMLParser):
    """The meta tags and links of a page, as a browser reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: list[dict[str, str]] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "meta":
            name = values.get("property") or values.get("name")
            if name:
                self.meta[name] = values.get("content", "")
        elif tag == "link":
            self.links.append(values)
        elif tag == "script":
            self.scripts += 1


def read(html: str) -> Meta:
    parsed = Meta()
    parsed.feed(html)
    return parsed


async def test_every_page_answers_with_its_content(tmp_path):
    book = make_book()
    first = book.quotes[0]
    async with client(book, tmp_path) as c:
        home = await c.get("/")
        assert home.status == 200
        assert 'href="/varda/">Agnès Varda</a>' in await home.text()
        for path in ("/varda", "/varda/"):
            page = await (await c.get(path)).text()
            assert 'href="/varda/editing/">editing</a>' in page
            assert "Editing is writing again." in page
        topic = await (await c.get("/varda/light/")).text()
        assert "Light is the first actor." in topic and "Editing is writing" not in topic
        permalink = await c.get(f"/varda/q/{quote_id(first)}")
        text = await permalink.text()
        assert permalink.status == 200
        for part in ("In Conversation", "TIFF Bell Lightbox, Toronto", "2013-09-10",
                     "https://example.org/talk?a=1&amp;b=&lt;2&gt;", "attributed"):  # fmt: skip
            assert part in text
        disputed = await (await c.get(f"/varda/q/{quote_id(book.quotes[2])}/")).text()
        assert "attribution disputed" in disputed
        assert (await c.get(f"/varda/q/{quote_id(book.quotes[1])}/")).status == 200
        assert (await c.get("/style.css")).content_type == "text/css"


async def test_a_hostile_quote_is_escaped_everywhere(tmp_path):
    book = make_book()
    hostile = book.quotes[1]
    async with client(book, tmp_path, PUBLIC) as c:
        for path in ("/varda/", "/varda/editing/", f"/varda/q/{quote_id(hostile)}/",
                     "/search?q=alert", "/search?q=<script>alert(1)</script>"):  # fmt: skip
            text = await (await c.get(path)).text()
            assert "<script" not in text and "<b>" not in text and "<i>" not in text, path
            assert read(text).scripts == 0
        page = await (await c.get(f"/varda/q/{quote_id(hostile)}/")).text()
        assert "Cut &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; keep" in page
        assert read(page).meta["og:description"] == HOSTILE  # escaped, and read back whole


async def test_opengraph_twitter_tags_and_feed_autodiscovery(tmp_path):
    book = make_book()
    first = book.quotes[0]
    the_id = quote_id(first)
    async with client(book, tmp_path, PUBLIC) as c:
        page = read(await (await c.get(f"/varda/q/{the_id}")).text())
        assert page.meta["og:title"].startswith("Agnès Varda: “Editing is writing again.")
        assert page.meta["og:description"] == first.text
        assert page.meta["og:url"] == f"https://quotes.example.org/varda/q/{the_id}/"
        assert page.meta["og:image"] == f"https://quotes.example.org/varda/{the_id}.png"
        assert page.meta["twitter:card"] == "summary_large_image"
        assert page.meta["twitter:image"] == page.meta["og:image"]
        assert page.meta["viewport"] == "width=device-width, initial-scale=1"
        feeds = [x for x in page.links if x.get("type") == "application/atom+xml"]
        assert [x["href"] for x in feeds] == ["/varda/feed.atom"]
        for path in ("/", "/varda/", "/varda/light/", "/search?q=light"):
            tags = read(await (await c.get(path)).text())
            assert {"og:title", "og:description", "og:url", "twitter:card"} <= tags.meta.keys()
            assert any(x.get("rel") == "alternate" for x in tags.links)


async def test_answers_carry_a_strict_content_security_policy(tmp_path):
    async with client(make_book(), tmp_path) as c:
        for path in ("/", "/varda/", "/nobody"):
            policy = (await c.get(path)).headers["Content-Security-Policy"]
            assert policy.startswith("default-src 'none'; style-src 'self'; img-src 'self'")
            assert "unsafe-inline" not in policy and "script-src" not in policy


async def test_a_removed_quote_answers_410_and_an_unknown_id_404(tmp_path):
    books = [make_book()]
    removed = books[0].quotes[3]
    async with client(lambda: books[-1], tmp_path) as c:
        assert (await c.get(f"/varda/q/{quote_id(removed)}/")).status == 200
        books.append(make_book(quotes()[:3]))  # a reload without it
        gone = await c.get(f"/varda/q/{quote_id(removed)}/")
        assert gone.status == 410
        assert "This quote was removed" in await gone.text()
        assert (await c.get("/varda/q/aaaaaaaaaa/")).status == 404
        assert (await c.get("/varda/q/not-an-id/")).status == 404
        assert (await c.get("/nobody/")).status == 404
        assert (await c.get("/varda/nothing/")).status == 404
    # The record outlives the process: another server knows it too.
    async with client(books[-1], tmp_path) as c:
        assert (await c.get(f"/varda/q/{quote_id(removed)}/")).status == 410


async def test_a_quote_whose_directors_command_changed_moves(tmp_path):
    book = make_book(command="agnes")
    the_id = quote_id(book.quotes[0])
    async with client(book, tmp_path) as c:
        moved = await c.get(f"/varda/q/{the_id}/", allow_redirects=False)
        assert (moved.status, moved.headers["Location"]) == (301, f"/agnes/q/{the_id}/")


async def test_search_is_the_bots_word_search(tmp_path):
    book = make_book()
    async with client(book, tmp_path) as c:
        text = await (await c.get("/search", params={"q": "light"})).text()
        found = re.findall(r"<blockquote><p>(.*?)</p>", text)
        expected = []
        cursor = None
        while (hit := book.search("light", None, cursor)) is not None:
            expected.append(hit[0].text)
            cursor = hit[1]
        assert found == expected and len(found) == 2
        nothing = await (await c.get("/search", params={"q": "zebra"})).text()
        assert "No quote holds those words." in nothing
        assert (await c.get("/search")).status == 200
