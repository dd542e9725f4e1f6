"""Discord's buttons over HTTP, through the real endpoint on a loopback socket: Another goes
on with the ask's rotation (on any instance, from the custom_id alone), Source answers
privately in full, Post to channel shares publicly, and forged ids are refused politely."""

from __future__ import annotations

import pytest

from bot.answers import Answerer
from bot.book.loader import load_book
from tests.adapters.discord.interacting import NOT_MINE, ids, send
from tests.fakes.discord import EPHEMERAL, USER_ID, FakeDiscord
from tests.fixtures import EDITING, QUOTES


async def test_another_goes_on_through_the_pool_on_any_instance() -> None:
    fake = FakeDiscord()
    [first] = await send(fake.command("jonze"))
    shown = [first["data"]["embeds"][0]["description"]]
    buttons = ids(first["data"])
    assert set(buttons) == {"Another", "Source"}  # a public answer: nothing to post
    sequence = []
    for _ in range(3):  # each press on a fresh instance: nothing kept in a process
        [pressed] = await send(fake.component(buttons["Another"], message_flags=EPHEMERAL))
        assert pressed["type"] == 7  # a private answer, replaced in place
        sequence.append(pressed["data"]["embeds"][0]["description"])
        buttons = ids(pressed["data"])
        assert "Post to channel" in buttons
    assert len(set(shown + sequence)) == 4
    # The same ids give the same quotes again: the order is the ask's, not a process's.
    again = [(await send(fake.component(ids(first["data"])["Another"], EPHEMERAL)))[0]["data"]]
    assert again[0]["embeds"][0]["description"] == sequence[0]


async def test_another_pressed_on_a_public_answer_answers_the_presser_privately() -> None:
    fake = FakeDiscord()
    [first] = await send(fake.command("jonze"))
    assert not first["data"].get("flags", 0) & EPHEMERAL
    [pressed] = await send(fake.component(ids(first["data"])["Another"], message_flags=0))
    assert pressed["type"] == 4 and pressed["data"]["flags"] & EPHEMERAL
    assert pressed["data"]["embeds"][0]["description"] != first["data"]["embeds"][0]["description"]


async def test_source_is_private_and_full_and_post_shares_it_publicly() -> None:
    fake = FakeDiscord()
    [first] = await send(fake.command("jonze", topic="editing"))
    [source] = await send(fake.component(ids(first["data"])["Source"]))
    assert source["type"] == 4 and source["data"]["flags"] & EPHEMERAL
    fields = {f["name"]: f["value"] for f in source["data"]["embeds"][0]["fields"]}
    assert {"Source", "Venue", "Date"} <= set(fields)
    assert "Another" not in ids(first["data"])  # the topic has one quote: no other to give
    [any_quote] = await send(fake.command("jonze"))
    [another] = await send(fake.component(ids(any_quote["data"])["Another"], 0))
    [shared] = await send(fake.component(ids(another["data"])["Post to channel"], EPHEMERAL))
    assert shared["type"] == 4 and not shared["data"].get("flags", 0) & EPHEMERAL
    assert shared["data"]["content"] == f"Shared by <@{USER_ID}>"
    assert shared["data"]["allowed_mentions"]["users"] == [USER_ID]
    assert not shared["data"]["allowed_mentions"].get("parse")
    assert shared["data"]["embeds"][0] == another["data"]["embeds"][0]


@pytest.mark.parametrize(
    "forged",
    [
        "garbage",
        "q9|t|jonze|editing",
        "q1|a|nobody|z|0|9|",  # out of range
        "q1|a|jonze|0|9|9|",  # a step past the pool
        "q1|s|Spike Jonze:zzzz",
        "x" * 10_000,
    ],
)
async def test_a_forged_custom_id_is_not_one_of_mine(forged: str) -> None:
    [answer] = await send(FakeDiscord().component(forged))
    assert answer == {
        "type": 4,
        "data": {
            "content": NOT_MINE,
            "flags": EPHEMERAL,
            "allowed_mentions": answer["data"]["allowed_mentions"],
        },
    }


async def test_a_button_of_a_removed_director_has_expired() -> None:
    fake = FakeDiscord()
    book = load_book([QUOTES]).book
    answerer = Answerer(book)  # the book the instances serve: no /nobody in it
    for forged in ("q1|a|nobody|0|0|9|", "q1|s|Nobody At All:0123456789abcdef"):
        [answer] = await send(fake.component(forged))
        assert answer["type"] == 4 and answer["data"]["flags"] & EPHEMERAL
        assert answer["data"]["content"].startswith("That button has expired")
    assert answerer.book.by_command("nobody") is None


# ---- on the gateway: the same buttons, through discord.py ----------------------------


async def test_on_the_gateway_a_quote_carries_buttons_and_another_goes_on(
    gateway: FakeDiscord,
) -> None:
    first = await gateway.interact(gateway.command("jonze"))
    assert first["type"] == 4
    buttons = ids(first["data"])
    assert set(buttons) == {"Another", "Source"}
    seen = [first["data"]["embeds"][0]["description"]]
    pressed = await gateway.interact(gateway.component(buttons["Another"], message_flags=0))
    assert pressed["type"] == 4 and pressed["data"]["flags"] & EPHEMERAL  # privately
    seen.append(pressed["data"]["embeds"][0]["description"])
    again = ids(pressed["data"])
    assert "Post to channel" in again
    in_place = await gateway.interact(gateway.component(again["Another"], EPHEMERAL))
    assert in_place["type"] == 7
    seen.append(in_place["data"]["embeds"][0]["description"])
    assert len(set(seen)) == 3
    # The same id, over HTTP on another instance: the same next quote.
    [over_http] = await send(gateway.component(buttons["Another"], EPHEMERAL))
    assert over_http["data"]["embeds"][0]["description"] == seen[1]


async def test_on_the_gateway_post_shares_and_a_forged_id_is_refused(gateway: FakeDiscord) -> None:
    first = await gateway.interact(gateway.command("jonze"))
    pressed = await gateway.interact(gateway.component(ids(first["data"])["Another"], 0))
    shared = await gateway.interact(gateway.component(ids(pressed["data"])["Post to channel"]))
    assert shared["type"] == 4 and not shared["data"].get("flags", 0) & EPHEMERAL
    assert shared["data"]["content"] == f"Shared by <@{USER_ID}>"
    assert [str(u) for u in shared["data"]["allowed_mentions"]["users"]] == [USER_ID]
    assert not shared["data"]["allowed_mentions"].get("parse")  # no one else
    source = await gateway.interact(gateway.component(ids(first["data"])["Source"]))
    assert source["data"]["flags"] & EPHEMERAL and source["data"]["embeds"][0]["fields"]
    for forged in ("garbage", "q1|a|jonze|0|9|9|", "x" * 10_000):
        refused = await gateway.interact(gateway.component(forged))
        assert refused["data"]["content"] == NOT_MINE and refused["data"]["flags"] & EPHEMERAL


async def test_quote_over_http_on_a_pool_of_one_carries_its_source_only() -> None:
    [answer] = await send(FakeDiscord().command("quote", director="jonze", topic="edit"))
    assert set(ids(answer["data"])) == {"Source"}


async def test_a_miss_carries_its_did_you_mean_as_buttons_that_answer() -> None:
    fake = FakeDiscord()
    [miss] = await send(fake.command("jonze", topic="xyzzy editing"))
    meant = ids(miss["data"])
    assert "editing" in meant
    [pressed] = await send(fake.component(meant["editing"]))
    assert pressed["type"] == 4 and pressed["data"]["flags"] & EPHEMERAL
    assert pressed["data"]["embeds"][0]["description"] == f"“{EDITING}”"
    assert set(ids(pressed["data"])) == {"Source", "Post to channel"}


async def test_on_the_gateway_a_miss_carries_its_did_you_mean(gateway: FakeDiscord) -> None:
    miss = await gateway.interact(gateway.command("jonze", topic="xyzzy editing"))
    meant = ids(miss["data"])
    assert "editing" in meant
    pressed = await gateway.interact(gateway.component(meant["editing"]))
    assert pressed["data"]["embeds"][0]["description"] == f"“{EDITING}”"


async def test_another_under_a_word_search_gives_the_next_match() -> None:
    fake = FakeDiscord()
    [first] = await send(fake.command("jonze", topic="movie"))
    shown = first["data"]["embeds"][0]["description"]
    assert "movie" in shown.casefold()
    [pressed] = await send(fake.component(ids(first["data"])["Another"], message_flags=0))
    other = pressed["data"]["embeds"][0]["description"]
    assert other != shown and "movie" in other.casefold()
