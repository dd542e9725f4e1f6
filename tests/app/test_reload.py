"""Reloading the quote book: in a worker thread, answers flowing meanwhile; a broken book
keeps the last good one; requests during a reload fold into one more."""

from __future__ import annotations

import asyncio
import random
import threading
from pathlib import Path

from bot.answers.answerer import Answerer, QuoteAnswer
from bot.app.supervisor import Reloader
from bot.book.loader import LoadResult, load_book
from tests.fixtures import GOOD_FILE, QUOTES, write


class GatedLoad:
    """load_book, but each call waits (in the worker thread) until the test opens the gate."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.gate = threading.Event()
        self.calls = 0

    def __call__(self, paths: list[Path]) -> LoadResult:
        self.calls += 1
        self.started.set()
        assert self.gate.wait(10), "the test never opened the gate"
        return load_book(paths)


async def test_answers_flow_while_a_reload_loads(good_dir):
    answerer = Answerer(load_book([QUOTES]).book, random.Random(1))
    load = GatedLoad()
    reloader = Reloader(answerer, good_dir, load=load)
    reloader.request()
    await asyncio.to_thread(load.started.wait, 10)
    # The load is under way in its thread, and the loop answers from the old book.
    answer = answerer.answer("jonze", "editing")
    assert isinstance(answer, QuoteAnswer) and answer.quote.director == "Spike Jonze"
    assert answerer.book.by_command("varda") is None
    load.gate.set()
    await reloader.wait()
    varda = answerer.answer("varda", "cats")
    assert isinstance(varda, QuoteAnswer) and "cats" in varda.quote.text


async def test_requests_during_a_reload_fold_into_one_more(good_dir):
    answerer = Answerer(load_book([QUOTES]).book)
    load = GatedLoad()
    reloader = Reloader(answerer, good_dir, load=load)
    reloader.request()
    await asyncio.to_thread(load.started.wait, 10)
    for _ in range(5):
        reloader.request()
    load.gate.set()
    await reloader.wait()
    assert load.calls == 2


async def test_a_broken_book_keeps_the_last_good_one(tmp_path, caplog):
    write(tmp_path, "varda.yaml", GOOD_FILE)
    answerer = Answerer(load_book([tmp_path]).book)
    write(tmp_path, "varda.yaml", GOOD_FILE.replace("quotes:\n", "quotes: [\n"))
    reloader = Reloader(answerer, tmp_path)
    reloader.request()
    await reloader.wait()
    assert isinstance(answerer.answer("varda", "cats"), QuoteAnswer)
    assert "reload: kept the last good quote book (3 quotes)" in caplog.text
