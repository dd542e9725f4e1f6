"""Discord: the real discord.py against a fake Discord (REST and gateway) on 127.0.0.1."""

from __future__ import annotations

import asyncio
import io
import json
import random
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from bot import cli, limits
from bot.adapters import discord as adapter
from bot.adapters.discord import DiscordSettings
from bot.answers.answerer import Answer, Answerer
from bot.book import quote_id
from bot.book.loader import load_book
from bot.errors import Fatal, SettingsError
from tests.fakes.discord import (
    APP_ID,
    AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE,
    EPHEMERAL,
    GUILD_ID,
    TOKEN,
    FakeDiscord,
)
from tests.fixtures import GOOD_FILE, QUOTES, write

EDITING = "I didn’t know exactly what I was making. I was trying to find it along the way."
SOURCE = limits.SOURCE_COMMAND  # the message command, Find the source
HOSTILE = ["@everyone", "@here", "<@4000000000000000001>", "<@&2000000000000000001>", "**bold**"]


@pytest.fixture
def answerer() -> Answerer:
    return Answerer(load_book([QUOTES]).book, random.Random(3))


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    yield server
    await server.stop()


def settings_for(fake: FakeDiscord, guild: int | None = None) -> DiscordSettings:
    return DiscordSettings(TOKEN, api_base=fake.api_base, guild_id=guild)


Running = Callable[..., Awaitable[adapter.QuoteClient]]


@pytest.fixture
async def running(fake: FakeDiscord, answerer: Answerer) -> AsyncIterator[Running]:
    """Start quotebot's Discord client; returns it once connected (READY, GUILD_CREATE)."""
    stops: list[tuple[asyncio.Event, asyncio.Task[None]]] = []

    async def start(
        with_answerer: Answerer | None = None, guild: int | None = None
    ) -> adapter.QuoteClient:
        stop = asyncio.Event()
        ready: asyncio.Future[adapter.QuoteClient] = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(
            adapter.run(
                with_answerer or answerer, settings_for(fake, guild), stop, ready.set_result
            )
        )
        stops.append((stop, task))
        waiting: set[asyncio.Future[Any]] = {task, ready}
        done, _ = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        if task in done:
            task.result()
        return ready.result()

    yield start
    for stop, task in stops:
        stop.set()
        await task


@pytest.fixture
def identify_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """discord.py waits 5 s before every IDENTIFY but a process's first (Discord's limit on
    session starts); against the fake, a second session or shard identifies at once."""

    async def at_once(self: adapter.QuoteClient, shard_id: int | None, *, initial: bool = False):
        return None

    monkeypatch.setattr(adapter.QuoteClient, "before_identify_hook", at_once)


def message(callback: dict[str, Any]) -> dict[str, Any]:
    assert callback["type"] == CHANNEL_MESSAGE, callback
    data: dict[str, Any] = callback["data"]
    return data


def is_ephemeral(data: dict[str, Any]) -> bool:
    return bool(data.get("flags", 0) & EPHEMERAL)


# ---- rendering -------------------------------------------------------------------------


def test_a_quote_is_an_embed_with_the_director_as_author_and_context_and_source_below(answerer):
    answer = answerer.answer("jonze", "editing")
    kwargs = adapter.render(answer)
    assert kwargs["ephemeral"] is False
    embed = kwargs["embed"].to_dict()
    assert embed["description"] == f"“{EDITING}”"
    assert embed["author"]["name"] == "Spike Jonze"
    # The quote's ID (its permalink's) ends the footer.
    assert embed["footer"]["text"] == (
        "On the 14-month editing period for HER · "
        f"In Conversation, TIFF Bell Lightbox, Toronto, 2013 · #{quote_id(answer.quote)}"
    )


def test_a_miss_is_private_text_with_suggestions_and_usage(answerer):
    kwargs = adapter.render(answerer.answer("jonze", "editting room"))
    assert kwargs["ephemeral"] is True
    assert "**editing**" in kwargs["content"]
    assert "Usage: `/jonze [topic]`" in kwargs["content"]


@pytest.mark.parametrize("text", HOSTILE)
def test_echoed_text_cannot_mention_or_format(answerer, text):
    content = adapter.render(answerer.answer("jonze", text))["content"]
    for live in ("@everyone", "@here", "<@4", "<@&", "**bold**"):
        assert live not in content, content


def test_topics_fit_discords_embed_limits(tmp_path: Path):
    # 30 directors with 40 long topics each: far more than one message can hold.
    for n in range(30):
        topics = "\n".join(f"  topic-{t:02d}-{'x' * 60}: [alias-{t}-{'y' * 20}]" for t in range(40))
        quotes = "\n".join(
            f"  - topic: topic-{t:02d}-{'x' * 60}\n    text: Quote {n} {t}.\n"
            f"    context: On {t}\n    source: s"
            for t in range(40)
        )
        write(
            tmp_path,
            f"d{n}.yaml",
            f"director: Director {n}\ncommand: d{n}\nsources:\n  s:\n    title: T\n    url: https://example.org/t\n"
            f"topics:\n{topics}\nquotes:\n{quotes}\n",
        )
    loaded = load_book([tmp_path])
    assert not loaded.problems
    kwargs = adapter.render(Answerer(loaded.book).answer("quote", "topics"))
    embeds = [e.to_dict() for e in kwargs["embeds"]]
    assert len(embeds) <= limits.DISCORD_EMBEDS_PER_MESSAGE
    total = sum(len(e.get("title", "")) + len(e.get("description", "")) for e in embeds)
    assert total <= limits.DISCORD_EMBEDS_TOTAL_MAX
    assert all(len(e["description"]) <= limits.DISCORD_DESCRIPTION_MAX for e in embeds)
    assert "more: ask one director's topics" in embeds[-1]["description"]


def test_invite_url_asks_for_the_bot_and_commands_scopes_and_minimal_permissions():
    url = urlparse(adapter.invite_url(APP_ID))
    query = parse_qs(url.query)
    assert url.netloc == "discord.com" and url.path == "/oauth2/authorize"
    assert query["client_id"] == [APP_ID]
    assert query["scope"] == ["bot applications.commands"]
    # View Channel, Send Messages, Embed Links, Read Message History
    assert query["permissions"] == [str(1024 + 2048 + 16384 + 65536)]


# ---- connecting and syncing --------------------------------------------------------------


async def test_connects_through_gateway_bot_and_identifies_without_privileged_intents(
    fake, running
):
    client = await running()
    await fake.interact(fake.command("jonze"))  # frames arrive in order: GUILD_CREATE first
    assert fake.calls_to("GET", "/gateway/bot")
    (identify,) = fake.identified
    assert identify["token"] == TOKEN
    assert identify["shard"] == [0, 1]
    assert identify["intents"] == 1  # GUILDS only
    assert [g.id for g in client.guilds] == [int(GUILD_ID)]
    for call in fake.calls:
        # REST calls carry the token; an interaction callback is authorised by its URL.
        expected = None if call.path.startswith("/interactions/") else f"Bot {TOKEN}"
        assert call.headers.get("Authorization") == expected, call.path


async def test_syncs_commands_once_and_not_again_when_unchanged(fake, running, answerer):
    await running()
    puts = fake.calls_to("PUT", f"/applications/{APP_ID}/commands")
    assert len(puts) == 1
    by_name = {c["name"]: c for c in puts[0].data}
    assert set(by_name) == {"quote", "qotd", "jonze", SOURCE}
    (topic,) = by_name["jonze"]["options"]
    assert topic["name"] == "topic" and topic["autocomplete"] is True
    assert topic["required"] is False
    assert [o["name"] for o in by_name["quote"]["options"]] == ["director", "topic"]

    await running()  # a restart with the same book
    assert len(fake.calls_to("PUT", f"/applications/{APP_ID}/commands")) == 1
    assert len(fake.calls_to("GET", f"/applications/{APP_ID}/commands")) == 2


async def test_syncs_again_when_a_director_is_added(fake, running, good_dir):
    await running()
    await running(Answerer(load_book([good_dir]).book))
    puts = fake.calls_to("PUT", f"/applications/{APP_ID}/commands")
    assert len(puts) == 2
    assert {c["name"] for c in puts[1].data} == {"quote", "qotd", "jonze", "varda", SOURCE}


async def test_a_development_guild_gets_the_commands_instead_of_everyone(fake, running):
    await running(guild=int(GUILD_ID))
    assert fake.calls_to("PUT", f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands")
    assert not fake.calls_to("PUT", f"/applications/{APP_ID}/commands")


async def test_refresh_after_a_reload_registers_the_new_command(fake, running, good_dir):
    answerer = Answerer(load_book([QUOTES]).book)
    client = await running(answerer)
    answerer.book = load_book([good_dir]).book
    await client.refresh()
    puts = fake.calls_to("PUT", f"/applications/{APP_ID}/commands")
    assert {c["name"] for c in puts[-1].data} == {"quote", "qotd", "jonze", "varda", SOURCE}
    callback = await fake.interact(fake.command("varda", topic="cat"))
    assert "cats" in message(callback)["embeds"][0]["description"]


async def test_a_refused_token_is_a_settings_error_naming_the_variable(fake, answerer):
    settings = DiscordSettings("MTAw.wrong.token-value-that-must-not-leak", api_base=fake.api_base)
    with pytest.raises(SettingsError, match="DISCORD_TOKEN") as raised:
        await adapter.run(answerer, settings, asyncio.Event())
    assert "token-value-that-must-not-leak" not in str(raised.value)


@pytest.mark.parametrize(
    ("value", "problem"),
    [("", "is not set"), ("not-a-token", "does not look like"), ("Bot a.b.c d", "does not look")],
)
def test_a_missing_or_malformed_token_is_named_not_shown(value, problem):
    with pytest.raises(SettingsError, match=problem) as raised:
        DiscordSettings.from_environ({"DISCORD_TOKEN": value})
    assert "DISCORD_TOKEN" in str(raised.value)
    assert not value or value not in str(raised.value)


def test_settings_read_the_api_base_and_the_guild():
    settings = DiscordSettings.from_environ(
        {
            "DISCORD_TOKEN": TOKEN,
            "DISCORD_API_BASE": "http://127.0.0.1:9/api/v10/",
            "DISCORD_GUILD_ID": GUILD_ID,
        }
    )
    assert settings.api_base == "http://127.0.0.1:9/api/v10"
    assert settings.guild_id == int(GUILD_ID)
    assert TOKEN not in repr(settings)
    with pytest.raises(SettingsError, match="DISCORD_GUILD_ID"):
        DiscordSettings.from_environ({"DISCORD_TOKEN": TOKEN, "DISCORD_GUILD_ID": "general"})


async def test_stopping_closes_the_gateway_connection(fake, answerer):
    stop = asyncio.Event()
    ready = asyncio.Event()
    task = asyncio.create_task(
        adapter.run(answerer, settings_for(fake), stop, lambda _client: ready.set())
    )
    await ready.wait()
    assert fake._sockets
    stop.set()
    await asyncio.wait_for(task, 10)
    assert not fake._sockets


# ---- answering -------------------------------------------------------------------------


@pytest.mark.parametrize("topic", ["editing", "edting", "cutting", "EDITING "])
async def test_jonze_topic_answers_with_the_editing_quote_in_an_embed(fake, running, topic):
    await running()
    data = message(await fake.interact(fake.command("jonze", topic=topic)))
    (embed,) = data["embeds"]
    assert embed["description"] == f"“{EDITING}”"
    assert embed["author"]["name"] == "Spike Jonze"
    assert "In Conversation, TIFF Bell Lightbox" in embed["footer"]["text"]
    assert data["allowed_mentions"]["parse"] == []
    assert not is_ephemeral(data)


async def test_jonze_with_no_topic_answers_some_jonze_quote(fake, running, answerer):
    await running()
    data = message(await fake.interact(fake.command("jonze")))
    texts = {f"“{q.text}”" for q in answerer.book.director("jonze").quotes}
    assert data["embeds"][0]["description"] in texts


async def test_quote_takes_a_director_and_a_topic(fake, running):
    await running()
    data = message(await fake.interact(fake.command("quote", director="jonze", topic="edit")))
    assert data["embeds"][0]["description"] == f"“{EDITING}”"


@pytest.mark.parametrize("text", [*HOSTILE, "zzz", "x" * 500, "\u202eevil", ""])
async def test_odd_topics_answer_privately_and_ping_no_one(fake, running, text):
    await running()
    data = message(await fake.interact(fake.command("jonze", topic=text)))
    assert data["allowed_mentions"]["parse"] == []
    if text:
        assert is_ephemeral(data)
        content = data["content"]
        assert len(content) <= limits.DISCORD_CONTENT_MAX
        assert "@everyone" not in content and "@here" not in content
        assert not re.search(r"<@[!&]?\d+>", content), content  # a live user or role mention
        assert "Usage: `/jonze [topic]`" in content


async def test_topics_answer_privately_with_every_topic(fake, running):
    await running()
    data = message(await fake.interact(fake.command("jonze", topic="topics")))
    assert is_ephemeral(data)
    assert "**editing** (edit, cutting" in data["embeds"][0]["description"]


async def test_autocomplete_offers_editing_for_ed(fake, running):
    await running()
    callback = await fake.interact(fake.autocomplete("jonze", "topic", topic="ed"))
    assert callback["type"] == AUTOCOMPLETE_RESULT
    choices = callback["data"]["choices"]
    assert choices[0] == {"name": "editing", "value": "editing"}
    assert len(choices) <= 25


async def test_autocomplete_with_nothing_typed_lists_the_topics_in_order(fake, running, answerer):
    await running()
    callback = await fake.interact(fake.autocomplete("jonze", "topic", topic=""))
    values = [c["value"] for c in callback["data"]["choices"]]
    assert values == list(answerer.book.director("jonze").topic_names)


async def test_autocomplete_shows_the_alias_that_matched(fake, running):
    await running()
    callback = await fake.interact(fake.autocomplete("jonze", "topic", topic="cutt"))
    assert callback["data"]["choices"][0] == {"name": "cutting → editing", "value": "editing"}


async def test_quote_autocompletes_directors_and_then_their_topics(fake, running):
    await running()
    callback = await fake.interact(fake.autocomplete("quote", "director", director="spi"))
    assert callback["data"]["choices"][0] == {"name": "Spike Jonze (/jonze)", "value": "jonze"}
    callback = await fake.interact(
        fake.autocomplete("quote", "topic", director="jonze", topic="reh")
    )
    assert callback["data"]["choices"][0]["value"] == "rehearsal"


class Broken(Answerer):
    """A core that fails, to see the adapter's error handler answer."""

    def answer(self, command: str, text: str = "") -> Answer:
        raise RuntimeError("the quote book caught fire")


async def test_a_failing_command_apologises_privately(fake, running, answerer, caplog):
    await running(Broken(answerer.book))
    data = message(await fake.interact(fake.command("jonze", topic="editing")))
    assert data["content"] == adapter.APOLOGY
    assert is_ephemeral(data)
    assert "the quote book caught fire" in caplog.text


async def test_a_command_the_bot_no_longer_has_says_what_to_use_instead(fake, running, caplog):
    await running()
    data = message(await fake.interact(fake.command("nolan", topic="time")))
    assert is_ephemeral(data)
    assert data["content"].startswith("There is no /nolan command here.")
    assert "Try: /quote, /jonze" in data["content"]
    assert adapter.APOLOGY not in data["content"]
    choices = await fake.interact(fake.autocomplete("nolan", "topic", topic="ti"))
    assert choices == {"type": AUTOCOMPLETE_RESULT, "data": {"choices": []}}


async def test_a_hyphenated_director_command_answers(fake, running, tmp_path):
    write(tmp_path, "varda.yaml", GOOD_FILE.replace("command: varda", "command: agnes-varda"))
    await running(Answerer(load_book([tmp_path]).book, random.Random(1)))
    data = message(await fake.interact(fake.command("agnes-varda", topic="cat")))
    assert "about cats" in data["embeds"][0]["description"]
    choices = await fake.interact(fake.autocomplete("agnes-varda", "topic", topic="bea"))
    assert choices["data"]["choices"][0]["value"] == "beaches"


async def test_a_frame_discord_py_cannot_read_is_dropped_alone(fake, running, caplog):
    await running()
    # An interaction without its token, application or data: discord.py's parser fails.
    broken = {"id": "6000000000000000999", "type": 2, "version": 1}
    await fake.send_frame({"op": 0, "t": "INTERACTION_CREATE", "s": None, "d": broken})
    data = message(await fake.interact(fake.command("jonze", topic="editing")))
    assert data["embeds"][0]["description"] == f"“{EDITING}”"
    assert len(fake.identified) == 1  # the same connection answered: nothing restarted
    assert "Discord: dropped 1 INTERACTION_CREATE frame(s) discord.py could not read" in (
        caplog.text
    )


async def test_a_new_session_after_invalid_session_goes_to_the_same_gateway(
    fake, running, identify_at_once
):
    # discord.py reconnects to its built-in gateway.discord.gg after a non-resumable
    # INVALID_SESSION; quotebot pins the one GET /gateway/bot named.
    await running()
    await fake.invalidate_session()
    await fake.wait_ready()
    assert len(fake.identified) == 2
    data = message(await fake.interact(fake.command("jonze", topic="editing")))
    assert data["embeds"][0]["description"] == f"“{EDITING}”"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (4004, "Discord refused DISCORD_TOKEN on the gateway (close 4004"),
        (4013, "Discord refused the intents (close 4013"),
        (4014, "Discord refused the intents (close 4014)"),
    ],
)
async def test_a_gateway_closed_for_good_is_fatal_with_its_reason(fake, answerer, code, reason):
    stop = asyncio.Event()
    ready = asyncio.Event()
    task = asyncio.create_task(
        adapter.run(answerer, settings_for(fake), stop, lambda _client: ready.set())
    )
    await ready.wait()
    await fake.close_gateway(code)
    with pytest.raises(Fatal) as failed:
        await asyncio.wait_for(task, 10)
    assert str(failed.value).startswith(reason)
    assert TOKEN not in str(failed.value)


# ---- the CLI ---------------------------------------------------------------------------


def test_discord_invite_with_a_client_id():
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(["discord-invite", "--client-id", APP_ID], {}, stdout=out, stderr=err) == 0
    server, user = out.getvalue().splitlines()  # the server's first, as before, for scripts
    assert server == adapter.invite_url(APP_ID)
    assert server.startswith("https://discord.com/oauth2/authorize?client_id=" + APP_ID)
    assert user == (
        f"https://discord.com/oauth2/authorize?client_id={APP_ID}"
        "&integration_type=1&scope=applications.commands"
    )
    assert "Interactions Endpoint URL to https://YOUR-HOST/discord/interactions" in err.getvalue()


async def test_discord_invite_asks_discord_for_the_application_id(fake):
    out, err = io.StringIO(), io.StringIO()
    env = {"DISCORD_TOKEN": TOKEN, "DISCORD_API_BASE": fake.api_base}
    # cli.main runs its own event loop: in a thread, while this loop serves the fake.
    code = await asyncio.to_thread(cli.main, ["discord-invite"], env, stdout=out, stderr=err)
    assert code == 0, err.getvalue()
    assert out.getvalue().splitlines() == [
        adapter.invite_url(APP_ID),
        adapter.user_install_url(APP_ID),
    ]


def test_discord_invite_without_id_or_token_says_what_to_give():
    err = io.StringIO()
    assert cli.main(["discord-invite"], {}, stdout=io.StringIO(), stderr=err) == 2
    assert "--client-id" in err.getvalue() and "DISCORD_TOKEN" in err.getvalue()


def _answer(status: int, body: dict[str, Any], headers: dict[str, str] | None = None):
    def respond():
        from aiohttp import web

        return web.Response(
            status=status,
            body=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", **(headers or {})},
        )

    return respond


COMMANDS = f"/applications/{APP_ID}/commands"
START_FAILURES = [
    (("GET", "/users/@me"), _answer(503, {"message": "upstream connect error"}),
     "Discord answered 503"),
    (("GET", COMMANDS), _answer(429, {"message": "You are being rate limited.",
                                      "retry_after": 3600.0, "global": False},
                                {"Retry-After": "3600", "Via": "1.1 google"}),
     "Discord rate-limited quotebot at start for 3600 s"),
    (("PUT", COMMANDS), _answer(400, {"message": "Invalid Form Body", "code": 50035}),
     "Discord answered 400"),
]  # fmt: skip


@pytest.mark.parametrize(("route", "respond", "said"), START_FAILURES)
async def test_a_failure_at_start_is_one_line_naming_it(fake, answerer, route, respond, said):
    fake.broken[route] = respond
    with pytest.raises(SettingsError) as failed:
        await asyncio.wait_for(adapter.start(answerer, settings_for(fake)), 20)
    message = str(failed.value)
    assert message.startswith(said), message
    assert "\n" not in message and TOKEN not in message


async def test_a_process_holds_only_the_shards_it_is_given(answerer, identify_at_once):
    fake = await FakeDiscord(shards=4).start()
    settings = DiscordSettings.from_environ(
        {
            "DISCORD_TOKEN": TOKEN,
            "DISCORD_API_BASE": fake.api_base,
            "DISCORD_SHARD_COUNT": "4",
            "DISCORD_SHARD_IDS": "1,3",
        }
    )
    stop = asyncio.Event()
    ready = asyncio.Event()
    task = asyncio.create_task(adapter.run(answerer, settings, stop, lambda _c: ready.set()))
    await asyncio.wait_for(ready.wait(), 10)  # both of its shards have their session
    stop.set()
    await asyncio.wait_for(task, 10)
    await fake.stop()
    assert sorted(tuple(i["shard"]) for i in fake.identified) == [(1, 4), (3, 4)]


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"DISCORD_SHARD_IDS": "0"}, "DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT"),
        ({"DISCORD_SHARD_COUNT": "0"}, "DISCORD_SHARD_COUNT must be a whole number"),
        ({"DISCORD_SHARD_COUNT": "2", "DISCORD_SHARD_IDS": "0-2"}, "from 0 to 1"),
        ({"DISCORD_SHARD_COUNT": "2", "DISCORD_SHARD_IDS": "one"}, "must list shard numbers"),
        ({"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_IDS": "1,1"}, "different shards"),
    ],
)
def test_shard_settings_that_cannot_work_are_named(env, problem):
    with pytest.raises(SettingsError, match=problem):
        DiscordSettings.from_environ({"DISCORD_TOKEN": TOKEN, **env})
    assert DiscordSettings.from_environ(
        {"DISCORD_TOKEN": TOKEN, "DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_IDS": "0-1,3"}
    ).shard_ids == (0, 1, 3)
