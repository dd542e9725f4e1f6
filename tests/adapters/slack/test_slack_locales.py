"""Slack answers in the member's language: users.info's ``locale`` (asked with
``include_locale``), remembered briefly, followed by every answer on both transports —
commands, buttons, DMs, the Home tab, Find the source and /qotd — and English whenever
it cannot be known. Quotes are never translated."""

from __future__ import annotations

import asyncio

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters import slack
from bot.adapters.slack import members
from bot.adapters.slack.home import HEADING
from bot.adapters.slack.members import TTL, Locales
from bot.adapters.slack.qotd import WHO_MAY
from bot.answers import ENGLISH, LABEL_ANOTHER, NOT_MINE, say, translate
from bot.answers.answerer import Answerer
from bot.answers.source_check import NOT_FOUND
from bot.book.loader import load_book
from tests.adapters.slack.bots import Bot
from tests.fakes.slack import ADMIN, BOT_TOKEN, MEMBER, FakeSlack, person
from tests.fixtures import QUOTES

# Every quote of the shipped book, as said.
QUOTED = {q.text for d in load_book([QUOTES]).book for q in d.quotes}


def speaks(fake: FakeSlack, locale: str, user: str = MEMBER) -> None:
    """The member's Slack language set to ``locale`` (as users.info reports it)."""
    fake.users[user] = person(user, "Ana", "America/Toronto", locale=locale)


def labels(payload: dict[str, object]) -> list[str]:
    blocks = payload["blocks"]
    assert isinstance(blocks, list)
    [actions] = [b for b in blocks if b["type"] == "actions"]
    return [e["text"]["text"] for e in actions["elements"] if e["type"] == "button"]


async def test_a_miss_is_said_in_the_members_language(bot: Bot, answerer: Answerer):
    speaks(bot.fake, "fr-FR")
    payload = await bot.command("/jonze", "zzzz")
    expected = slack.render(answerer.answer("/jonze", "zzzz"), "fr")
    assert (
        payload["text"]
        == expected["text"]
        != slack.render(answerer.answer("/jonze", "zzzz"))["text"]
    )
    [asked] = bot.fake.calls_to("users.info")
    assert asked.data["user"] == MEMBER and asked.data["include_locale"] in ("1", "true")


async def test_a_quote_stays_as_said_and_its_buttons_are_translated(bot: Bot):
    speaks(bot.fake, "de-DE")
    payload = await bot.command("/jonze", "")  # any of his: a pool with an Another
    assert payload["blocks"][0]["text"]["text"].strip("“”") in QUOTED
    assert translate(LABEL_ANOTHER, "de") in labels(payload)
    assert translate(LABEL_ANOTHER, "de") != LABEL_ANOTHER


async def test_the_language_is_asked_once_and_remembered(bot: Bot):
    speaks(bot.fake, "ja-JP")
    for text in ("editing", "zzzz", "topics"):
        await bot.command("/jonze", text)
    assert len(bot.fake.calls_to("users.info")) == 1


async def test_each_member_has_their_own_language(bot: Bot, answerer: Answerer):
    speaks(bot.fake, "es-ES")
    speaks(bot.fake, "pt-BR", user="U0MEMBER2")
    spanish = await bot.command("/jonze", "zzzz")
    brazilian = await bot.command("/jonze", "zzzz", user_id="U0MEMBER2")
    assert spanish["text"] == slack.render(answerer.answer("/jonze", "zzzz"), "es")["text"]
    assert brazilian["text"] == slack.render(answerer.answer("/jonze", "zzzz"), "pt_BR")["text"]


async def test_a_member_slack_cannot_describe_is_answered_in_english_and_not_asked_again(
    bot: Bot, answerer: Answerer
):
    del bot.fake.users[MEMBER]  # users.info: user_not_found
    first = await bot.command("/jonze", "zzzz")
    await bot.command("/jonze", "zzzz")
    assert first["text"] == slack.render(answerer.answer("/jonze", "zzzz"))["text"]
    assert len(bot.fake.calls_to("users.info")) == 1


async def test_a_press_is_answered_in_the_pressers_language(bot: Bot):
    speaks(bot.fake, "fr-FR")
    await bot.interactive(bot.fake.message_button("q1:another", "q9|forged"))
    posted = await bot.fake.next_response_post()
    assert posted.data["text"] == say(NOT_MINE, "fr") != NOT_MINE


async def test_a_dm_is_answered_in_the_members_language_with_its_buttons(
    bot: Bot, answerer: Answerer
):
    speaks(bot.fake, "ja-JP")
    await bot.event(bot.fake.dm_event("jonze zzzz"))
    await bot.event(bot.fake.dm_event("jonze"))
    miss, quote = [m for m in bot.fake.messages if m.get("channel") == "D0MEMBER01"]
    assert miss["text"] == slack.render(answerer.answer("jonze", "zzzz"), "ja")["text"]
    assert any(b["type"] == "actions" for b in miss["blocks"])
    assert quote["blocks"][0]["text"]["text"].strip("“”") in QUOTED
    assert translate(LABEL_ANOTHER, "ja") in labels(quote)


async def test_the_home_tab_is_in_the_members_language(bot: Bot):
    speaks(bot.fake, "de-DE", user=ADMIN)
    await bot.event(bot.fake.home_opened(ADMIN))
    view = bot.fake.views[ADMIN]
    assert view["blocks"][0]["text"]["text"] == say(HEADING, "de") != HEADING


async def test_find_the_source_answers_in_the_members_language(bot: Bot):
    speaks(bot.fake, "es-419")
    await bot.interactive(bot.fake.message_action("nothing anyone in the book ever said"))
    posted = await bot.fake.next_response_post()
    assert posted.data["text"] == say(NOT_FOUND, "es") != NOT_FOUND


async def test_qotd_refuses_a_member_in_their_language(bot: Bot):
    speaks(bot.fake, "fr-FR")
    payload = await bot.command("/qotd", "09:00 Europe/Paris")
    assert translate(WHO_MAY, "fr") in payload["text"]
    assert "workspace admins" not in payload["text"]


# ---- the memory of languages ----------------------------------------------------------


@pytest.fixture
def client(fake: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token=BOT_TOKEN, base_url=fake.api_url)


async def test_members_asked_about_at_once_cost_one_lookup(fake: FakeSlack, client):
    speaks(fake, "fr-FR")
    locales = Locales()
    fake.hold_method("users.info")
    waiting = [asyncio.create_task(locales.of(client, "T0FILMCLB", MEMBER)) for _ in range(5)]
    await fake.arrived("users.info")
    fake.release("users.info")
    assert await asyncio.gather(*waiting) == ["fr-FR"] * 5
    assert len(fake.calls_to("users.info")) == 1


async def test_a_slow_lookup_answers_in_english_without_waiting_for_it(
    fake: FakeSlack, client, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(members, "LOOKUP_TIMEOUT", 0.05)
    speaks(fake, "fr-FR")
    fake.hold_method("users.info")
    try:
        assert await Locales().of(client, "T0FILMCLB", MEMBER) == ENGLISH
    finally:
        fake.release("users.info")


async def test_a_language_is_forgotten_after_a_while(fake: FakeSlack, client):
    now = [0.0]
    locales = Locales(clock=lambda: now[0])
    speaks(fake, "fr-FR")
    assert await locales.of(client, "T0FILMCLB", MEMBER) == "fr-FR"
    speaks(fake, "ja-JP")  # the member changed their language
    now[0] = TTL - 1
    assert await locales.of(client, "T0FILMCLB", MEMBER) == "fr-FR"
    now[0] = TTL + 1
    assert await locales.of(client, "T0FILMCLB", MEMBER) == "ja-JP"
    assert len(fake.calls_to("users.info")) == 2


async def test_memory_is_bounded(fake: FakeSlack, client, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(members, "REMEMBERED_MAX", 3)
    locales = Locales()
    for n in range(10):
        locales.remember("T0FILMCLB", f"U{n}", members.Person(locale="fr-FR"))
    assert [locales.known("T0FILMCLB", f"U{n}") for n in range(10)] == [None] * 7 + ["fr-FR"] * 3


@pytest.mark.parametrize("user", [None, "", 42])
async def test_no_member_is_english_without_a_lookup(fake: FakeSlack, client, user):
    assert await Locales().of(client, "T0FILMCLB", user) == ENGLISH
    assert not fake.calls_to("users.info")
