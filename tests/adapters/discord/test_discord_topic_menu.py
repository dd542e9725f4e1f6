"""Discord's topic menu: a string select under ``/jonze topics`` and a miss, over HTTP and
on the gateway; a topic chosen answers privately with a quote of it; past 25 topics the
most quoted first and a note of how many more; forged choices refused politely."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.adapters.discord.components import press, with_buttons
from bot.adapters.discord.payload import message
from bot.answers import Answerer, decode
from bot.answers import buttons as ids
from bot.book.loader import load_book
from tests.adapters.discord.interacting import NOT_MINE, send
from tests.adapters.discord.interacting import ids as buttons_of
from tests.fakes.discord import EPHEMERAL, FakeDiscord
from tests.fixtures import EDITING

JONZE_TOPICS = {
    "music-videos", "process", "editing", "pitching", "rehearsal",
    "influence", "characters", "technology", "favourite",
}  # fmt: skip


def menu_of(data: dict[str, Any]) -> dict[str, Any]:
    """The one string select under a message."""
    [select] = [c for row in data["components"] for c in row["components"] if c["type"] == 3]
    found: dict[str, Any] = select
    return found


def many_topics(folder: Path, topics: int, busy: int) -> Answerer:
    """A book of /many with ``topics`` topics, one quote each, but the last ``busy`` three."""
    lines = [
        "director: Many Topics", "command: many",
        "sources:\n  s:\n    title: T\n    document: t.txt", "topics:",
        *(f"  t{n:03}: []" for n in range(topics)), "quotes:",
    ]  # fmt: skip
    for n in range(topics):
        for k in range(3 if n >= topics - busy else 1):
            lines.append(
                f"  - topic: t{n:03}\n    text: Quote {n} {k}.\n    context: On {n}\n    source: s"
            )
    folder.mkdir()
    (folder / "many.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    loaded = load_book([folder])
    assert not loaded.problems
    return Answerer(loaded.book)


async def test_topics_carries_the_menu_and_a_choice_answers_privately() -> None:
    fake = FakeDiscord()
    [listed] = await send(fake.command("jonze", topic="topics"))
    select = menu_of(listed["data"])
    assert decode(select["custom_id"]) == ids.Menu("jonze")
    assert {o["value"] for o in select["options"]} == JONZE_TOPICS
    assert "placeholder" not in select  # nine topics: nothing left out
    [chosen] = await send(fake.component(select["custom_id"], values=["editing"]))
    assert chosen["type"] == 4 and chosen["data"]["flags"] & EPHEMERAL
    assert EDITING in chosen["data"]["embeds"][0]["description"]
    assert {"Source", "Post to channel"} <= set(buttons_of(chosen["data"]))


async def test_a_miss_carries_the_menu_beside_its_did_you_mean() -> None:
    fake = FakeDiscord()
    [miss] = await send(fake.command("jonze", topic="xyzzy editing"))
    assert "editing" in buttons_of(miss["data"])
    select = menu_of(miss["data"])
    assert len(select["options"]) == 9
    [chosen] = await send(fake.component(select["custom_id"], values=["process"]))
    assert chosen["data"]["flags"] & EPHEMERAL and chosen["data"]["embeds"]


@pytest.mark.parametrize(
    ("custom_id", "values"),
    [
        ("q1|m|jonze", ["no-such-topic"]),
        ("q1|m|jonze", ["e" * 10_000]),
        ("q1|m|jonze", ["editing", "process"]),
        ("q1|m|jonze", []),
        ("q1|t|jonze|editing", ["editing"]),  # a button's id on a menu
        ("q1|m|" + "j" * 40, ["editing"]),
    ],
)
async def test_a_forged_choice_is_not_one_of_mine(custom_id: str, values: list[str]) -> None:
    [answer] = await send(FakeDiscord().component(custom_id, values=values))
    assert answer["type"] == 4 and answer["data"]["flags"] & EPHEMERAL
    assert answer["data"]["content"] == NOT_MINE


async def test_a_menu_pressed_as_a_button_or_of_a_removed_director() -> None:
    fake = FakeDiscord()
    [as_button] = await send(fake.component("q1|m|jonze"))
    assert as_button["data"]["content"] == NOT_MINE
    [gone] = await send(fake.component("q1|m|nobody", values=["editing"]))
    assert gone["data"]["content"].startswith("That button has expired")


def test_thirty_topics_show_twenty_five_the_most_quoted_first(tmp_path: Path) -> None:
    answerer = many_topics(tmp_path / "book", 30, busy=5)
    listed = answerer.answer("many", "topics")
    data = with_buttons(message(listed), listed, None, "", "many", answerer)
    select = menu_of(data)
    values = [o["value"] for o in select["options"]]
    assert len(values) == 25 and values[:5] == ["t025", "t026", "t027", "t028", "t029"]
    assert values[5:] == [f"t{n:03}" for n in range(20)]
    assert select["placeholder"] == "…and 5 more"
    french = menu_of(with_buttons(message(listed), listed, None, "fr", "many", answerer))
    assert french["placeholder"] != select["placeholder"] and "5" in french["placeholder"]
    payload = FakeDiscord().component(select["custom_id"], values=["t020"])
    chosen = press(answerer, payload)  # left out of the menu, yet still a topic of /many
    assert "Quote 20 0." in chosen["data"]["embeds"][0]["description"]


async def test_on_the_gateway_topics_carry_the_menu_and_a_choice_answers(
    gateway: FakeDiscord,
) -> None:
    listed = await gateway.interact(gateway.command("jonze", topic="topics"))
    select = menu_of(listed["data"])
    assert {o["value"] for o in select["options"]} == JONZE_TOPICS
    chosen = await gateway.interact(gateway.component(select["custom_id"], values=["editing"]))
    assert chosen["data"]["flags"] & EPHEMERAL
    assert EDITING in chosen["data"]["embeds"][0]["description"]
    forged = await gateway.interact(gateway.component(select["custom_id"], values=["x" * 200]))
    assert forged["data"]["content"] == NOT_MINE
    miss = await gateway.interact(gateway.command("jonze", topic="xyzzy"))
    assert decode(menu_of(miss["data"])["custom_id"]) == ids.Menu("jonze")
