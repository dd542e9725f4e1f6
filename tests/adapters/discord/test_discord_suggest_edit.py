"""Editing a suggestion from its review post on Discord, over HTTP and on the gateway: the
Edit button (moderators only), its modal pre-filled, a bad edit's problems, a good one
kept, checked again against the page on 127.0.0.1 when its quote or source changed, and
the review post updated in place; an approved one, another server's and a forged id
refused."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path
from typing import Any

import pytest

from bot.answers import Answerer
from bot.book.loader import load_book
from bot.store import SuggestionRecord
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
from tests.fakes.discord import CHANNEL_ID, MODERATOR_PERMISSIONS, TOKEN, FakeDiscord
from tests.fixtures import QUOTES

EPHEMERAL = 64
NOT_MINE = "That button is not one of mine."
GONE = "That suggestion no longer exists."
NEW_SAID = "A film is a conversation the audience finishes, long after the lights come up."


def stored(http: Http, id: str) -> SuggestionRecord:
    assert http.review.desk is not None
    found = http.review.desk.store.call(lambda s: s.suggestion(id))
    assert found is not None
    return found


def id_of(posted: dict[str, Any]) -> str:
    return labels(posted)["Edit"].rsplit("|", 1)[1]


def inputs(modal: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["components"][0]["custom_id"]: r["components"][0] for r in modal["components"]}


def review_post(fake: FakeDiscord) -> dict[str, Any]:
    [posted] = [m for m in fake.messages if m["channel_id"] == CHANNEL_ID]
    return posted


async def test_the_post_carries_edit_pressed_by_moderators_only_prefilled(http: Http) -> None:
    posted = await suggest(http, "/said")
    edit = labels(posted)["Edit"]
    assert edit == f"q1|r|ed|{id_of(posted)}"
    refused = await http.send(http.fake.component(edit))  # a plain member
    assert refused["data"]["flags"] & EPHEMERAL
    assert refused["data"]["content"] == "Only this community's moderators can review suggestions."
    opened = await http.send(as_moderator(http.fake.component(edit)))
    assert opened["type"] == 9 and opened["data"]["custom_id"] == f"q1|re|{id_of(posted)}"
    shown = inputs(opened["data"])
    assert list(shown) == ["director", "text", "url", "context", "topic"]
    assert shown["director"]["value"] == "Agnès Varda" and shown["text"]["value"] == SAID
    assert shown["url"]["value"] == http.page + "/said" and shown["topic"]["value"] == "camera"
    assert "value" not in shown["context"]  # none was given
    elsewhere = await http.send(as_moderator(http.fake.component(edit), OTHER_GUILD))
    assert elsewhere["data"]["content"] == GONE


async def test_a_bad_edit_is_refused_with_its_problems(http: Http) -> None:
    posted = await suggest(http, "/said")
    id = id_of(posted)
    bad = fields("ftp://nowhere", text="short")
    answer = await http.send(http.fake.modal_submit(f"q1|re|{id}", bad, MODERATOR_PERMISSIONS))
    assert answer["type"] == 4 and answer["data"]["flags"] & EPHEMERAL
    assert answer["data"]["content"].count("•") == 2
    assert (stored(http, id).text, stored(http, id).source_url) == (SAID, http.page + "/said")
    assert http.fake.edits == []


async def test_a_good_edit_is_kept_checked_again_and_updates_the_post(http: Http) -> None:
    posted = await suggest(http, "/other")
    id = id_of(posted)
    assert stored(http, id).outcome == "not_found"
    changed = fields(http.page + "/said") | {"context": "On the set", "topic": "framing"}
    submit = http.fake.modal_submit(f"q1|re|{id}", changed, MODERATOR_PERMISSIONS)
    submit["message"] = {"id": posted["id"], "channel_id": CHANNEL_ID}  # opened from the post
    answer = await http.send(submit)
    assert answer["type"] == 7  # the post itself, updated as the answer
    [embed] = answer["data"]["embeds"]
    assert embed["footer"]["text"] == "Being checked against its source…"
    assert {f["value"] for f in embed["fields"]} >= {"On the set", "framing"}
    assert set(labels(answer["data"])) == {"Approve as attributed", "Reject", "Edit"}
    await http.review.settle()
    now = stored(http, id)
    assert (now.status, now.outcome, now.source_url) == ("open", "found", http.page + "/said")
    assert (now.context, now.topic, now.edited_by) == (
        "On the set",
        "framing",
        submit["member"]["user"]["id"],
    )
    after = review_post(http.fake)  # re-verified: the stored post edited again
    assert after["embeds"][0]["footer"]["text"] == "Found in its source."
    assert set(labels(after)) == {"Approve", "Reject", "Edit"}
    approved = await http.send(as_moderator(http.fake.component(labels(after)["Approve"])))
    assert approved["type"] == 7 and approved["data"]["content"].startswith("Approved by")


async def test_an_edit_from_elsewhere_edits_the_post_and_a_new_quote_is_checked(
    http: Http,
) -> None:
    posted = await suggest(http, "/said")
    id = id_of(posted)
    submit = http.fake.modal_submit(f"q1|re|{id}", fields(http.page + "/said", text=NEW_SAID))
    submit["member"]["permissions"] = MODERATOR_PERMISSIONS  # no message: from /review, say
    answer = await http.send(submit)
    assert answer["type"] == 4 and answer["data"]["flags"] & EPHEMERAL
    assert answer["data"]["content"].startswith("Edited")
    await http.review.settle()
    assert (stored(http, id).text, stored(http, id).outcome) == (NEW_SAID, "not_found")
    assert http.fake.edits[0]["embeds"][0]["footer"]["text"] == "Being checked against its source…"
    after = review_post(http.fake)
    assert NEW_SAID in after["embeds"][0]["description"]
    assert after["embeds"][0]["footer"]["text"].startswith("Not found in its source")
    assert set(labels(after)) == {"Approve as attributed", "Reject", "Edit"}


async def test_an_edit_of_the_context_only_is_not_checked_again(http: Http) -> None:
    posted = await suggest(http, "/said")
    id = id_of(posted)
    changed = fields(http.page + "/said") | {"context": "Cannes, 1962"}
    answer = await http.send(http.fake.modal_submit(f"q1|re|{id}", changed, MODERATOR_PERMISSIONS))
    assert answer["data"]["content"].startswith("Edited")
    await http.review.settle()
    now = stored(http, id)
    assert (now.context, now.outcome) == ("Cannes, 1962", "found")
    [edited] = http.fake.edits  # the post, once: no second check to show
    assert edited["embeds"][0]["footer"]["text"] == "Found in its source."


async def test_an_approved_suggestion_cannot_be_edited(http: Http) -> None:
    posted = await suggest(http, "/said")
    id = id_of(posted)
    await http.send(as_moderator(http.fake.component(labels(posted)["Approve"])))
    pressed = await http.send(as_moderator(http.fake.component(f"q1|r|ed|{id}")))
    assert pressed["data"]["content"] == "That suggestion was already decided (approved)."
    late = fields(http.page + "/said", text=NEW_SAID)
    answer = await http.send(http.fake.modal_submit(f"q1|re|{id}", late, MODERATOR_PERMISSIONS))
    assert answer["data"]["content"] == "That suggestion was already decided (approved)."
    assert stored(http, id).text == SAID


async def test_forged_and_foreign_edits_are_refused(http: Http) -> None:
    posted = await suggest(http, "/said")
    id = id_of(posted)
    good = fields(http.page + "/said", text=NEW_SAID)
    for forged in ("q1|re|AAAAAAAAAA", "q1|re|abc", f"q1|re|{id}|x", f"q1|rx|{id}"):
        answer = await http.send(http.fake.modal_submit(forged, good, MODERATOR_PERMISSIONS))
        assert answer["data"]["content"] == NOT_MINE, forged
    pressed = await http.send(as_moderator(http.fake.component(f"q1|re|{id}")))
    assert pressed["data"]["content"] == NOT_MINE
    extra = http.fake.modal_submit(f"q1|re|{id}", good | {"extra": "x"}, MODERATOR_PERMISSIONS)
    assert (await http.send(extra))["data"]["content"] == NOT_MINE
    member = await http.send(http.fake.modal_submit(f"q1|re|{id}", good))
    assert member["data"]["content"].startswith("Only this community's moderators")
    foreign = as_moderator(http.fake.modal_submit(f"q1|re|{id}", good), OTHER_GUILD)
    assert (await http.send(foreign))["data"]["content"] == GONE
    unknown = http.fake.modal_submit("q1|re|abcdefghij", good, MODERATOR_PERMISSIONS)
    assert (await http.send(unknown))["data"]["content"] == GONE
    assert stored(http, id).text == SAID


# ---- on the gateway: the same, through discord.py ------------------------------------


async def test_on_the_gateway_edit_is_offered_prefilled_kept_and_checked_again(
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
        await fake.interact(as_moderator(fake.command("review-channel")))
        await fake.interact(fake.modal_submit("q1|sg", fields(page + "/other")))
        await client.review.settle()
        posted = review_post(fake)
        edit = labels(posted)["Edit"]
        refused = await fake.interact(fake.component(edit))
        assert refused["data"]["content"].startswith("Only this community's moderators")
        opened = await fake.interact(as_moderator(fake.component(edit)))
        assert opened["type"] == 9 and opened["data"]["custom_id"] == f"q1|re|{id_of(posted)}"
        assert inputs(opened["data"])["url"]["value"] == page + "/other"
        bad = fake.modal_submit(opened["data"]["custom_id"], fields("nope"), MODERATOR_PERMISSIONS)
        assert (await fake.interact(bad))["data"]["content"].count("•") == 1
        submit = fake.modal_submit(
            opened["data"]["custom_id"], fields(page + "/said"), MODERATOR_PERMISSIONS
        )
        submit["message"] = posted  # opened from the review post
        answer = await fake.interact(submit)
        assert answer["type"] == 7
        assert set(labels(answer["data"])) == {"Approve as attributed", "Reject", "Edit"}
        await client.review.settle()
        after = review_post(fake)
        assert after["embeds"][0]["footer"]["text"] == "Found in its source."
        assert set(labels(after)) == {"Approve", "Reject", "Edit"}
        forged = await fake.interact(
            fake.modal_submit("q1|re|0000000000", fields(page), MODERATOR_PERMISSIONS)
        )
        assert forged["data"]["content"] == NOT_MINE
        approve = await fake.interact(as_moderator(fake.component(labels(after)["Approve"])))
        assert approve["type"] == 7
        late = await fake.interact(as_moderator(fake.component(edit)))
        assert late["data"]["content"] == "That suggestion was already decided (approved)."
    finally:
        stop.set()
        await task
        await fake.stop()
