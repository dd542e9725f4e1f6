"""Suggesting quotes on Discord and reviewing them, over HTTP (signed interactions to the
real endpoint) and on the gateway (real discord.py against the fake Discord): the modal,
its checks, the receipt, verification against a page on 127.0.0.1, the review post in
the review channel, moderators' decisions, and each server served its own approved quotes."""

from __future__ import annotations

import asyncio
import json
import random
from pathlib import Path
from typing import Any

import pytest

from bot.answers import Answerer
from bot.book.loader import load_book
from tests.adapters.discord.suggesting import (
    OTHER_GUILD,
    SAID,
    Http,
    as_moderator,
    fields,
    labels,
    make_desk,
    suggest,
)
from tests.fakes.discord import (
    CHANNEL_ID,
    EPHEMERAL,
    GUILD_ID,
    MODERATOR_PERMISSIONS,
    TOKEN,
    USER_ID,
    FakeDiscord,
)
from tests.fixtures import QUOTES


async def test_suggest_opens_the_modal_and_the_message_command_prefills_it(http: Http) -> None:
    opened = await http.send(http.fake.command("suggest"))
    assert opened["type"] == 9 and opened["data"]["custom_id"] == "q1|sg"
    inputs = [r["components"][0] for r in opened["data"]["components"]]
    assert [i["custom_id"] for i in inputs] == ["director", "text", "url", "context", "topic"]
    assert [i["max_length"] for i in inputs] == [100, 1500, 1000, 300, 100]
    assert [i["style"] for i in inputs] == [1, 2, 1, 1, 1]
    prefilled = await http.send(http.fake.message_command("x" * 2000, name="Suggest as quote"))
    assert prefilled["type"] == 9
    assert prefilled["data"]["components"][1]["components"][0]["value"] == "x" * 1500


async def test_bad_fields_are_listed_and_a_forged_modal_is_not_mine(http: Http) -> None:
    bad = await http.send(http.fake.modal_submit("q1|sg", fields("ftp://x", "", "short")))
    assert bad["type"] == 4 and bad["data"]["flags"] & EPHEMERAL
    assert bad["data"]["content"].count("•") == 3
    forged = {**fields(http.page), "extra": "x"}
    for made in (http.fake.modal_submit("q1|sg", forged), http.fake.modal_submit("q1|zz", {})):
        answer = await http.send(made)
        assert answer["data"]["content"] == "That button is not one of mine."


async def test_a_found_quote_is_approved_once_and_served_in_its_server_only(http: Http) -> None:
    posted = await suggest(http, "/said")
    assert set(labels(posted)) == {"Approve", "Reject", "Edit"}
    assert posted["embeds"][0]["footer"]["text"] == "Found in its source."
    approve = labels(posted)["Approve"]
    refused = await http.send(http.fake.component(approve))  # a plain member
    assert refused["data"]["content"] == "Only this community's moderators can review suggestions."
    moved = await http.send(as_moderator(http.fake.component(approve)))
    assert moved["type"] == 7 and moved["data"]["content"].startswith("Approved by")
    assert set(labels(moved["data"])) == {"Remove"}
    again = await http.send(as_moderator(http.fake.component(approve)))
    assert again["data"]["content"] == "That suggestion was already decided (approved)."
    await http.review.settle()
    assert http.fake.dms_opened == [USER_ID]
    assert "was approved" in http.fake.messages[-1]["content"]
    here = await http.send(http.fake.command("quote", director="varda"))
    assert SAID in here["data"]["embeds"][0]["description"]
    elsewhere = await http.send(
        as_moderator(http.fake.command("quote", director="varda"), OTHER_GUILD)
    )
    assert SAID not in json.dumps(elsewhere)
    other = await http.send(
        as_moderator(http.fake.component(labels(moved["data"])["Remove"]), OTHER_GUILD)
    )
    assert other["data"]["content"] == "That suggestion no longer exists."
    removed = await http.send(as_moderator(http.fake.component(labels(moved["data"])["Remove"])))
    assert removed["type"] == 7 and removed["data"]["content"].startswith("Removed by")


async def test_a_quote_not_found_is_approved_as_attributed_or_rejected(http: Http) -> None:
    posted = await suggest(http, "/other")
    assert set(labels(posted)) == {"Approve as attributed", "Reject", "Edit"}
    listed = await http.send(as_moderator(http.fake.command("review")))
    assert listed["data"]["flags"] & EPHEMERAL and len(listed["data"]["embeds"]) == 1
    reject = labels(posted)["Reject"]
    asked = await http.send(as_moderator(http.fake.component(reject)))
    assert asked["type"] == 9 and asked["data"]["custom_id"].startswith("q1|rr|")
    submit = http.fake.modal_submit(
        asked["data"]["custom_id"], {"reason": "not a quote"}, MODERATOR_PERMISSIONS
    )
    decided = await http.send(submit)
    assert decided["data"]["content"].endswith("not a quote")
    await http.review.settle()
    assert http.fake.edits and http.fake.edits[-1]["components"] == []
    assert "not approved: not a quote" in http.fake.messages[-1]["content"]
    empty = await http.send(as_moderator(http.fake.command("review")))
    assert empty["data"]["content"] == "No suggestion is waiting for review."


@pytest.mark.parametrize("forged", ["q1|r|ap|AAAAAAAAAA", "q1|r|zz|abcdefghij", "q1|r|ap|abc"])
async def test_a_forged_review_id_is_not_one_of_mine(http: Http, forged: str) -> None:
    answer = await http.send(as_moderator(http.fake.component(forged)))
    assert answer["data"]["content"] == "That button is not one of mine."


# ---- on the gateway: the same, through discord.py ------------------------------------


async def test_on_the_gateway_suggest_review_and_approve(
    tmp_path: Path, page: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.adapters import discord as adapter
    from bot.adapters.discord import DiscordSettings

    monkeypatch.setenv("QUOTEBOT_FETCH_ALLOW", "127.0.0.1")
    fake = await FakeDiscord().start()
    answerer = Answerer(load_book([QUOTES]).book, random.Random(3))
    stop = asyncio.Event()
    ready: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    settings = DiscordSettings(TOKEN, api_base=fake.api_base)
    desk = make_desk(tmp_path, answerer)
    task = asyncio.create_task(adapter.run(answerer, settings, stop, ready.set_result, desk))
    client = await asyncio.wait_for(ready, 10)
    try:
        names = {c["name"] for c in fake.commands[None]}
        assert {"suggest", "review", "review-channel", "Suggest as quote"} <= names
        (review,) = [c for c in fake.commands[None] if c["name"] == "review"]
        assert [(o["name"], o["type"], o.get("required", False)) for o in review["options"]] == [
            ("publish", 5, False)  # a boolean, optional: /review alone lists the queue
        ]
        assert review["options"][0]["description"].startswith("True: publish")
        localized = review["options"][0].get("description_localizations") or {}
        assert localized["fr"].startswith("True : publier") and set(localized) >= {"ja", "de"}
        said = await fake.interact(as_moderator(publishing(fake.command("review"), True)))
        assert said["data"]["content"].startswith("This community's approved quotes are now")
        opened = await fake.interact(fake.command("suggest"))
        assert opened["type"] == 9 and len(opened["data"]["components"]) == 5
        prefilled = await fake.interact(fake.message_command(SAID, name="Suggest as quote"))
        assert prefilled["data"]["components"][1]["components"][0]["value"] == SAID
        await fake.interact(as_moderator(fake.command("review-channel")))
        receipt = await fake.interact(fake.modal_submit("q1|sg", fields(page + "/said")))
        assert receipt["data"]["content"].startswith("Thanks!")
        await client.review.settle()
        [posted] = [m for m in fake.messages if m["channel_id"] == CHANNEL_ID]
        approve = labels(posted)["Approve"]
        refused = await fake.interact(fake.component(approve))
        assert refused["data"]["content"].startswith("Only this community's moderators")
        moved = await fake.interact(as_moderator(fake.component(approve)))
        assert moved["type"] == 7 and set(labels(moved["data"])) == {"Remove"}
        again = await fake.interact(as_moderator(fake.component(approve)))
        assert again["data"]["content"].startswith("That suggestion was already decided")
        await client.review.settle()
        here = await fake.interact(fake.command("quote", director="varda"))
        assert SAID in here["data"]["embeds"][0]["description"]
        forged = await fake.interact(as_moderator(fake.component("q1|r|ap|0000000000")))
        assert forged["data"]["content"] == "That button is not one of mine."
    finally:
        stop.set()
        await task
        await fake.stop()


def publishing(made: dict[str, Any], on: bool) -> dict[str, Any]:
    made["data"]["options"] = [{"name": "publish", "type": 5, "value": on}]
    return made


def published(http: Http, guild: str) -> bool | None:
    assert http.review.desk is not None
    settings = http.review.desk.store.call(lambda s: s.review_settings("discord", guild))
    return None if settings is None else settings.published


async def test_a_moderator_publishes_the_servers_quotes_on_the_web_and_stops(http: Http) -> None:
    said = await http.send(as_moderator(publishing(http.fake.command("review"), True)))
    assert said["type"] == 4 and said["data"]["flags"] & EPHEMERAL
    assert said["data"]["content"].startswith("This community's approved quotes are now published")
    assert published(http, GUILD_ID) is True and published(http, OTHER_GUILD) is None
    said = await http.send(as_moderator(publishing(http.fake.command("review"), False)))
    assert said["data"]["content"].startswith("This community's approved quotes are no longer")
    assert published(http, GUILD_ID) is False
    queue = await http.send(as_moderator(http.fake.command("review")))  # no option: the queue
    assert queue["data"]["content"] == "No suggestion is waiting for review."
    assert published(http, GUILD_ID) is False


async def test_a_member_may_not_publish(http: Http) -> None:
    said = await http.send(publishing(http.fake.command("review"), True))
    assert said["data"]["content"].startswith("Only this community's moderators")
    assert published(http, GUILD_ID) is None
