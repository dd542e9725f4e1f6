"""quotebot site DIR: the same pages as files, every relative link resolving to a file."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from urllib.parse import unquote, urljoin

import feedparser  # type: ignore[import-untyped]

from bot.adapters.web.published import Published
from bot.adapters.web.site import build
from bot.book import Director, QuoteBook, Topic, quote_id
from tests.adapters.web.helpers import make_book, quotes
from tests.fixtures import run_cli, write

HREF = re.compile(r'(?:href|src)="([^"]+)"')


def resolve(site: Path, page: Path, link: str) -> Path:
    """The file a static host serves for ``link`` on ``page``."""
    base = "/" + str(page.relative_to(site))
    path = unquote(urljoin(base, link.replace("&amp;", "&")).split("?")[0])
    target = site / path.lstrip("/")
    return target / "index.html" if path.endswith("/") else target


def test_every_link_of_every_page_resolves_to_a_file(tmp_path):
    site = tmp_path / "site"
    said = dataclasses.replace(quotes()[0], director="Андрей Тарковский", topic="время")
    cyrillic = Director("Андрей Тарковский", "тарковский", (Topic("время"),), (said,))
    book = QuoteBook([*make_book(), cyrillic])
    built = build(book, site, "https://q.example.org", record=Published(tmp_path / "ids.txt"))
    assert built.pages == 1 + 2 + 3 + 5  # home, directors, topics, quotes and built.feeds == 3
    pages = list(site.rglob("*.html"))
    assert (site / "тарковский" / "время" / "index.html").is_file()
    for page in pages:
        if page.name == "404.html":
            continue
        for link in HREF.findall(page.read_text("utf-8")):
            if link.startswith("https://"):
                continue
            assert resolve(site, page, link).is_file(), (page, link)
    for feed_file in site.rglob("feed.atom"):
        assert not feedparser.parse(feed_file.read_text("utf-8")).bozo


def test_relative_feed_links_without_a_public_url_and_a_removed_quotes_page(tmp_path):
    site, record = tmp_path / "site", Published(tmp_path / "ids.txt")
    removed = quotes()[3]
    build(make_book(), site, record=record)
    feed_file = site / "varda" / "feed.atom"
    for entry in feedparser.parse(feed_file.read_text("utf-8")).entries:
        assert resolve(site, feed_file, entry.link).is_file()
    built = build(make_book(quotes()[:3]), tmp_path / "again", record=Published(record.path))
    assert built.gone == 1
    gone = tmp_path / "again" / "varda" / "q" / quote_id(removed) / "index.html"
    assert "This quote was removed" in gone.read_text("utf-8")


def test_the_site_verb_writes_the_bundled_book(tmp_path):
    folder = tmp_path / "quotes"
    folder.mkdir()
    from tests.fixtures import book_file

    write(folder, "x.yaml", book_file("x", 3))
    env = {
        "QUOTEBOT_PUBLISHED_IDS": str(tmp_path / "ids.txt"),
        "QUOTEBOT_DB": str(tmp_path / "s.db"),
    }
    code, out, err = run_cli("--quotes", str(folder), "site", str(tmp_path / "out"),
                             "--no-cards", env=env)  # fmt: skip
    assert code == 0, err
    assert "wrote" in out and "3 cards" not in out
    assert (tmp_path / "out" / "x" / "index.html").is_file()
    assert len((tmp_path / "ids.txt").read_text().splitlines()) == 3


def test_a_big_book_written_by_two_processes_is_the_same_site(tmp_path, monkeypatch):
    """The parallel build (each process opening the book afresh from its folder) writes
    byte for byte what one process writes."""
    from bot.adapters.web import site as site_module
    from bot.book import load_book

    folder = tmp_path / "quotes"
    folder.mkdir()
    for n, command in enumerate(("alpha", "beta", "gamma")):
        lines = [f"director: Director {command}", f"command: {command}",
                 "sources:\n  s:\n    title: T\n    url: https://example.org/t",
                 "topics:\n  craft: []\n  light: []", "quotes:"]  # fmt: skip
        for k in range(4 + n):
            topic = "craft" if k % 2 else "light"
            lines.append(f"  - topic: {topic}\n    text: Quote {command} {k} about things.\n"
                         f"    context: On {k}\n    source: s")  # fmt: skip
        write(folder, f"{command}.yaml", "\n".join(lines) + "\n")
    book = load_book([folder]).book
    one = build(book, tmp_path / "one", "https://q.example.org")
    monkeypatch.setattr(site_module, "PARALLEL_FROM", 0)
    two = build(book, tmp_path / "two", "https://q.example.org", folders=[folder])
    assert (two.pages, two.feeds) == (one.pages, one.feeds)
    files = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*"))
    assert files == sorted(p.relative_to(tmp_path / "two") for p in (tmp_path / "two").rglob("*"))
    for name in files:
        if (tmp_path / "one" / name).is_file():
            assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
