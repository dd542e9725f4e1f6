"""A reload after a quote file was edited: the book is compiled again in the reload's
worker thread, the loop answering from the old book meanwhile, and the new book swapped
in without the loop reading its quotes through."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from bot.answers.answerer import Answerer, QuoteAnswer
from bot.app.supervisor import Reloader
from bot.book.compiled_quotes import Rows
from bot.book.compiled_writer import BookWriter
from bot.book.loader import load_book
from tests.fixtures import GOOD_FILE, book_file, write


async def test_an_edited_file_is_compiled_again_off_the_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "varda.yaml", GOOD_FILE)
    write(tmp_path, "many.yaml", book_file("many", 500, word="light"))
    answerer = Answerer(load_book([tmp_path]).book)
    write(tmp_path, "varda.yaml", GOOD_FILE.replace("landscapes", "seascapes"))
    loop_thread = threading.current_thread()
    compiling: list[threading.Thread] = []
    walked_on_the_loop: list[str] = []
    mid_compile, answered = threading.Event(), threading.Event()
    add, span, keys = BookWriter.add, Rows.span, Rows.keys

    def adding(self: BookWriter, director: object) -> None:
        compiling.append(threading.current_thread())
        mid_compile.set()
        assert answered.wait(10), "the loop never answered"
        add(self, director)  # type: ignore[arg-type]

    def spanning(self: Rows, start: int, stop: int) -> object:
        if threading.current_thread() is loop_thread:
            walked_on_the_loop.append(f"quotes {start}-{stop}")
        return span(self, start, stop)

    def keying(self: Rows, start: int, stop: int) -> object:
        if threading.current_thread() is loop_thread:
            walked_on_the_loop.append(f"keys {start}-{stop}")
        return keys(self, start, stop)

    monkeypatch.setattr(BookWriter, "add", adding)
    monkeypatch.setattr(Rows, "span", spanning)
    monkeypatch.setattr(Rows, "keys", keying)
    reloader = Reloader(answerer, tmp_path)
    reloader.request()
    await asyncio.to_thread(mid_compile.wait, 10)
    # The compile is under way in the worker thread; the loop answers from the old book.
    old = answerer.answer("varda", "landscapes")
    assert isinstance(old, QuoteAnswer) and "landscapes" in old.quote.text
    answered.set()
    await reloader.wait()
    assert compiling and all(thread is not loop_thread for thread in compiling)
    new = answerer.answer("varda", "seascapes")
    assert isinstance(new, QuoteAnswer) and "seascapes" in new.quote.text
    for _ in range(3):
        assert isinstance(answerer.answer("many", "light"), QuoteAnswer)
        assert isinstance(answerer.answer("quote", ""), QuoteAnswer)
    assert walked_on_the_loop == []  # the swap and the first answers read no pool through
