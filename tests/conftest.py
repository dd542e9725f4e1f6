"""Shared helpers: quote files written into a temporary folder; a PostgreSQL database."""

from __future__ import annotations

import os
import tempfile
import textwrap
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from bot.store.sqlite import SQLiteStore

    from .fakes.discord import FakeDiscord
    from .fakes.slack import FakeSlack

ROOT = Path(__file__).resolve().parent.parent
# Compiled quote books go to a folder of this run's own (and so do the bots it starts),
# never into the user's cache.
os.environ["QUOTEBOT_CACHE"] = tempfile.mkdtemp(prefix="quotebot-cache-")
QUOTES = ROOT / "quotes"

GOOD_FILE = """\
director: Agnès Varda
command: varda
aliases: [agnes, agnès varda]
sources:
  test:
    {title: A Test Interview,
     venue: Nowhere, document: a-test-interview.txt,
     date: 2001-01}
topics:
  beaches: [beach, sea]
  cats: [cat]
quotes:
  - topic: beaches
    text: "If we opened people up, we'd find landscapes."
    context: On beaches
    source: test
  - topic: beaches
    text: "The second beach quote, invented for the tests."
    context: On the sea
    source: test
  - topic: cats
    text: "A test quote about cats & <dogs>."
    context: On cats
    source: test
"""


def write(folder: Path, name: str, text: str) -> Path:
    """Write a quote file (dedented) into ``folder`` and return its path."""
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def good_dir(tmp_path: Path) -> Path:
    """A folder holding one valid quote file (Varda) and a copy of the shipped Jonze file."""
    write(tmp_path, "varda.yaml", GOOD_FILE)
    (tmp_path / "jonze.yaml").write_text((QUOTES / "jonze.yaml").read_text("utf-8"), "utf-8")
    return tmp_path


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh database on the PostgreSQL at $QUOTEBOT_TEST_PG (.ci/postgres starts one).

    Skips when none is reachable, except under CI=true, where that is a failure."""
    import psycopg

    base = os.environ.get("QUOTEBOT_TEST_PG", "postgresql://postgres@127.0.0.1:54329/postgres")
    try:
        admin = psycopg.connect(base, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        reason = f"no PostgreSQL at {base} ({exc.__class__.__name__}); run .ci/postgres"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    name = f"quotebot_test_{uuid.uuid4().hex[:12]}"
    admin.execute(f"CREATE DATABASE {name}")
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        admin.execute(f"DROP DATABASE {name} WITH (FORCE)")
        admin.close()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    """A state store in a SQLite file of the test's own."""
    from bot.store.sqlite import SQLiteStore

    opened = SQLiteStore(tmp_path / "state.db")
    yield opened
    opened.close()


@pytest.fixture
async def fakes() -> AsyncIterator[tuple[FakeDiscord, FakeSlack]]:
    """The fake Discord and the fake Slack, both started."""
    from .fakes.discord import FakeDiscord
    from .fakes.slack import FakeSlack

    discord, slack = await FakeDiscord().start(), await FakeSlack().start()
    yield discord, slack
    await discord.stop()
    await slack.stop()
