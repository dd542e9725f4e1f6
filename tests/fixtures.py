"""The tests' shared helpers and fixtures (registered by tests/conftest.py's pytest_plugins):
quote files written into a temporary folder, a state store, a PostgreSQL database, the
fakes; the command line in this process; quotebot as a process whose log a test reads.

Tests import the helpers from here (``from tests.fixtures import GOOD_FILE, write``) and
name the fixtures as arguments. Loading this module (pytest does, at start) imports nothing
of bot: the helpers import what they use when they run."""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import signal
import sys
import tempfile
import textwrap
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.fakes.slack import form_body, signed_headers

if TYPE_CHECKING:
    from bot.book.quote_book import QuoteBook
    from bot.daily.delivery import Daily
    from bot.daily.settings_file import DailyConfig
    from bot.store.roles import Store
    from bot.store.sqlite import SQLiteStore
    from tests.fakes.clock import FakeClock
    from tests.fakes.discord import FakeDiscord
    from tests.fakes.slack import FakeSlack

ROOT = Path(__file__).resolve().parent.parent
QUOTES = ROOT / "quotes"

# ---- quote files -----------------------------------------------------------------------

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

# The shipped Jonze quote /jonze editing answers with, and the line that attributes it.
EDITING = "I didn’t know exactly what I was making. I was trying to find it along the way."
ATTRIBUTION = (
    "— Spike Jonze, on the 14-month editing period for HER "
    "(In Conversation, TIFF Bell Lightbox, Toronto, 2013)"
)


def write(folder: Path, name: str, text: str) -> Path:
    """Write a quote file (dedented) into ``folder`` and return its path."""
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def book_file(command: str, quotes: int, topic: str = "craft", word: str = "light") -> str:
    """A director file with ``quotes`` quotes on one topic, each holding ``word``."""
    lines = [
        f"director: Director {command}",
        f"command: {command}",
        "sources:\n  s:\n    title: T\n    document: t.txt",
        f"topics:\n  {topic}: []",
        "quotes:",
    ]
    for n in range(quotes):
        lines.append(
            f"  - topic: {topic}\n    text: Quote {command} {n} about {word}.\n"
            f"    context: On {n}\n    source: s"
        )
    return "\n".join(lines) + "\n"


@pytest.fixture
def good_dir(tmp_path: Path) -> Path:
    """A folder holding one valid quote file (Varda) and a copy of the shipped Jonze file."""
    write(tmp_path, "varda.yaml", GOOD_FILE)
    (tmp_path / "jonze.yaml").write_text((QUOTES / "jonze.yaml").read_text("utf-8"), "utf-8")
    return tmp_path


# ---- state stores ----------------------------------------------------------------------


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh database on the PostgreSQL at $QUOTEBOT_TEST_PG (.ci/postgres starts one).
    A test using it is a system test: tests/conftest.py marks those that name it, and one
    that asks for it by request.getfixturevalue must carry the marker itself.

    Skips when none is reachable, except under CI=true, where that is a failure."""
    import psycopg

    if request.node.get_closest_marker("system") is None:
        pytest.fail(
            f"{request.node.nodeid} uses PostgreSQL without the system marker: mark it, or "
            'its PostgreSQL case: pytest.param("postgres", marks=pytest.mark.system)'
        )

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


# ---- the fakes -------------------------------------------------------------------------


@pytest.fixture
async def fakes() -> AsyncIterator[tuple[FakeDiscord, FakeSlack]]:
    """The fake Discord and the fake Slack, both started."""
    from tests.fakes.discord import FakeDiscord
    from tests.fakes.slack import FakeSlack

    discord, slack = await FakeDiscord().start(), await FakeSlack().start()
    yield discord, slack
    await discord.stop()
    await slack.stop()


async def connect_discord(server: FakeDiscord) -> tuple[asyncio.Event, asyncio.Task[None]]:
    """quotebot's Discord client (the shipped book behind it) connected to ``server`` over
    the gateway, READY and GUILD_CREATE received: what stops it, and its task."""
    import random

    from bot.adapters import discord as adapter
    from bot.adapters.discord import DiscordSettings
    from bot.answers.answerer import Answerer
    from bot.book.loader import load_book
    from tests.fakes.discord import TOKEN

    answerer = Answerer(load_book([QUOTES]).book, random.Random(3))
    stop = asyncio.Event()
    ready: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    settings = DiscordSettings(TOKEN, api_base=server.api_base)
    task = asyncio.create_task(adapter.run(answerer, settings, stop, ready.set_result))
    waiting: set[asyncio.Future[Any]] = {task, ready}
    done, _ = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        task.result()  # it ended before it was ready: its error fails the test
    assert ready.done()
    return stop, task


@pytest.fixture
async def discord_gateway() -> AsyncIterator[FakeDiscord]:
    """The fake Discord with quotebot's client connected to it, until the test ends."""
    from tests.fakes.discord import FakeDiscord

    server = await FakeDiscord().start()
    stop, task = await connect_discord(server)
    yield server
    stop.set()
    await task
    await server.stop()


def daily_to_fakes(
    store: Store,
    clock: FakeClock,
    discord: FakeDiscord,
    slack: FakeSlack,
    config: DailyConfig,
    book: QuoteBook,
    owner: str = "",
) -> Daily:
    """The quote of the day on ``store``, posting through the real Discord and Slack
    posters to the fakes, its time ``clock``'s."""
    from bot.adapters.discord import DiscordPoster, DiscordSettings
    from bot.adapters.slack import SlackPoster, SlackSettings
    from bot.daily.delivery import Daily
    from tests.fakes.discord import TOKEN
    from tests.fakes.slack import BOT_TOKEN

    posters = {
        "discord": DiscordPoster(DiscordSettings(TOKEN, api_base=discord.api_base)),
        "slack": SlackPoster(SlackSettings(BOT_TOKEN, api_url=slack.api_url)),
    }
    return Daily(config, store, posters, lambda: book, clock, owner=owner)  # type: ignore[arg-type]


async def post_command(
    base: str, fake: FakeSlack, text: str, headers: dict[str, str] | None = None, body: str = ""
) -> tuple[int, Any]:
    """POST a signed ``/jonze TEXT`` (or ``body``) to the Slack endpoint at ``base``."""
    body = body or form_body(fake.command_payload("/jonze", text))
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{base}/slack/events", data=body.encode(), headers=headers or signed_headers(body)
        ) as response,
    ):
        raw = await response.text()
        return response.status, (json.loads(raw) if raw.startswith("{") else raw)


# Discord signs what it POSTs to an interactions endpoint with the application's key.
DISCORD_KEY = Ed25519PrivateKey.generate()
DISCORD_PUBLIC_KEY = DISCORD_KEY.public_key().public_bytes_raw().hex()


def discord_signed(
    body: bytes, stamp: int | None = None, key: Ed25519PrivateKey = DISCORD_KEY
) -> dict[str, str]:
    """The headers Discord sends ``body`` with: Ed25519 over the timestamp and the body."""
    when = str(int(time.time()) if stamp is None else stamp)
    return {
        "X-Signature-Ed25519": key.sign(when.encode() + body).hex(),
        "X-Signature-Timestamp": when,
        "Content-Type": "application/json",
    }


# ---- the command line, in this process ------------------------------------------------


def run_cli(*argv: str, env: dict[str, str] | None = None, stdin: str = "") -> tuple[int, str, str]:
    """``quotebot ARGV`` through bot.cli.main: the exit code, stdout and stderr."""
    from bot.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), environ=env or {}, stdin=io.StringIO(stdin), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


# ---- quotebot as a process (system tests) ----------------------------------------------


class Bot:
    """A `quotebot` process whose log lines the test reads as they come."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []

    async def wait_for_line(self, pattern: str) -> re.Match[str]:
        """Read the log until a line matches ``pattern`` (no sleeping: the line is the sync)."""
        assert self.process.stderr is not None
        while True:
            raw = await asyncio.wait_for(self.process.stderr.readline(), 20)
            if not raw:
                raise AssertionError(f"exited before {pattern!r}:\n" + "".join(self.lines))
            line = raw.decode()
            self.lines.append(line)
            found = re.search(pattern, line)
            if found:
                return found

    async def slack_http(self) -> str:
        """The base URL, once Slack is answering over HTTP (the server listens first)."""
        found = await self.wait_for_log(r"slack: listening on (http://[\d.:]+)/slack/events")
        await self.wait_for_log(r"Slack: answering over HTTP")
        return found.group(1)

    async def wait_for_log(self, pattern: str) -> re.Match[str]:
        """Like wait_for_line, but a line already read counts too (order does not matter)."""
        for line in self.lines:
            found = re.search(pattern, line)
            if found:
                return found
        return await self.wait_for_line(pattern)

    async def exit_with(self, code: int) -> str:
        """Wait for the process to exit on its own with ``code``; its stderr."""
        assert await asyncio.wait_for(self.process.wait(), 20) == code
        assert self.process.stderr is not None
        return (await self.process.stderr.read()).decode()

    async def stop(self, sig: int = signal.SIGTERM) -> int:
        self.process.send_signal(sig)
        assert self.process.stderr is not None
        rest = await asyncio.wait_for(self.process.stderr.read(), 20)
        self.lines.append(rest.decode())
        return await asyncio.wait_for(self.process.wait(), 20)

    @property
    def log(self) -> str:
        return "".join(self.lines)


async def start_bot(*args: str, env: dict[str, str]) -> Bot:
    """``quotebot ARGS`` as its own process, with ``env`` (and PATH) as its environment."""
    if "QUOTEBOT_DB" not in env:  # the scheduler always runs: keep its store out of the repo
        env = {**env, "QUOTEBOT_DB": str(Path(tempfile.mkdtemp(prefix="quotebot-")) / "state.db")}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        env={"PATH": os.environ.get("PATH", ""), **env},
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    return Bot(process)


async def run_daily(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    """``quotebot daily ARGS`` as its own process: the exit code, stdout and stderr."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "daily", *args, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


@contextmanager
def hang_guard(seconds: int = 20) -> Iterator[None]:
    """Fail, rather than hang, if the block never ends (a FIFO read waits for a writer; a
    super-linear scan for minutes). Not a timing: what it guards takes a fraction of a
    second, what it guards against minutes or forever."""

    def hung(_signal: int, _frame: object) -> None:
        raise AssertionError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
