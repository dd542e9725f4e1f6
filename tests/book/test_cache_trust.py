"""The compiled-book cache is believed only when quotebot made it: a book planted where
others can write, or in a file not the user's, is never served; a damaged or absurd book
is one warning line and a rebuild; a book changed under a serving process never kills
it (a SIGBUS would take pytest with it: these tests prove it by finishing)."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import random
import sqlite3
import stat
import threading
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.answers.answerer import Answerer, QuoteAnswer
from bot.book import compiled, fingerprint
from bot.book.compiled_quotes import Quotes, Unreadable
from bot.book.files import find_quote_files
from bot.book.loader import LoadResult, load_book, load_file
from bot.book.model import pool_keys
from bot.book.quote_book import QuoteBook
from tests.fixtures import GOOD_FILE, write

PLANTED = "PLANTED TEXT: whoever wrote the cache chose this."
AS_ROOT = pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file away")


@pytest.fixture
def cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of the test's own (under a private folder of pytest's)."""
    folder = tmp_path_factory.mktemp("home") / "cache"
    monkeypatch.setenv("QUOTEBOT_CACHE", str(folder))
    return folder


@pytest.fixture
def books(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("quotes")
    write(folder, "varda.yaml", GOOD_FILE)
    return folder


def texts(loaded: LoadResult) -> list[str]:
    return [q.text for q in loaded.book.quotes]


YAML_TEXTS = [
    "If we opened people up, we'd find landscapes.",
    "The second beach quote, invented for the tests.",
    "A test quote about cats & <dogs>.",
]


def plant(books: Path, where: Path) -> None:
    """A compiled book at ``where`` with the key of ``books`` as they are, serving other
    text: what someone who can write the cache (and read the quotes) would make."""
    director, _ = load_file(write(where.parent, "planted.yaml", GOOD_FILE))
    (where.parent / "planted.yaml").unlink()
    assert director is not None
    forged = dataclasses.replace(director.quotes[0], text=PLANTED)
    book = QuoteBook([dataclasses.replace(director, quotes=(forged,), by_topic={})])
    files = find_quote_files([books])[0]
    key = fingerprint.fingerprint([books], files)
    assert key is not None
    part = where.with_suffix(".part")
    compiled.write(part, key, book, (), [str(f) for f in files])
    part.replace(where)


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize("mode", [0o770, 0o707, 0o777, 0o1777, 0o720])
def test_a_folder_others_can_write_is_not_read_from(
    books: Path, cache: Path, mode: int, caplog: pytest.LogCaptureFixture
) -> None:
    load_book([books])
    kept = fingerprint.location([books])
    plant(books, kept)
    cache.chmod(mode)
    with caplog.at_level(logging.WARNING):
        first, again = load_book([books]), load_book([books])
    assert texts(first) == texts(again) == YAML_TEXTS  # from the YAML, not the plant
    said = warnings(caplog)
    assert len(said) == 1, said  # once, however often the book is loaded
    assert str(cache) in said[0] and "chmod go-w" in said[0] and "\n" not in said[0]
    assert kept.read_bytes().count(PLANTED.encode()) == 1  # nothing written there either


def test_a_folder_inside_a_folder_others_can_write_is_not_trusted(
    books: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    shared = tmp_path_factory.mktemp("shared")
    monkeypatch.setenv("QUOTEBOT_CACHE", str(shared / "mine"))
    load_book([books])
    plant(books, fingerprint.location([books]))
    shared.chmod(0o777)  # anyone could move "mine" away and put theirs in its place
    with caplog.at_level(logging.WARNING):
        assert texts(load_book([books])) == YAML_TEXTS
    assert any(f"chmod go-w {shared}" in line for line in warnings(caplog))
    shared.chmod(0o1777)  # sticky, as /tmp: no one can move what is ours
    assert texts(load_book([books])) == [PLANTED]  # so it is trusted: the plant is ours now


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda p: p.chmod(0o666), id="writable-by-others"),
        pytest.param(lambda p: p.chmod(0o620), id="writable-by-group"),
        pytest.param(lambda p: os.chown(p, 4321, -1), id="another-users", marks=AS_ROOT),
    ],
)
def test_a_book_file_not_the_users_own_is_not_read(
    books: Path, cache: Path, spoil: Callable[[Path], None], caplog: pytest.LogCaptureFixture
) -> None:
    kept = fingerprint.location([books])
    load_book([books])
    plant(books, kept)
    spoil(kept)
    with caplog.at_level(logging.WARNING):
        assert texts(load_book([books])) == YAML_TEXTS
    assert len(warnings(caplog)) == 1 and "compiling it again" in warnings(caplog)[0]
    info = kept.stat()  # compiled again, as a file of the user's own
    assert info.st_uid == os.geteuid() and not info.st_mode & 0o077
    assert texts(load_book([books])) == YAML_TEXTS


@AS_ROOT
def test_a_folder_of_another_user_is_not_read_from(
    books: Path, cache: Path, caplog: pytest.LogCaptureFixture
) -> None:
    load_book([books])
    plant(books, fingerprint.location([books]))
    os.chown(cache, 4321, -1)
    with caplog.at_level(logging.WARNING):
        assert texts(load_book([books])) == YAML_TEXTS
    assert "belongs to user 4321" in warnings(caplog)[0]


def test_a_link_in_place_of_the_book_is_not_followed(
    books: Path, cache: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    kept = fingerprint.location([books])
    load_book([books])
    elsewhere = tmp_path / "elsewhere.sqlite"
    plant(books, elsewhere)
    kept.unlink()
    kept.symlink_to(elsewhere)
    with caplog.at_level(logging.WARNING):
        assert texts(load_book([books])) == YAML_TEXTS
    assert "compiling it again" in warnings(caplog)[0]
    assert not kept.is_symlink() and kept.is_file()  # replaced by a book of its own
    assert PLANTED.encode() in elsewhere.read_bytes()  # the link's target left alone


def test_a_fifo_in_place_of_the_book_neither_hangs_nor_is_read(books: Path, cache: Path) -> None:
    kept = fingerprint.location([books])
    cache.mkdir(parents=True)
    os.mkfifo(kept)
    assert texts(load_book([books])) == YAML_TEXTS
    assert stat.S_ISREG(kept.lstat().st_mode)


def test_the_folders_quotebot_makes_are_the_users_alone(
    books: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = tmp_path_factory.mktemp("fresh")
    monkeypatch.setenv("QUOTEBOT_CACHE", str(base / "a" / "b" / "quotebot"))
    old = os.umask(0o002)  # a umask that would have made them group-writable
    try:
        loaded = load_book([books])
    finally:
        os.umask(old)
    assert isinstance(loaded.book.quotes, Quotes)  # kept, and read from the cache
    for folder in (base / "a", base / "a" / "b", base / "a" / "b" / "quotebot"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    kept = fingerprint.location([books])
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600


def _sql(*statements: str) -> Callable[[Path], None]:
    def spoil(path: Path) -> None:
        connection = sqlite3.connect(path)
        for statement in statements:
            connection.execute(statement)
        connection.commit()
        connection.close()

    return spoil


def _meta(change: Callable[[dict[str, Any]], None]) -> Callable[[Path], None]:
    def spoil(path: Path) -> None:
        connection = sqlite3.connect(path)
        (value,) = connection.execute("SELECT value FROM meta WHERE name = 'book'").fetchone()
        data = json.loads(value)
        change(data)
        connection.execute("UPDATE meta SET value = ? WHERE name = 'book'", (json.dumps(data),))
        connection.commit()
        connection.close()

    return spoil


def _truncate(size: int) -> Callable[[Path], None]:
    return lambda path: os.truncate(path, size)


def _overwrite_middle(path: Path) -> None:
    with open(path, "r+b") as file:
        size = file.seek(0, os.SEEK_END)
        file.seek(size // 3)
        file.write(random.Random(1).randbytes(size // 3))


def _another_database(path: Path) -> None:
    path.unlink()
    _sql("CREATE TABLE meta (name TEXT, value TEXT)", "INSERT INTO meta VALUES ('x', 'y')")(path)


def _set(field: str, value: object) -> Callable[[dict[str, Any]], None]:
    return lambda data: data["directors"][0].__setitem__(field, value)


DAMAGE = {
    "truncated-to-a-few-bytes": _truncate(5),
    "truncated-to-the-header": _truncate(100),
    "truncated-by-half": lambda p: os.truncate(p, p.stat().st_size // 2),
    "middle-overwritten": _overwrite_middle,
    "another-sqlite-database": _another_database,
    "not-sqlite-at-all": lambda p: p.write_bytes(b"#!/bin/sh\necho hello\n" * 100),
    "negative-count": _meta(_set("count", -3)),
    "huge-count": _meta(_set("count", 10**15)),
    "count-not-a-number": _meta(_set("count", "3")),
    "a-source-of-five-fields": _meta(_set("sources", [["test", "A", "B", "C", "D"]])),
    "meta-not-json": _sql("UPDATE meta SET value = '{\"directors\": [' WHERE name = 'book'"),
    "meta-not-text": _sql("UPDATE meta SET value = x'00ff' WHERE name = 'book'"),
    "extra-meta-field": _meta(lambda data: data.__setitem__("more", 1)),
    "pool-past-the-end": _sql(
        f"UPDATE pools SET ids = x'{array('I', [1, 10**6]).tobytes().hex()}'"
    ),
    "pool-of-half-a-number": _sql("UPDATE pools SET ids = x'010203'"),
    "pool-of-no-topic": _sql("UPDATE pools SET topic = 'nothing'"),
    "pool-of-no-director": _sql("UPDATE pools SET director = 7"),
    "a-missing-quote": _sql("DELETE FROM quotes WHERE id = 3"),
    "a-missing-table": _sql("DROP TABLE quote_keys"),
    "a-table-too-many": _sql("CREATE TABLE more (x)"),
    "a-view-in-place-of-quotes": _sql(
        "DROP TABLE quotes", "CREATE VIEW quotes AS SELECT 1 AS id, 0 AS director"
    ),
    "a-trigger": _sql("CREATE TRIGGER t AFTER INSERT ON meta BEGIN SELECT 1; END"),
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_damaged_or_absurd_book_is_one_warning_and_a_rebuild(
    books: Path, cache: Path, damage: Callable[[Path], None], caplog: pytest.LogCaptureFixture
) -> None:
    load_book([books])
    kept = fingerprint.location([books])
    damage(kept)
    with caplog.at_level(logging.WARNING):
        loaded = load_book([books])
    assert loaded.ok and texts(loaded) == YAML_TEXTS
    said = warnings(caplog)
    assert len(said) == 1 and "\n" not in said[0], said
    assert str(kept) in said[0] and "compiling it again" in said[0]
    caplog.clear()
    with caplog.at_level(logging.WARNING):  # rebuilt: the next start opens it quietly
        again = load_book([books])
    assert isinstance(again.book.quotes, Quotes) and texts(again) == YAML_TEXTS
    assert not warnings(caplog)


def _answers(book: QuoteBook) -> list[str]:
    """Every quote the book can give, by every road: by number, walked, by topic, by words."""
    answerer = Answerer(book, random.Random(1))
    found = [q.text for q in book.quotes] + [book.quotes[i].text for i in range(len(book.quotes))]
    for director in book:
        found += [q.text for pool in director.by_topic.values() for q in pool]
    answer = answerer.answer("varda", "landscapes")
    assert isinstance(answer, QuoteAnswer)
    return [*found, answer.quote.text]


def _copy_another_book_over(path: Path) -> None:
    """As ``cp`` does: the same file, emptied and filled with another (valid) book."""
    other = path.parent / "other"
    other.mkdir()
    write(other, "varda.yaml", GOOD_FILE.replace("landscapes", "seascapes"))
    load_book([other])
    path.write_bytes(fingerprint.location([other]).read_bytes())


UNDER_A_SERVER = {
    "truncated": lambda p: os.truncate(p, 10),
    "truncated-to-nothing": lambda p: os.truncate(p, 0),
    "middle-overwritten": _overwrite_middle,
    "another-book-copied-over-it": _copy_another_book_over,
}


def _served(book: QuoteBook, caplog: pytest.LogCaptureFixture, kept: Path) -> list[str]:
    with caplog.at_level(logging.WARNING):
        answers = _answers(book)
    said = warnings(caplog)
    assert len(said) <= 1 and all("\n" not in line for line in said), said
    if said:  # it saw the change: it said so in a line, and compiled the book again
        assert "opened again" in said[0] and str(kept) in said[0]
    return answers


@pytest.mark.parametrize("change", UNDER_A_SERVER.values(), ids=UNDER_A_SERVER.keys())
def test_a_book_changed_under_a_serving_process_is_opened_again(
    books: Path, cache: Path, change: Callable[[Path], None], caplog: pytest.LogCaptureFixture
) -> None:
    book = load_book([books]).book
    assert book.quotes[0].text == YAML_TEXTS[0]  # serving: one quote read already
    kept = fingerprint.location([books])
    change(kept)
    answers = _served(book, caplog, kept)
    assert set(answers) == set(YAML_TEXTS)  # every one, and only the book's own
    assert len(warnings(caplog)) == 1
    assert texts(load_book([books])) == YAML_TEXTS  # and the file is a good book again


def _many(folder: Path, count: int) -> list[str]:
    """A quote file of ``count`` quotes (many pages of the compiled file), and their texts."""
    said = [f"Quote number {n} of a long interview, about beaches and cats." for n in range(count)]
    quotes = "".join(
        f'  - {{topic: {"beaches" if n % 2 else "cats"}, text: "{text}", context: On it,'
        " source: test}\n"
        for n, text in enumerate(said)
    )
    write(folder, "varda.yaml", GOOD_FILE.split("quotes:")[0] + "quotes:\n" + quotes)
    return said


def _pages_of(path: Path, table: str) -> list[int]:
    connection = sqlite3.connect(path)
    try:
        found = connection.execute("SELECT pageno FROM dbstat WHERE name = ?", (table,))
        return sorted(row[0] for row in found)
    finally:
        connection.close()


@pytest.mark.parametrize("table", ["quotes", "quote_keys", "words_data"])
@pytest.mark.parametrize("garbage", ["random", "zeros"])
def test_damage_only_reads_can_tell_never_kills_nor_serves_garbage(
    tmp_path: Path, cache: Path, table: str, garbage: str, caplog: pytest.LogCaptureFixture
) -> None:
    said = _many(tmp_path, 400)
    book = load_book([tmp_path]).book
    assert len(book.quotes) == 400 and book.quotes[0].text == said[0]
    kept = fingerprint.location([tmp_path])
    before = kept.stat()
    pages = _pages_of(kept, table)
    with open(kept, "r+b") as file:  # one page of the table, in place; size and time put back
        file.seek((pages[len(pages) // 2] - 1) * 4096)
        file.write(random.Random(1).randbytes(4096) if garbage == "random" else bytes(4096))
    os.utime(kept, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert kept.stat().st_size == before.st_size
    with caplog.at_level(logging.WARNING):
        served = [q.text for q in book.quotes] + [book.quotes[n].text for n in range(400)]
        served += [q.text for d in book for pool in d.by_topic.values() for q in pool]
        keys = pool_keys(book.quotes)
        found = [book.search(words) for words in ("number", "interview", "beaches", "cats")]
    assert set(served) == set(said) and len(set(keys)) == 400
    assert all(f is not None and f[0].text in said for f in found)
    lines = warnings(caplog)
    assert len(lines) == 1 and "\n" not in lines[0] and "opened again" in lines[0], lines


def test_a_damaged_book_whose_quote_files_changed_too_serves_what_it_read(
    books: Path, cache: Path, caplog: pytest.LogCaptureFixture
) -> None:
    book = load_book([books]).book
    varda = book.by_command("varda")
    assert varda is not None
    read = varda.by_topic["beaches"][0].text
    kept = fingerprint.location([books])
    os.truncate(kept, 10)
    write(books, "varda.yaml", GOOD_FILE.replace("landscapes", "seascapes"))
    with caplog.at_level(logging.WARNING):
        # Its quotes are numbered otherwise now: the book cannot be opened again, so a
        # quote of the pool already read stands in, and what needs the file says why.
        assert varda.by_topic["beaches"][1].text == read
        with pytest.raises(Unreadable, match="the quote files changed"):
            list(varda.by_topic["cats"])
        with pytest.raises(Unreadable):
            book.search("cats")
    said = warnings(caplog)
    assert len(said) == 1 and "could not be opened again" in said[0], said
    assert texts(load_book([books]))[0] == YAML_TEXTS[0].replace("landscapes", "seascapes")


def test_threads_asking_while_the_book_is_damaged_get_it_opened_again_once(
    tmp_path: Path, cache: Path, caplog: pytest.LogCaptureFixture
) -> None:
    said = _many(tmp_path, 300)
    book = load_book([tmp_path]).book
    os.truncate(fingerprint.location([tmp_path]), 1000)
    start = threading.Barrier(6)
    served: list[list[str]] = []

    def ask(first: int) -> None:
        start.wait()
        served.append([book.quotes[(first + n * 7) % 300].text for n in range(300)])

    with caplog.at_level(logging.WARNING):
        threads = [threading.Thread(target=ask, args=(n,)) for n in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(served) == 6 and all(set(texts) == set(said) for texts in served)
    assert len(warnings(caplog)) == 1 and "opened again" in warnings(caplog)[0]


def test_a_cache_that_is_a_file_is_not_used(
    books: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "cache").write_text("not a folder")
    monkeypatch.setenv("QUOTEBOT_CACHE", str(tmp_path / "cache"))
    with caplog.at_level(logging.WARNING):
        assert texts(load_book([books])) == YAML_TEXTS
    assert "is not a folder" in warnings(caplog)[0]
    assert (tmp_path / "cache").read_text() == "not a folder"
