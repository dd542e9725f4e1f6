"""Discord in the member's language: the real discord.py against the fake Discord (the
gateway), and the HTTP interactions endpoint over a real socket. The wording follows the
interaction's ``locale``; quotes and sources never change; the commands carry their
descriptions in every language with a catalogue."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot import limits
from bot.adapters.discord.sync import comparable
from tests.adapters.http.loopback import exchange, front, post, signed_discord
from tests.fakes.discord import (
    CHANNEL_MESSAGE,
    FakeDiscord,
    in_dm,
    in_locale,
    localized,
)
from tests.fixtures import EDITING

FRENCH_MISS = "Spike Jonze n’a pas de sujet « zzz »."
ENGLISH_MISS = "Spike Jonze has no topic “zzz”."
# Discord's locales that quotebot has a catalogue for (es-419 and es-ES share one).
LOCALIZED = {"fr", "es-ES", "es-419", "de", "pt-BR", "ja"}


@pytest.fixture
def fake(discord_gateway: FakeDiscord) -> FakeDiscord:
    """The fake Discord, quotebot's client connected to it (tests/fixtures.py)."""
    return discord_gateway


async def answered(fake: FakeDiscord, interaction: dict[str, Any]) -> dict[str, Any]:
    callback = await fake.interact(interaction)
    assert callback["type"] == CHANNEL_MESSAGE, callback
    data: dict[str, Any] = callback["data"]
    return data


async def test_a_french_member_is_told_of_a_miss_in_french(fake):
    data = await answered(fake, in_locale(fake.command("jonze", topic="zzz"), "fr"))
    lines = data["content"].splitlines()
    assert lines[0] == FRENCH_MISS
    assert lines[-1] == "Utilisation : `/jonze [topic]`"
    assert any(line.startswith("Essayez : ") for line in lines)


async def test_the_same_miss_stays_english_for_an_english_member(fake):
    french = await answered(fake, in_locale(fake.command("jonze", topic="zzz"), "fr"))
    english = await answered(fake, fake.command("jonze", topic="zzz"))
    assert english["content"].splitlines()[0] == ENGLISH_MISS
    assert french["content"] != english["content"]


@pytest.mark.parametrize("locale", ["ko", "en-GB", "zz-ZZ"])
async def test_a_locale_without_a_catalogue_is_answered_in_english(fake, locale):
    data = await answered(fake, in_locale(fake.command("jonze", topic="zzz"), locale))
    assert data["content"].splitlines()[0] == ENGLISH_MISS
    assert data["content"].splitlines()[-1] == "Usage: `/jonze [topic]`"


async def test_a_japanese_member_gets_the_quote_and_its_source_verbatim(fake):
    data = await answered(fake, in_locale(fake.command("jonze", topic="editing"), "ja"))
    (embed,) = data["embeds"]
    assert embed["description"] == f"“{EDITING}”"
    english = await answered(fake, fake.command("jonze", topic="editing"))
    assert embed["footer"] == english["embeds"][0]["footer"]
    assert embed["author"] == english["embeds"][0]["author"]


async def test_a_spanish_member_in_a_dm_gets_find_the_source_in_spanish(fake):
    made = in_dm(fake.message_command(EDITING, name=limits.SOURCE_COMMAND))
    data = await answered(fake, in_locale(made, "es-419"))
    (embed,) = data["embeds"]
    assert embed["title"] == "En el libro: Spike Jonze."
    assert embed["description"] == f"“{EDITING}”"
    assert "Fuente" in [field["name"] for field in embed["fields"]]


async def test_the_commands_carry_their_descriptions_in_every_language(fake):
    commands = {c["name"]: c for c in fake.commands[None]}
    for name in ("quote", "qotd", "jonze"):
        assert set(localized(commands[name])) == LOCALIZED, name
    quote = localized(commands["quote"])
    assert quote["fr"] == "Les propres mots d’un cinéaste, sur le sujet de votre choix"
    assert quote["es-ES"] == quote["es-419"]
    assert localized(commands["jonze"])["de"] == "Spike Jonze, in eigenen Worten"
    assert localized(commands["jonze"])["ja"] == "Spike Jonze本人の言葉"
    (topic,) = commands["jonze"]["options"]
    assert set(localized(topic)) == LOCALIZED
    assert topic["name"] == "topic" and localized(topic, "name") == {}
    for command in commands.values():
        for said in localized(command).values():
            assert 1 <= len(said) <= limits.COMMAND_DESCRIPTION_MAX


async def test_the_localizations_count_when_deciding_whether_to_sync(fake):
    (jonze,) = [c for c in fake.commands[None] if c["name"] == "jonze"]
    changed = {**jonze, "description_localizations": {**localized(jonze), "fr": "autre"}}
    assert comparable([changed]) != comparable([jonze])
    unset = {**jonze, "description_localizations": None}
    assert comparable([unset]) == comparable([{**jonze, "description_localizations": {}}])


async def over_http(interaction: dict[str, Any]) -> dict[str, Any]:
    body = json.dumps(interaction).encode()
    async with front() as instance:
        status, answer = await exchange(
            instance.port, post("/discord/interactions", body, signed_discord(body))
        )
    assert status == 200, answer
    parsed: dict[str, Any] = json.loads(answer)
    assert parsed["type"] == CHANNEL_MESSAGE
    data: dict[str, Any] = parsed["data"]
    return data


async def test_over_http_a_french_member_is_told_of_a_miss_in_french():
    made = in_locale(FakeDiscord().command("jonze", topic="zzz"), "fr")
    data = await over_http(made)
    assert data["content"].splitlines()[0] == FRENCH_MISS


async def test_over_http_a_portuguese_member_gets_the_quote_verbatim():
    data = await over_http(in_locale(FakeDiscord().command("jonze", topic="editing"), "pt-BR"))
    assert data["embeds"][0]["description"] == f"“{EDITING}”"


async def test_over_http_no_locale_at_all_is_english():
    made = FakeDiscord().command("jonze", topic="zzz")
    del made["locale"]
    data = await over_http(made)
    assert data["content"].splitlines()[0] == ENGLISH_MISS


async def test_qotd_and_its_options_and_choices_are_described_in_every_language(fake):
    (qotd,) = [c for c in fake.commands[None] if c["name"] == "qotd"]
    subs = {sub["name"]: sub for sub in qotd["options"]}
    assert set(subs) == {"show", "set", "off", "list"}
    for sub in subs.values():
        assert set(localized(sub)) == LOCALIZED, sub["name"]
        assert localized(sub, "name") == {}
    options = {o["name"]: o for o in subs["set"]["options"]}
    assert all(set(localized(o)) == LOCALIZED for o in options.values())
    days = {c["value"]: c for c in options["days"]["choices"]}
    assert localized(days["weekdays"], "name")["fr"] == "en semaine"
    assert localized(days["daily"], "name")["ja"] == "毎日"
    assert localized(subs["off"])["de"] == "Das Zitat des Tages hier nicht mehr posten"
