"""A signature is taken in one form only, and the replay guard keys on what was verified:
a captured request sent again with its signature spaced, tabbed, broken over lines or in
another case is refused (as not that form, or as a replay), on one instance and on
another sharing its state store; a timestamp is digits alone (``int()`` takes "1_000",
"+5" and " 12 "); a doubled header is refused."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from bot.adapters.discord.payload import InteractionSignature
from bot.adapters.http.replay import ReplayGuard
from bot.adapters.slack.http import SlackSignature
from bot.store import SharedStore, open_store
from tests.adapters.http.loopback import (
    PING,
    exchange,
    front,
    post,
    signed_discord,
    signed_slack,
    slash_command,
)
from tests.fakes.slack import SIGNING_SECRET
from tests.fixtures import DISCORD_KEY, DISCORD_PUBLIC_KEY

DISCORD = "/discord/interactions"
SLACK = "/slack/events"


def spaced(hex_digits: str) -> str:
    return " ".join(hex_digits[i : i + 2] for i in range(0, len(hex_digits), 2))


# What someone holding a captured request could make of its signature's hex digits.
RESHAPED: dict[str, Callable[[str], str]] = {
    "spaces inside": spaced,
    "one space inside": lambda h: h[:64] + " " + h[64:],
    "tabs inside": lambda h: h[:10] + "\t" + h[10:70] + "\t\t" + h[70:],
    "a newline inside": lambda h: h[:64] + "\n" + h[64:],
    "a CRLF and a space inside": lambda h: h[:64] + "\r\n " + h[64:],
    "a leading space": lambda h: " " + h,
    "a trailing space": lambda h: h + " ",
    "a leading tab": lambda h: "\t" + h,
    "a 0x prefix": lambda h: "0x" + h,
    "upper case": str.upper,
    "mixed case": lambda h: h[:64].upper() + h[64:],
}
# A timestamp's digits, and what int() would make of them all the same.
STAMPS = ["+{t}", "-{t}", " {t}", "{t} ", "{t}\t", "{u}", "{t}.0", "１２３", "{t}\n", "{t}e0"]


def stamped(form: str, now: int) -> str:
    underscored = f"{str(now)[:4]}_{str(now)[4:]}"
    return form.format(t=now, u=underscored)


def discord_headers(signature: str, stamp: str) -> Callable[[str], list[str]]:
    return all_of({"X-Signature-Ed25519": [signature], "X-Signature-Timestamp": [stamp]})


def all_of(values: dict[str, list[str]]) -> Callable[[str], list[str]]:
    """Every value of a header, as the endpoints read them from aiohttp."""
    return lambda name: values.get(name, [])


# ---- the checks themselves ---------------------------------------------------------


def test_discord_takes_its_signature_in_either_case_and_keys_on_the_64_bytes():
    now = int(time.time())
    check = InteractionSignature(DISCORD_PUBLIC_KEY, clock=lambda: now)
    signature = DISCORD_KEY.sign(str(now).encode() + PING).hex()
    keys = set()
    for form in (signature, signature.upper(), RESHAPED["mixed case"](signature)):
        reason, key = check.check(discord_headers(form, str(now)), PING)
        assert reason is None
        keys.add(key)
    assert keys == {signature}  # one request, one key, whatever the case


@pytest.mark.parametrize("how", [h for h in RESHAPED if "case" not in h])
def test_discord_refuses_any_other_form_of_a_good_signature(how):
    now = int(time.time())
    check = InteractionSignature(DISCORD_PUBLIC_KEY, clock=lambda: now)
    signature = RESHAPED[how](DISCORD_KEY.sign(str(now).encode() + PING).hex())
    reason, key = check.check(discord_headers(signature, str(now)), PING)
    assert reason is not None and key == ""


@pytest.mark.parametrize("form", STAMPS)
def test_discord_takes_a_timestamp_of_digits_alone(form):
    now = int(time.time())
    stamp = stamped(form, now)
    check = InteractionSignature(DISCORD_PUBLIC_KEY, clock=lambda: now)
    # Signed over the digits (what int() reads) and over the text as sent: neither passes.
    for signed_over in (str(now), stamp):
        headers = discord_headers(DISCORD_KEY.sign(signed_over.encode() + PING).hex(), stamp)
        assert check.check(headers, PING)[0] is not None


def test_discord_refuses_a_doubled_header_even_with_the_same_value_twice():
    now = int(time.time())
    check = InteractionSignature(DISCORD_PUBLIC_KEY, clock=lambda: now)
    signature = DISCORD_KEY.sign(str(now).encode() + PING).hex()
    for values in (
        {"X-Signature-Ed25519": [signature, signature], "X-Signature-Timestamp": [str(now)]},
        {"X-Signature-Ed25519": [signature], "X-Signature-Timestamp": [str(now), str(now)]},
    ):
        assert check.check(all_of(values), PING)[0] is not None


@pytest.mark.parametrize("how", [*RESHAPED, "V0= prefix", "no prefix"])
def test_slack_takes_only_v0_and_64_lowercase_hex_digits(how):
    now = int(time.time())
    body = slash_command()
    good = dict(signed_slack(body, stamp=str(now)))["X-Slack-Signature"]
    digits = good.removeprefix("v0=")
    forms = {"V0= prefix": "V0=" + digits, "no prefix": digits}
    form = forms.get(how) or "v0=" + RESHAPED[how](digits)
    check = SlackSignature(SIGNING_SECRET, clock=lambda: now)
    values = {"X-Slack-Signature": [form], "X-Slack-Request-Timestamp": [str(now)]}
    assert check.check(all_of(values), body) == (
        "signature is not v0= and 64 lowercase hex digits", ""
    )  # fmt: skip
    good_values = {"X-Slack-Signature": [good], "X-Slack-Request-Timestamp": [str(now)]}
    assert check.check(all_of(good_values), body) == (None, good)


@pytest.mark.parametrize("form", STAMPS)
def test_slack_takes_a_timestamp_of_digits_alone(form):
    now = int(time.time())
    stamp = stamped(form, now)
    check = SlackSignature(SIGNING_SECRET, clock=lambda: now)
    body = slash_command()
    for signed_over in (str(now), stamp):
        signature = dict(signed_slack(body, stamp=signed_over))["X-Slack-Signature"]
        values = {"X-Slack-Signature": [signature], "X-Slack-Request-Timestamp": [stamp]}
        assert check.refusal(all_of(values), body) is not None


# ---- over HTTP, on real sockets ----------------------------------------------------


def with_signature(headers: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    return [(k, value if k == name else v) for k, v in headers]


async def test_a_captured_discord_request_in_any_other_form_is_refused():
    async with front() as http:
        headers = signed_discord(PING)
        signature = dict(headers)["X-Signature-Ed25519"]
        assert await exchange(http.port, post(DISCORD, PING, headers)) == (200, b'{"type": 1}')
        for how, reshape in RESHAPED.items():
            again = with_signature(headers, "X-Signature-Ed25519", reshape(signature))
            status, _ = await exchange(http.port, post(DISCORD, PING, again))
            assert status in (400, 401), how  # 400: aiohttp's own refusal of a broken head


async def test_the_same_discord_request_in_another_case_is_a_replay():
    async with front() as http:
        headers = signed_discord(PING)
        signature = dict(headers)["X-Signature-Ed25519"]
        upper = with_signature(headers, "X-Signature-Ed25519", signature.upper())
        assert (await exchange(http.port, post(DISCORD, PING, upper)))[0] == 200
        assert (await exchange(http.port, post(DISCORD, PING, headers)))[0] == 401
        assert (await exchange(http.port, post(DISCORD, PING, upper)))[0] == 401


async def test_a_discord_timestamp_int_would_read_is_refused_over_http():
    async with front() as http:
        now = int(time.time())
        for form in ("+{t}", "-{t}", "{u}", "{t}.0", "１２３"):
            stamp = stamped(form, now)
            headers = with_signature(signed_discord(PING, now), "X-Signature-Timestamp", stamp)
            assert (await exchange(http.port, post(DISCORD, PING, headers)))[0] == 401, form
        doubled = [*signed_discord(PING, now), ("X-Signature-Timestamp", str(now))]
        assert (await exchange(http.port, post(DISCORD, PING, doubled)))[0] == 401


async def test_a_captured_discord_request_is_refused_by_another_instance_too(tmp_path):
    # Two instances sharing one state store (as PostgreSQL is shared behind a balancer).
    shared = SharedStore(lambda: open_store(str(tmp_path / "state.db")), networked=True)
    async with front() as one, front() as other:
        for instance in (one, other):
            instance.discord.replays = ReplayGuard(shared=shared, kind="discord")
        headers = signed_discord(PING)
        signature = dict(headers)["X-Signature-Ed25519"]
        assert (await exchange(one.port, post(DISCORD, PING, headers)))[0] == 200
        for form in (signature.upper(), spaced(signature), signature[:64] + "\t" + signature[64:]):
            again = with_signature(headers, "X-Signature-Ed25519", form)
            assert (await exchange(other.port, post(DISCORD, PING, again)))[0] == 401, form
    shared.drop()


async def test_a_captured_slack_request_in_any_other_form_is_refused():
    async with front() as http:
        body = slash_command()
        headers = signed_slack(body)
        signature = dict(headers)["X-Slack-Signature"]
        status, answer = await exchange(http.port, post(SLACK, body, headers))
        assert status == 200 and b"in_channel" in answer
        digits = signature.removeprefix("v0=")
        forms = ["V0=" + digits, *("v0=" + reshape(digits) for reshape in RESHAPED.values())]
        for form in forms:
            again = with_signature(headers, "X-Slack-Signature", form)
            assert (await exchange(http.port, post(SLACK, body, again)))[0] in (400, 401), form
        doubled = [*headers, ("X-Slack-Signature", signature)]
        assert (await exchange(http.port, post(SLACK, body, doubled)))[0] == 401
        assert len(http.slack_replays) == 1  # only the one verified signature remembered


async def test_headers_bolt_takes_as_its_own_instructions_are_not_taken_from_outside():
    # bolt marks requests it re-dispatches to itself (lazy listeners) with these headers;
    # from outside, one would have a signed command skip its listener, unanswered.
    async with front() as http:
        body = slash_command()
        headers = [*signed_slack(body), ("X-Slack-Bolt-Lazy-Only", "1"),
                   ("x-slack-bolt-lazy-function-name", "anything")]  # fmt: skip
        status, answer = await exchange(http.port, post(SLACK, body, headers))
        assert status == 200 and b"in_channel" in answer
