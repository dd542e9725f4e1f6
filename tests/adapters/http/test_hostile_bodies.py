"""A signed body quotebot cannot read is a 400 on every endpoint, never a 500 or a
traceback: nested deep enough to raise RecursionError (or nested deeper than any platform
nests, where it would not), not UTF-8, JSON that is no object, a ``payload`` field that is
no JSON, text that is not Unicode; and the endpoint goes on answering (nothing is lost).
Each hostile body is signed properly, so that it gets past verification."""

from __future__ import annotations

import json
import logging
import urllib.parse

import pytest

from bot.adapters.http.body import MAX_DEPTH
from tests.adapters.http.loopback import (
    FORM,
    PING,
    exchange,
    front,
    post,
    signed_discord,
    signed_slack,
    slash_command,
)

JSON = "application/json"


def nested(depth: int, inner: str = "1") -> str:
    """``depth`` arrays, one in another."""
    return "[" * depth + inner + "]" * depth


def deep_object(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


# Bodies that are never a readable JSON object, whoever signed them.
NOT_AN_OBJECT = {
    "100,000 [": ("[" * 100_000).encode(),
    "100,000 {": ('{"a":' * 100_000).encode(),
    "100,000 nested, closed": nested(100_000).encode(),
    "not UTF-8": b'{"type": 1, "x": "\xff\xfe"}',
    "UTF-16 with a BOM": b"\xff\xfe" + '{"type": 1}'.encode("utf-16-le"),
    "a lone surrogate": b'{"type": 2, "data": {"name": "\\ud800"}}',
    "an array": b"[1, 2]",
    "a string": b'"type"',
    "a number": b"1",
    "null": b"null",
    "not JSON": b"{type: 1}",
    "empty": b"",
}


def deeper_than_any_platform(wrap: str) -> dict[str, bytes]:
    """Objects that parse, but nest further than MAX_DEPTH (one just past it, one far)."""
    return {
        f"{depth} deep": wrap.replace("INNER", nested(depth)).encode() for depth in (MAX_DEPTH, 900)
    }


DISCORD_BODIES = {
    **NOT_AN_OBJECT,
    "type true": b'{"type": true}',
    **deeper_than_any_platform('{"type": 2, "data": {"name": "jonze", "options": INNER}}'),
}
SLACK_JSON = {  # (an empty body bolt takes as {}, and answers 404: nothing it handles)
    **{name: body for name, body in NOT_AN_OBJECT.items() if body},
    **deeper_than_any_platform('{"type": "event_callback", "event": INNER}'),
}


def form(**fields: str) -> bytes:
    return urllib.parse.urlencode(fields).encode()


SLACK_FORMS = {
    "payload of 100,000 [": form(payload="[" * 100_000),
    "payload of 50,000 {": form(payload='{"a":' * 50_000),  # 650 KB, once %-encoded
    "payload not JSON": form(payload="not json"),
    "payload JSON but an array": form(payload="[1, 2]"),
    "payload JSON but a string": form(payload='"block_actions"'),
    "payload with a lone surrogate": form(payload='{"type": "block_actions", "x": "\\ud800"}'),
    **{
        f"payload {name}": form(payload=body.decode())
        for name, body in deeper_than_any_platform(
            '{"type": "block_actions", "actions": INNER}'
        ).items()
    },
    "a command that is not UTF-8": slash_command() + b"&text=\xff\xfe",
    "a command whose body opens like JSON": b"{" * 100_000,
}


def no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    assert "Traceback" not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_every_signed_body_discord_cannot_read_is_a_400(caplog):
    async with front() as http:
        for name, body in DISCORD_BODIES.items():
            status, _ = await exchange(http.port, post("/discord/interactions", body,
                                                      signed_discord(body)))  # fmt: skip
            assert status == 400, name
        no_traceback(caplog)
        # Nothing was lost: the endpoint still answers.
        ping = post("/discord/interactions", PING, signed_discord(PING))
        assert await exchange(http.port, ping) == (200, b'{"type": 1}')


@pytest.mark.parametrize(
    ("bodies", "content_type"), [(SLACK_JSON, JSON), (SLACK_FORMS, FORM)], ids=["events", "forms"]
)
async def test_every_signed_body_slack_cannot_read_is_a_400(caplog, bodies, content_type):
    async with front() as http:
        for name, body in bodies.items():
            headers = signed_slack(body, content_type)
            assert (await exchange(http.port, post("/slack/events", body, headers)))[0] == 400, name
        no_traceback(caplog)
        command = slash_command()
        status, answer = await exchange(http.port, post("/slack/events", command,
                                                        signed_slack(command)))  # fmt: skip
        assert status == 200 and json.loads(answer)["response_type"] == "in_channel"


async def test_a_body_as_deep_as_platforms_nest_is_still_read():
    depth = MAX_DEPTH - 3  # the interaction object, data and options are three levels
    body = json.dumps({"type": 1, "data": {"options": json.loads(nested(depth))}}).encode()
    async with front() as http:
        status, _ = await exchange(http.port, post("/discord/interactions", body,
                                                  signed_discord(body)))  # fmt: skip
        assert status == 200
