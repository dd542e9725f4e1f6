"""Discord without a gateway: interactions POSTed to /discord/interactions of `quotebot run
--http`, signed with Ed25519 as Discord signs them, answered in the HTTP response; the
commands registered and the follow-ups sent over REST to the fake Discord."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import strategies as st

from bot.book import load_book, quote_id
from bot.store import open_store
from tests.fakes.discord import (
    APP_ID,
    CHANNEL_ID,
    EPHEMERAL,
    GUILD_ID,
    MANAGER_PERMISSIONS,
    PRIVATE_CHANNEL_CONTEXT,
    TOKEN,
    FakeDiscord,
    in_dm,
    in_locale,
)
from tests.fixtures import DISCORD_PUBLIC_KEY as PUBLIC_KEY
from tests.fixtures import QUOTES, Bot, start_bot
from tests.fixtures import discord_signed as signed

OTHER_KEY = Ed25519PrivateKey.generate()


class Endpoint:
    def __init__(self, bot: Bot, url: str, fake: FakeDiscord) -> None:
        self.bot, self.url, self.fake = bot, url, fake

    async def post(self, body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.url, data=body, headers=headers) as response,
        ):
            text = await response.text()
            try:
                return response.status, json.loads(text)
            except ValueError:
                return response.status, text

    async def send(self, interaction: dict[str, Any]) -> tuple[int, Any]:
        body = json.dumps(interaction).encode()
        return await self.post(body, signed(body))


@pytest.fixture
async def endpoint(tmp_path: Path) -> AsyncIterator[Endpoint]:
    fake = await FakeDiscord().start()
    env = {"DISCORD_TOKEN": TOKEN, "DISCORD_API_BASE": fake.api_base,
           "DISCORD_PUBLIC_KEY": PUBLIC_KEY, "QUOTEBOT_DB": str(tmp_path / "state.db")}  # fmt: skip
    bot = await start_bot("run", "discord", "--http", "0", env=env)
    found = await bot.wait_for_log(r"discord: listening on (http://[\d.:]+/discord/interactions)")
    await bot.wait_for_log(r"Discord: answering interactions over HTTP")
    try:
        yield Endpoint(bot, found.group(1), fake)
    finally:
        assert await bot.stop() == 0
        await fake.stop()


async def test_ping_is_answered_with_pong_and_no_gateway_is_opened(endpoint):
    ping = {"id": "1", "application_id": APP_ID, "type": 1, "token": "token-1", "version": 1}
    assert await endpoint.send(ping) == (200, {"type": 1})
    assert endpoint.fake.identified == []
    assert not endpoint.fake.calls_to("GET", "/gateway/bot")
    names = {c["name"] for c in endpoint.fake.commands[None]}
    assert {"quote", "qotd", "jonze"} <= names


@pytest.mark.parametrize(
    "headers",
    [
        {},  # no signature at all
        {"X-Signature-Timestamp": "{now}"},
        {"X-Signature-Ed25519": "00" * 64, "X-Signature-Timestamp": "{now}"},
        {"X-Signature-Ed25519": "zz", "X-Signature-Timestamp": "{now}"},
        {"X-Signature-Ed25519": "{other}", "X-Signature-Timestamp": "{now}"},
        {"X-Signature-Ed25519": "{stale}", "X-Signature-Timestamp": "{old}"},
        {"X-Signature-Ed25519": "{mine}", "X-Signature-Timestamp": "12.5"},
    ],
)
async def test_anything_unverified_is_401_before_it_is_read(endpoint, headers):
    body = b'{"type": 1}'
    now, old = int(time.time()), int(time.time()) - 600
    values = {
        "now": str(now), "old": str(old),
        "other": signed(body, now, OTHER_KEY)["X-Signature-Ed25519"],
        "stale": signed(body, old)["X-Signature-Ed25519"],
        "mine": signed(body, now)["X-Signature-Ed25519"],
    }  # fmt: skip
    filled = {k: v.format(**values) for k, v in headers.items()}
    status, _ = await endpoint.post(body, filled)
    assert status == 401


async def test_a_replayed_request_is_refused(endpoint):
    body = b'{"type": 1}'
    headers = signed(body)
    assert (await endpoint.post(body, headers))[0] == 200
    assert (await endpoint.post(body, headers))[0] == 401


async def test_a_signed_body_that_is_not_an_interaction_is_400(endpoint):
    for body in (b"not json", b"[1, 2]", b'{"type": 99}'):
        assert (await endpoint.post(body, signed(body)))[0] == 400


async def test_a_director_command_is_answered_in_the_response(endpoint):
    status, answer = await endpoint.send(endpoint.fake.command("jonze", topic="edting"))
    assert status == 200 and answer["type"] == 4
    (embed,) = answer["data"]["embeds"]
    assert embed["author"]["name"] == "Spike Jonze"
    assert "find it along the way" in embed["description"]
    assert answer["data"]["allowed_mentions"] == {"parse": []}


async def test_a_miss_and_an_unknown_command_answer_privately(endpoint):
    _, miss = await endpoint.send(endpoint.fake.command("jonze", topic="@everyone zzzz"))
    assert miss["data"]["flags"] == EPHEMERAL and "@\u200beveryone" in miss["data"]["content"]
    _, gone = await endpoint.send(endpoint.fake.command("nolan"))
    assert gone["data"]["content"].startswith("There is no /nolan command here.")


async def test_quote_takes_a_director_and_a_topic(endpoint):
    _, answer = await endpoint.send(endpoint.fake.command("quote", director="spike", topic="cut"))
    assert answer["data"]["embeds"][0]["author"]["name"] == "Spike Jonze"


async def test_autocomplete_is_answered_with_choices(endpoint):
    _, topics = await endpoint.send(endpoint.fake.autocomplete("jonze", "topic", topic="edi"))
    assert topics["type"] == 8
    assert topics["data"]["choices"][0] == {"name": "editing", "value": "editing"}
    _, zones = await endpoint.send(
        endpoint.fake.subcommand(
            "qotd",
            "set",
            MANAGER_PERMISSIONS,
            focused="timezone",
            time="09:00",
            timezone="Europe/Pariss",
        )
    )
    assert zones["data"]["choices"][0]["value"] == "Europe/Paris"


async def test_qotd_set_over_http_answers_privately_and_follows_up_publicly(endpoint):
    interaction = endpoint.fake.subcommand(
        "qotd", "set", MANAGER_PERMISSIONS, time="09:00", timezone="Europe/Paris"
    )
    status, answer = await endpoint.send(interaction)
    assert status == 200 and answer["data"]["flags"] == EPHEMERAL
    assert answer["data"]["content"].startswith(
        "Quote of the day set: every day at 09:00 Europe/Paris."
    )
    (line,) = await endpoint.fake.followed_up(1)
    assert line["content"] == "Quote of the day: every day at 09:00 Europe/Paris, set by cinephile."
    assert line["allowed_mentions"] == {"parse": []}
    _, shown = await endpoint.send(endpoint.fake.subcommand("qotd", "show", MANAGER_PERMISSIONS))
    assert f"Set by <@{interaction['member']['user']['id']}>" in shown["data"]["content"]
    _, refused = await endpoint.send(endpoint.fake.subcommand("qotd", "off"))  # a member
    assert refused["data"]["content"].startswith("Only members who may manage this channel")


async def test_qotd_over_http_answers_in_the_members_language(endpoint):
    # The same desk as on the gateway, worded in the interaction's locale; the public line
    # stays English (the whole channel reads it), zones and times stay data.
    interaction = in_locale(endpoint.fake.subcommand(
        "qotd", "set", MANAGER_PERMISSIONS, time="09:00", timezone="Europe/Paris"
    ), "fr")  # fmt: skip
    status, answer = await endpoint.send(interaction)
    assert status == 200 and answer["data"]["flags"] == EPHEMERAL
    assert answer["data"]["content"].startswith("Citation du jour configurée")
    assert "09:00 Europe/Paris" in answer["data"]["content"]
    (line,) = await endpoint.fake.followed_up(1)
    assert line["content"].startswith("Quote of the day: every day at 09:00 Europe/Paris")
    bad = in_locale(endpoint.fake.subcommand(
        "qotd", "set", MANAGER_PERMISSIONS, time="09:00", timezone="Europe/Pariss"
    ), "de")  # fmt: skip
    _, refused = await endpoint.send(bad)
    content = refused["data"]["content"]
    assert "Europe/Paris" in content and "/qotd set" in content
    assert not content.startswith("There is no time zone")  # German, not English


async def test_qotd_is_stored_for_this_server_and_channel(endpoint, tmp_path):
    await endpoint.send(
        endpoint.fake.subcommand(
            "qotd", "set", MANAGER_PERMISSIONS, time="21:30", timezone="Asia/Tokyo", days="weekdays"
        )
    )
    store = open_store(str(tmp_path / "state.db"))
    try:
        (record,) = store.subscriptions()
    finally:
        store.close()
    assert (record.platform, record.workspace, record.channel) == ("discord", GUILD_ID, CHANNEL_ID)
    assert (record.cron, record.zone) == ("30 21 * * 1-5", "Asia/Tokyo")


EDITING = "I didn’t know exactly what I was making. I was trying to find it along the way."
RETYPED = "I didn't know  exactly what I was making.   I was trying to find it along the way."


async def test_commands_are_registered_for_user_installs_and_every_context(endpoint):
    await endpoint.send({"id": "1", "application_id": APP_ID, "type": 1, "token": "token-1"})
    commands = {c["name"]: c for c in endpoint.fake.commands[None]}
    for name in ("quote", "jonze", "Find the source"):
        assert commands[name]["integration_types"] == [0, 1], name
        assert commands[name]["contexts"] == [0, 1, 2], name
    assert (commands["qotd"]["integration_types"], commands["qotd"]["contexts"]) == ([0], [0])
    assert commands["Find the source"]["type"] == 3


def shipped_id(text: str) -> str:
    """The stable ID of the shipped quote ``text``."""
    [quote] = [q for d in load_book([QUOTES]).book for q in d.quotes if q.text == text]
    return quote_id(quote)


async def test_find_the_source_answers_privately_with_the_quote_and_its_full_source(endpoint):
    status, answer = await endpoint.send(endpoint.fake.message_command(RETYPED))
    assert status == 200 and answer["type"] == 4
    data = answer["data"]
    assert data["flags"] == EPHEMERAL and data["allowed_mentions"] == {"parse": []}
    (embed,) = data["embeds"]
    assert embed["title"] == "In the book: Spike Jonze."
    assert embed["description"] == f"“{EDITING}”"
    assert embed["author"]["name"] == "Spike Jonze"
    assert [(f["name"], f["value"]) for f in embed["fields"]] == [
        ("Source", "In Conversation"),
        ("Venue", "TIFF Bell Lightbox, Toronto"),
        ("Date", "2013-09"),
        ("Document", "seeds/2013-09-tiff-in-conversation-spike-jonze.txt"),
        ("Status", "attributed"),
        ("ID", f"#{shipped_id(EDITING)}"),
    ]


@pytest.mark.parametrize(
    "posted", ["Cinema is truth 24 times a second.", "x" * 10_000, "@everyone <@123> " * 600]
)
async def test_find_the_source_not_in_the_book_says_so_and_pings_no_one(endpoint, posted):
    status, answer = await endpoint.send(endpoint.fake.message_command(posted))
    assert status == 200
    assert answer["data"] == {
        "content": "Not in the book.",
        "flags": EPHEMERAL,
        "allowed_mentions": {"parse": []},
    }


async def test_find_the_source_in_a_private_channel_and_jonze_in_a_dm(endpoint):
    fake = endpoint.fake
    menu = in_dm(fake.message_command(RETYPED), context=PRIVATE_CHANNEL_CONTEXT)
    _, found = await endpoint.send(menu)
    assert found["data"]["embeds"][0]["title"] == "In the book: Spike Jonze."
    asked = in_dm(fake.command("jonze", topic="editing"))
    assert "guild_id" not in asked and asked["context"] == 1
    assert asked["authorizing_integration_owners"] == {"1": asked["user"]["id"]}
    status, answer = await endpoint.send(asked)
    assert status == 200
    assert answer["data"]["embeds"][0]["description"] == f"“{EDITING}”"


async def test_a_public_key_without_http_is_a_usage_error(tmp_path):
    env = {"DISCORD_TOKEN": TOKEN, "DISCORD_PUBLIC_KEY": PUBLIC_KEY,
           "QUOTEBOT_DB": str(tmp_path / "state.db")}  # fmt: skip
    bot = await start_bot("run", "discord", env=env)
    err = await bot.exit_with(2)
    assert "DISCORD_PUBLIC_KEY is set: interactions come over HTTP" in err


async def test_a_malformed_public_key_is_named_not_shown(tmp_path):
    env = {"DISCORD_TOKEN": TOKEN, "DISCORD_PUBLIC_KEY": "not-a-key-secretish",
           "QUOTEBOT_DB": str(tmp_path / "state.db")}  # fmt: skip
    bot = await start_bot("run", "discord", "--http", "0", env=env)
    err = await bot.exit_with(2)
    assert "DISCORD_PUBLIC_KEY must be the application's public key" in err
    assert "not-a-key-secretish" not in err


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                 max_size=4),
    max_leaves=12,
)  # fmt: skip
FIELDS = st.fixed_dictionaries(
    {"type": st.sampled_from([1, 2, 4, 3, 5, "2", None]),
     "data": JSON | st.fixed_dictionaries(
         {"name": st.sampled_from(["quote", "qotd", "jonze", "nolan", ""]),
          "options": st.lists(st.dictionaries(
              st.sampled_from(["name", "type", "value", "focused", "options"]), JSON,
              max_size=5), max_size=3)})},
    optional={"member": JSON, "user": JSON, "guild_id": JSON, "channel_id": JSON,
              "app_permissions": JSON, "token": JSON},
)  # fmt: skip


async def test_any_signed_payload_gets_an_answer_or_a_400_never_a_500(endpoint):
    from hypothesis import HealthCheck, given, settings

    statuses: list[int] = []

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(FIELDS)
    def collect(payload: dict[str, Any]) -> None:
        collected.append(payload)

    collected: list[dict[str, Any]] = []
    collect()
    for n, payload in enumerate(collected):
        body = json.dumps({**payload, "id": str(n)}).encode()  # each signature its own
        status, _ = await endpoint.post(body, signed(body))
        statuses.append(status)
    assert set(statuses) <= {200, 400}, sorted(set(statuses))
