"""Another under Discord's ``/quote`` (its director and topic given apart), over HTTP and
on the gateway: it goes on through the pool ``/quote`` drew from, and only that pool."""

from __future__ import annotations

import random
from pathlib import Path

from bot.answers import Answerer, QuoteAnswer, another_after_quote, next_quote
from bot.answers.ask_plan import Draw
from bot.book.loader import load_book
from tests.adapters.discord.interacting import ids, send
from tests.fakes.discord import EPHEMERAL, FakeDiscord
from tests.fixtures import GOOD_FILE, QUOTES, write


async def test_quote_with_a_director_carries_another_that_stays_with_them() -> None:
    fake = FakeDiscord()
    [first] = await send(fake.command("quote", director="jonze"))
    buttons = ids(first["data"])
    assert set(buttons) == {"Another", "Source"}
    assert buttons["Another"].startswith("q1|a|jonze|")
    seen = [first["data"]["embeds"][0]["description"]]
    for _ in range(3):
        [pressed] = await send(fake.component(buttons["Another"], message_flags=EPHEMERAL))
        assert pressed["type"] == 7
        seen.append(pressed["data"]["embeds"][0]["description"])
        buttons = ids(pressed["data"])
    assert len(set(seen)) == 4


async def test_quote_with_no_options_carries_another_over_the_whole_book() -> None:
    [first] = await send(FakeDiscord().command("quote"))
    assert ids(first["data"])["Another"].startswith("q1|a|quote|")


async def test_on_the_gateway_quote_carries_another_that_answers(gateway: FakeDiscord) -> None:
    first = await gateway.interact(gateway.command("quote", director="spike jonze"))
    buttons = ids(first["data"])
    assert set(buttons) == {"Another", "Source"}
    pressed = await gateway.interact(gateway.component(buttons["Another"], message_flags=0))
    assert pressed["type"] == 4 and pressed["data"]["flags"] & EPHEMERAL
    said = pressed["data"]["embeds"][0]["description"]
    assert said != first["data"]["embeds"][0]["description"]
    [over_http] = await send(gateway.component(buttons["Another"], EPHEMERAL))
    assert over_http["data"]["embeds"][0]["description"] == said


def test_another_after_quote_never_leaves_the_pool_quote_drew_from(tmp_path: Path) -> None:
    write(tmp_path, "varda.yaml", GOOD_FILE)
    answerer = Answerer(load_book([QUOTES, tmp_path]).book, random.Random(5))
    asks = [(None, None), ("jonze", None), ("spike jonze", "edit"), ("varda", None),
            (None, "jonze"), (None, "varda"), ("jonz", None), (None, "editing")]  # fmt: skip
    made = 0
    for director, topic in asks:
        answer = answerer.answer_quote(director, topic)
        plan = answerer.plan_quote(director or "", topic or "")
        another = another_after_quote(answerer, director, topic, answer)
        if another is None:
            continue
        made += 1
        assert isinstance(answer, QuoteAnswer) and isinstance(plan, Draw)
        for _ in range(len(plan.quotes)):
            found = next_quote(answerer, another)
            assert found is not None
            assert found[0].quote in plan.quotes
            assert found[1] is not None
            another = found[1]
    assert made >= 3
    # Words and no quote: nothing to go on with.
    miss = answerer.answer_quote("nobody at all", None)
    assert another_after_quote(answerer, "nobody at all", None, miss) is None
