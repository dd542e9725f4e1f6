"""A reload says what a start says: a director added past a platform's command cap is
logged as reachable only through /quote, for the platforms served, as at start-up."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot.answers.answerer import Answerer
from bot.app.supervisor import Reloader, log_caps
from bot.book.loader import load_book


def directors(folder: Path, count: int) -> Path:
    """``count`` one-quote directors, d000 onwards, in ``folder``."""
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.yaml"):
        old.unlink()
    for n in range(count):
        (folder / f"d{n:03}.yaml").write_text(
            f"director: Director d{n:03}\ncommand: d{n:03}\n"
            "sources:\n  s: {title: Talk, document: talk.txt}\n"
            "topics:\n  craft: []\n"
            f"quotes:\n  - topic: craft\n    text: Quote d{n:03} about light.\n"
            "    context: On craft\n    source: s\n",
            "utf-8",
        )
    return folder


class Served:
    """A platform's service as the supervisor sees it: a name, and a refresh to count."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.refreshed = 0

    async def start(self) -> None: ...

    async def serve(self, stop: asyncio.Event) -> None: ...

    async def refresh(self) -> None:
        self.refreshed += 1

    async def close(self) -> None: ...


async def test_a_reload_past_the_slack_cap_says_who_is_left_out(tmp_path, caplog):
    folder = directors(tmp_path / "quotes", 40)
    answerer = Answerer(load_book([folder]).book)
    slack = Served("slack")
    reloader = Reloader(answerer, folder, [slack])
    directors(folder, 60)  # 2 of Slack's 50 go to /quote and /qotd: 12 left out
    with caplog.at_level(logging.WARNING, logger="quotebot"):
        reloader.request()
        await reloader.wait()
    assert slack.refreshed == 1
    assert "reload: Slack allows 50 commands: 12 director(s) are reached through /quote" in (
        caplog.text
    )
    assert "Discord" not in caplog.text  # not served here: nothing to say of it


@pytest.mark.parametrize(("served", "said"), [(["discord"], 1), (["slack", "discord"], 2)])
def test_start_up_names_the_cap_of_each_platform_served(tmp_path, caplog, served, said):
    book = load_book([directors(tmp_path / "quotes", 120)]).book
    with caplog.at_level(logging.WARNING, logger="quotebot"):
        log_caps(book, served)
    lines = [r.getMessage() for r in caplog.records if "reached through /quote" in r.getMessage()]
    assert len(lines) == said
    assert "Discord allows 100 commands: 22 director(s)" in lines[-1]


def test_within_the_caps_nothing_is_said(tmp_path, caplog):
    book = load_book([directors(tmp_path / "quotes", 3)]).book
    with caplog.at_level(logging.WARNING):
        log_caps(book, ["slack", "discord"])
    assert caplog.records == []
