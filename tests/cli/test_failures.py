"""Every verb says a failure of the outside world (a network, a file, a store) in one line,
never a traceback; a bug in quotebot keeps its traceback."""

from __future__ import annotations

import io
import socket
import sqlite3

import aiohttp
import pytest

from bot.cli import main
from bot.cli.context import outside_failure
from bot.store.errors import StoreError


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # nothing listens on it once the probe is closed


def run(*argv: str, env: dict[str, str] | None = None, out: io.StringIO | None = None):
    stdout, stderr = out or io.StringIO(), io.StringIO()
    code = main(list(argv), environ=env or {}, stdout=stdout, stderr=stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def test_discord_invite_with_discord_unreachable_is_one_line():
    base = f"http://127.0.0.1:{closed_port()}/api/v10"
    code, out, err = run(
        "discord-invite", env={"DISCORD_TOKEN": "MTA.x.y", "DISCORD_API_BASE": base}
    )
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"error: could not ask Discord at {base} for the application ID")
    assert "DISCORD_API_BASE" in err and "--client-id" in err
    assert "MTA.x.y" not in err


class BrokenStdout(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_verb_whose_output_pipe_is_gone_says_so_in_one_line():
    code, _, err = run("topics", out=BrokenStdout())
    assert code == 1
    assert err == "error: quotebot topics: BrokenPipeError: [Errno 32] Broken pipe\n"


@pytest.mark.parametrize(
    "failure",
    [
        OSError("disk full"),
        TimeoutError(),
        ConnectionRefusedError(111, "refused"),
        UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"),
        sqlite3.OperationalError("database is locked"),
        StoreError("QUOTEBOT_DB=/x: read-only"),
        aiohttp.ClientPayloadError("cut short"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_failures_of_the_world_are_told_apart(failure: BaseException):
    assert outside_failure(failure)


@pytest.mark.parametrize("bug", [KeyError("x"), TypeError("y"), AssertionError(), ValueError()])
def test_bugs_are_not_failures_of_the_world(bug: BaseException):
    assert not outside_failure(bug)
