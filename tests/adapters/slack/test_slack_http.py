"""Slack's HTTP endpoint: anything whose signature does not verify gets 401 before any
parsing, never a 500 or a traceback; a signed body bolt cannot read is a 400; only
verified signatures are remembered against replays; a command the book answers is answered
without bolt's dispatch once its member is known, as bolt would have answered it."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters import slack
from bot.adapters.http.replay import ReplayGuard
from bot.adapters.slack.http import SlackSignature, http_app
from bot.answers.answerer import Answerer
from bot.book.loader import load_book
from tests.fakes.slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack, form_body, signed_headers
from tests.fixtures import QUOTES

FORM = "application/x-www-form-urlencoded"
COMMAND = form_body(
    {"command": "/jonze", "text": "editing", "team_id": "T0FILMCLB", "user_id": "U0CINEPHILE",
     "channel_id": "C0FILMCLUB", "response_url": "http://127.0.0.1:9/r", "trigger_id": "1.2.3"}
)  # fmt: skip


class Endpoint:
    def __init__(self, base: str, guard: ReplayGuard) -> None:
        self.base = base
        self.guard = guard

    async def post(self, body: bytes, headers: list[tuple[str, str]]) -> tuple[int, str]:
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"{self.base}/slack/events", data=body, headers=headers) as response,
        ):
            return response.status, await response.text()


@pytest.fixture
async def endpoint() -> AsyncIterator[Endpoint]:
    fake = await FakeSlack().start()  # bolt asks auth.test who it is before answering
    settings_ = slack.SlackSettings(BOT_TOKEN, signing_secret=SIGNING_SECRET, api_url=fake.api_url)
    guard = ReplayGuard()
    built = slack.build_app(Answerer(load_book([QUOTES]).book), settings_)
    app = http_app(built.bolt, SIGNING_SECRET, guard, direct=built.direct)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    yield Endpoint(f"http://{host}:{port}", guard)
    await runner.cleanup()
    await fake.stop()


def signed(
    body: bytes, content_type: str = FORM, stamp: str | None = None
) -> list[tuple[str, str]]:
    ts = stamp or str(int(time.time()))
    digest = hmac.new(SIGNING_SECRET.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256)
    return [
        ("X-Slack-Request-Timestamp", ts),
        ("X-Slack-Signature", f"v0={digest.hexdigest()}"),
        ("Content-Type", content_type),
    ]


def unsigned(content_type: str = FORM) -> list[tuple[str, str]]:
    return [
        ("X-Slack-Request-Timestamp", str(int(time.time()))),
        ("X-Slack-Signature", "v0=" + "0" * 64),
        ("Content-Type", content_type),
    ]


HOSTILE = [
    (b"\xff\xfe\xfd not utf-8", FORM),
    (COMMAND.encode(), f"{FORM}; charset=bogus-charset"),
    (b"{", "application/json"),
    (b"[1, 2, 3]", "application/json"),
    (b"payload=notjson", FORM),
    (b'{"type": "url_verification"', FORM),
    (b"", FORM),
    (b"\x00" * 1000, "application/octet-stream"),
]


@pytest.mark.parametrize(("body", "content_type"), HOSTILE)
async def test_an_unverified_request_gets_401_and_nothing_else(
    endpoint, caplog, body, content_type
):
    status, text = await endpoint.post(body, unsigned(content_type))
    assert (status, text) == (401, "unverified request")
    assert "Traceback" not in caplog.text and "Error" not in caplog.text


@pytest.mark.parametrize(("body", "content_type"), HOSTILE)
async def test_a_signed_body_bolt_cannot_read_is_a_400_not_a_500(
    endpoint, caplog, body, content_type
):
    status, _ = await endpoint.post(body, signed(body, content_type))
    assert status in (200, 400, 404), status
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize("stamp", ["abc", "1e9", "-5", " ", "１２３", "99999999999999999999"])
async def test_a_timestamp_that_is_not_seconds_is_refused(endpoint, stamp):
    body = COMMAND.encode()
    headers = [(k, stamp if k == "X-Slack-Request-Timestamp" else v) for k, v in signed(body)]
    assert (await endpoint.post(body, headers))[0] == 401


async def test_a_replay_with_a_junk_signature_in_front_is_refused(endpoint):
    body = COMMAND.encode()
    headers = signed(body)
    assert (await endpoint.post(body, headers))[0] == 200
    replay = [("X-Slack-Signature", "v0=junk"), *headers]
    assert (await endpoint.post(body, replay))[0] == 401
    # Exactly one of each header, or nothing.
    doubled = [*signed(body), ("X-Slack-Request-Timestamp", str(int(time.time())))]
    assert (await endpoint.post(body, doubled))[0] == 401


async def test_unverified_traffic_is_never_remembered(endpoint, caplog):
    caplog.set_level(logging.WARNING, "quotebot.slack")
    for n in range(300):
        body = f"{COMMAND}&n={n}".encode()
        assert (await endpoint.post(body, unsigned()))[0] == 401
    assert len(endpoint.guard) == 0
    lines = [r for r in caplog.records if "refused a request" in r.getMessage()]
    assert len(lines) == 1  # one line a minute per reason, not three hundred


async def test_a_signed_command_is_answered(endpoint):
    status, text = await endpoint.post(COMMAND.encode(), signed(COMMAND.encode()))
    assert status == 200 and "in_channel" in text
    assert len(endpoint.guard) == 1


def test_the_fakes_signature_matches_quotebots():
    headers = signed_headers(COMMAND)
    check = SlackSignature(SIGNING_SECRET)
    assert (
        check.refusal(lambda name: [headers[name]] if name in headers else [], COMMAND.encode())
        is None
    )


def test_signed_headers_match_slacks_documented_example():
    # api.slack.com/authentication/verifying-requests-from-slack: this body, this
    # timestamp and this secret give this signature.
    body = (
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&"
        "channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&"
        "command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands"
        "%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629"
        "121.803a0bc887a14d10d2c447fce8b6703c"
    )
    headers = signed_headers(body, secret=SIGNING_SECRET, timestamp=1531420618)
    assert headers["X-Slack-Signature"] == (
        "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    )
    assert form_body({"a": "b c"}) == "a=b+c"


@settings(max_examples=300, deadline=None)
@given(
    body=st.binary(max_size=300),
    signatures=st.lists(st.text(max_size=80), max_size=3),
    stamps=st.lists(st.text(max_size=20), max_size=3),
)
def test_no_forged_header_set_verifies(body, signatures, stamps):
    now = time.time()
    check = SlackSignature(SIGNING_SECRET, clock=lambda: now)
    values = {"X-Slack-Signature": signatures, "X-Slack-Request-Timestamp": stamps}
    assert check.refusal(lambda name: values[name], body) is not None


@settings(max_examples=100, deadline=None)
@given(body=st.binary(max_size=300), skew=st.integers(min_value=-300, max_value=300))
def test_every_properly_signed_body_verifies(body, skew):
    now = float(int(time.time()))
    stamp = str(int(now) + skew)
    digest = hmac.new(SIGNING_SECRET.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256)
    values = {
        "X-Slack-Signature": [f"v0={digest.hexdigest()}"],
        "X-Slack-Request-Timestamp": [stamp],
    }
    check = SlackSignature(SIGNING_SECRET, clock=lambda: now)
    assert check.refusal(lambda name: values[name], body) is None


BOLT = "slack_bolt.AsyncApp"  # bolt's logger for an app it was not given a logger for


def command(user: str, text: str, trigger: str = "1.2.3") -> bytes:
    return form_body(
        {"command": "/jonze", "text": text, "team_id": "T0FILMCLB", "user_id": user,
         "channel_id": "C0FILMCLUB", "response_url": "http://127.0.0.1:9/r",
         "trigger_id": trigger}
    ).encode()  # fmt: skip


async def test_over_http_a_known_member_gets_bolts_answer_without_bolt(endpoint, caplog):
    caplog.set_level(logging.DEBUG, BOLT)  # bolt says each middleware and listener it runs
    for n, text in enumerate(["topics", "zzz", "edting", "", "editing"]):
        first = command(f"U0NEW{n}", text)  # a new member: bolt, and users.info
        status, by_bolt = await endpoint.post(first, signed(first))
        assert status == 200
        bolt_lines = len([r for r in caplog.records if r.name == BOLT])
        again = command(f"U0NEW{n}", text, trigger="2.2.2")  # not a replay of the first
        status, direct_ = await endpoint.post(again, signed(again))
        assert status == 200
        assert len([r for r in caplog.records if r.name == BOLT]) == bolt_lines, "bolt ran"
        ours, theirs = json.loads(direct_), json.loads(by_bolt)
        if text in ("", "editing"):  # a quote: the next in its rotation, in the same shape
            assert [b["type"] for b in ours["blocks"]] == [b["type"] for b in theirs["blocks"]]
            assert ours["response_type"] == theirs["response_type"]
        else:
            assert ours == theirs
    assert bolt_lines > 0  # bolt does log each dispatch at DEBUG: the check above can fail


@pytest.mark.parametrize("text", ["payload", "the payload of a film", "payload=1&x"])
async def test_a_command_with_the_word_payload_is_answered_by_bolt_too(endpoint, text):
    # bolt read any form with "payload" in it as interactivity, and this one as nothing.
    for n in range(2):  # the member new (bolt), then known (the direct path)
        body = command("U0PAYLOAD", text, trigger=f"{n}.1")
        status, answer = await endpoint.post(body, signed(body))
        assert status == 200, answer
        assert json.loads(answer)["response_type"] in ("in_channel", "ephemeral")
