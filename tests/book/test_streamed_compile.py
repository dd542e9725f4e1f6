"""The book compiled a file at a time: the same book as one held whole and written at
once (quotes, order, pools, search), every problem still reported, a file read, written
and dropped before the next; and one compiled book for a folder however it is named."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.book import admission, compiled, compiled_writer, fingerprint, loader
from bot.book.files import find_quote_files
from bot.book.loader import LoadResult, load_book
from bot.book.quote_book import QuoteBook
from tests.fixtures import GOOD_FILE, QUOTES, book_file, write

WORDS = ["light", "camera", "editing", "the film", "landscapes", "cats dogs", "zzzz"]


def held_whole(folder: Path) -> LoadResult:
    """The book read into memory, as when no compiled book can be kept."""
    files, problems = find_quote_files([folder])
    return loader._in_memory([folder], files, problems)


def written_whole(folder: Path, where: Path) -> LoadResult:
    """The book as quotebot compiled it before: read whole, then written at once."""
    whole = held_whole(folder)
    compiled.write(where, "key", whole.book, whole.problems, whole.files)
    return LoadResult(*compiled.read(where, "key"))


def every_match(book: QuoteBook, words: str, director: str | None = None) -> list[str]:
    found, cursor, seen = [], None, 0
    within = book.by_command(director) if director else None
    while seen < 50 and (hit := book.search(words, within, cursor)) is not None:
        found.append(hit[0].text)
        cursor, seen = hit[1], seen + 1
    return found


def described(loaded: LoadResult) -> object:
    """Everything a book serves, in order: directors, quotes, pools, search, problems."""
    book = loaded.book
    directors = [
        (d.name, d.command, d.aliases, d.path, d.line, d.topics, d.topic_names,
         [(q, q.line, q.status, q.locator) for q in d.quotes],
         {t: list(pool) for t, pool in d.by_topic.items()})
        for d in book
    ]  # fmt: skip
    searches = [every_match(book, w) for w in WORDS]
    searches += [every_match(book, w, d.command) for w in WORDS for d in book]
    topics = {w: list(pool[0]) for w in ("craft", "beach", "cats") if (pool := book.topic_pool(w))}
    problems = [str(p) for p in loaded.problems]
    return directors, list(book.quotes), searches, topics, problems, loaded.files


@pytest.fixture
def book_dir(good_dir: Path) -> Path:
    """Several directors, good and bad, whose quotes share words."""
    for n, word in enumerate(("light", "camera", "light camera")):
        write(good_dir, f"d{n}.yaml", book_file(f"d{n}", 40, topic=f"craft{n}", word=word))
    write(good_dir, "m.yaml", book_file("m", 3, topic="craft", word="editing"))
    return good_dir


def test_a_streamed_compile_is_the_book_written_whole(book_dir: Path, tmp_path_factory) -> None:
    streamed = load_book([book_dir])
    assert isinstance(streamed.book.quotes, compiled.Quotes) and streamed.ok
    before = written_whole(book_dir, tmp_path_factory.mktemp("old") / "book.sqlite")
    assert described(streamed) == described(before) == described(held_whole(book_dir))
    assert described(load_book([book_dir])) == described(streamed)  # and opened again


PROBLEM_FILES = {
    "a-broken.yaml": "director: Broken\ncommand: [\n",
    "b-bad-command.yaml": GOOD_FILE.replace("command: varda", "command: Bad Name"),
    "c-anchor.yaml": GOOD_FILE.replace("title: A", "title: &t A"),
    "w-same-command.yaml": GOOD_FILE.replace("If we opened", "Other words"),
    "x-same-name.yaml": GOOD_FILE.replace("command: varda", "command: agnes2")
    .replace("director: Agnès Varda", "director: Somebody Else")
    .replace("If we opened", "Others opened"),
    "y-same-quote.yaml": GOOD_FILE.replace("command: varda", "command: varda2")
    .replace("aliases: [agnes, agnès varda]", "aliases: []")
    .replace("director: Agnès Varda", "director: Agnès V")
    .replace("The second beach", "Another beach")
    .replace("cats & <dogs>", "cats alone"),
}


def test_every_problem_is_still_reported(book_dir: Path, tmp_path_factory) -> None:
    for name, text in PROBLEM_FILES.items():
        write(book_dir, name, text)
    (book_dir / "e-binary.yaml").write_bytes(b"\xff\xfe\x00garbage")
    streamed = load_book([book_dir])
    before = written_whole(book_dir, tmp_path_factory.mktemp("old") / "book.sqlite")
    assert described(streamed) == described(before)
    said = [str(p) for p in streamed.problems]
    varda = book_dir / "varda.yaml"
    expected = [
        "a-broken.yaml:3: malformed YAML",
        "b-bad-command.yaml:2: command 'Bad Name' is not a name",
        "c-anchor.yaml:6: YAML anchors (&t) are not allowed",
        "e-binary.yaml:1: not UTF-8 text",
        f"w-same-command.yaml:2: command 'varda' is already taken by {varda}",
        f"x-same-name.yaml:2: 'agnes' already names Agnès Varda ({varda})",
        f"y-same-quote.yaml:13: duplicate quote: the same text is in {varda}",
    ]
    assert len(said) == len(expected), said
    for problem, start in zip(said, expected, strict=True):
        assert problem.startswith(f"{book_dir}/{start}"), (problem, start)
    assert [d.command for d in streamed.book] == ["d0", "d1", "d2", "jonze", "m", "varda"]


@pytest.mark.parametrize("whole", [False, True], ids=["streamed", "held whole"])
def test_texts_with_one_hash_are_told_apart(
    book_dir: Path, monkeypatch: pytest.MonkeyPatch, whole: bool
) -> None:
    monkeypatch.setattr(admission, "text_hash", lambda text: 0)  # every text collides
    write(book_dir, "z-same-quote.yaml", PROBLEM_FILES["y-same-quote.yaml"])
    loaded = held_whole(book_dir) if whole else load_book([book_dir])
    [problem] = loaded.problems
    assert str(problem) == (
        f"{book_dir}/z-same-quote.yaml:13: duplicate quote: the same text is in "
        f"{book_dir}/varda.yaml"
    )
    assert len(loaded.book.quotes) == 3 * 40 + 3 + 3 + len(load_book([QUOTES]).book.quotes)


def test_each_file_is_written_before_the_next_is_read(
    book_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    happened: list[str] = []
    read, add = loader.load_file, compiled_writer.BookWriter.add

    def reading(path: Path) -> object:
        happened.append(f"read {path.stem}")
        return read(path)

    def adding(self: compiled_writer.BookWriter, director: object) -> None:
        happened.append(f"add {director.command}")  # type: ignore[attr-defined]
        add(self, director)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "load_file", reading)
    monkeypatch.setattr(compiled_writer.BookWriter, "add", adding)
    load_book([book_dir])
    assert happened == [
        step for name in ("d0", "d1", "d2", "jonze", "m", "varda")
        for step in (f"read {name}", f"add {name}")
    ]  # fmt: skip


def test_one_folder_named_three_ways_finds_one_compiled_book(
    book_dir: Path, tmp_path_factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(book_dir, "w-same-command.yaml", PROBLEM_FILES["w-same-command.yaml"])
    first = load_book([book_dir])  # absolute
    kept = fingerprint.location([book_dir])
    stamp = kept.stat().st_ino, kept.stat().st_mtime_ns
    link = tmp_path_factory.mktemp("links") / "quotes"
    link.symlink_to(book_dir)
    monkeypatch.chdir(book_dir.parent)
    relative, linked = Path(book_dir.name), Path(os.path.relpath(link))
    for named in (relative, link, linked, book_dir / ".." / book_dir.name):
        again = load_book([named])
        assert (kept.stat().st_ino, kept.stat().st_mtime_ns) == stamp, named  # not compiled
        assert fingerprint.location([named]) == kept
        # Shown as asked for: the files, each director's file, and the problems.
        assert again.files == tuple(str(named / Path(f).name) for f in first.files)
        assert [d.path for d in again.book] == [str(named / Path(d.path).name) for d in first.book]
        [problem] = again.problems
        taken = f"command 'varda' is already taken by {named}/varda.yaml"
        assert str(problem) == f"{named}/w-same-command.yaml:2: {taken}"
        assert [q.text for q in again.book.quotes] == [q.text for q in first.book.quotes]


def test_one_relative_name_from_two_folders_is_two_books(
    tmp_path_factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    books = {}
    for text in ("landscapes", "seascapes"):
        books[text] = tmp_path_factory.mktemp(text)
        (books[text] / "quotes").mkdir()
        write(books[text] / "quotes", "varda.yaml", GOOD_FILE.replace("landscapes", text))
    for text, folder in [*books.items(), *books.items()]:
        monkeypatch.chdir(folder)
        loaded = load_book([Path("quotes")])
        assert text in loaded.book.quotes[0].text
        varda = loaded.book.by_command("varda")
        assert varda is not None and varda.path == "quotes/varda.yaml"
