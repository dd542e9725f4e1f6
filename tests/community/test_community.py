"""The community's book, without a platform: a suggestion's form checked, its source
page verified over loopback with the safe fetcher, reviewed with compare-and-set
decisions, and approved quotes served in their community only."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Iterator
from functools import partial
from pathlib import Path

import pytest
from aiohttp import web
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.answers import Answerer, QuoteAnswer
from bot.book.loader import load_book
from bot.community import (
    CommunityBooks,
    Form,
    FormProblems,
    Review,
    checked,
    command_for,
    read_press,
    review_id,
    verbs_for,
    verify,
    with_approved,
)
from bot.curation import FetchPolicy
from bot.store import NewSuggestion, SharedStore, Store, SuggestionRefused
from bot.store.sqlite import SQLiteStore
from tests.fixtures import QUOTES

BOOK = load_book([QUOTES]).book
SAID = "I think editing is where the movie is really made, every single time."
PAGE = f"<html><head><title>Talk</title></head><body><p>Jonze said: “{SAID}”</p></body></html>"


def form(**fields: str) -> Form:
    made = {"director": "Spike Jonze", "text": SAID, "source_url": "https://example.org/talk"}
    return Form(**(made | fields))


def test_a_good_form_names_a_book_director_by_command_name_or_alias() -> None:
    for named in ("Spike Jonze", "jonze", "spike jonze"):
        new = checked(form(director=named), BOOK, "slack", "T1", "U1", "en")
        assert (new.director, new.command) == ("Spike Jonze", "jonze")
        assert new.text == SAID and new.context is None and new.topic is None


def test_a_new_director_gets_a_command_from_their_name() -> None:
    new = checked(form(director="Agnès Varda"), BOOK, "discord", "G1", "U1", "en")
    assert (new.director, new.command) == ("Agnès Varda", "varda")
    assert command_for("Jean-Luc Godard") == "godard"


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"director": "  "}, "Say whose words"),
        ({"director": "x" * 101}, "at most 100"),
        ({"director": "Q", "command": "quote"}, "cannot be a command"),
        ({"text": "short"}, "too short"),
        ({"text": "w" * 1_501}, "too long"),
        ({"source_url": "javascript:alert(1)"}, "web address"),
        ({"source_url": "https://user:pw@example.org/"}, "web address"),
        ({"source_url": "file:///etc/passwd"}, "web address"),
        ({"context": "c" * 301}, "context is at most"),
        ({"topic": "t" * 101}, "topic is at most"),
    ],
)
def test_a_bad_field_is_named_and_nothing_is_kept(fields: dict[str, str], problem: str) -> None:
    with pytest.raises(FormProblems) as refused:
        checked(form(**fields), BOOK, "slack", "T1", "U1", "en")
    assert any(problem in line for line in refused.value.problems), refused.value.problems


def test_problems_are_said_in_the_members_language() -> None:
    with pytest.raises(FormProblems) as refused:
        checked(form(text="short"), BOOK, "slack", "T1", "U1", "fr")
    assert not any("too short" in line for line in refused.value.problems)


@settings(max_examples=200, deadline=None)
@given(st.text(), st.text(), st.text(), st.text(), st.text())
def test_any_form_is_checked_or_refused_never_an_exception(
    director: str, text: str, url: str, context: str, topic: str
) -> None:
    try:
        new = checked(Form(director, text, url, context, topic), BOOK, "slack", "T", "U", "en")
    except FormProblems as refused:
        assert refused.problems
    else:
        assert new.text and new.source_url.startswith(("http://", "https://"))
        assert "\x00" not in new.text + new.director


# ---- verification against a page on loopback -----------------------------------------


@pytest.fixture
async def site() -> AsyncIterator[str]:
    app = web.Application()

    async def talk(_request: web.Request) -> web.Response:
        return web.Response(text=PAGE, content_type="text/html")

    async def image(_request: web.Request) -> web.Response:
        return web.Response(body=b"\x89PNG", content_type="image/png")

    app.router.add_get("/talk", talk)
    app.router.add_get("/image", image)
    runner = web.AppRunner(app)
    await runner.setup()
    tcp = web.TCPSite(runner, "127.0.0.1", 0)
    await tcp.start()
    port = tcp._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


LOOPBACK = FetchPolicy.from_env({"QUOTEBOT_FETCH_ALLOW": "127.0.0.1"})


async def test_a_quote_in_its_page_is_found_with_its_passage(site: str) -> None:
    found = await verify(SAID.replace("’", "'"), f"{site}/talk", LOOPBACK)
    assert found.outcome == "found" and "Jonze said" in found.detail


async def test_a_changed_word_is_not_found_with_its_diff(site: str) -> None:
    missed = await verify(SAID.replace("really", "truly"), f"{site}/talk", LOOPBACK)
    assert missed.outcome == "not_found" and "really" in missed.detail and "truly" in missed.detail


async def test_an_internal_address_is_refused_without_the_allow_list(site: str) -> None:
    refused = await verify(SAID, f"{site}/talk")
    assert refused.outcome == "unfetched" and "127.0.0.1" in refused.detail


async def test_a_page_that_is_not_text_is_unfetched(site: str) -> None:
    refused = await verify(SAID, f"{site}/image", LOOPBACK)
    assert refused.outcome == "unfetched"


# ---- review and serving ---------------------------------------------------------------


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[SharedStore]:
    made = SharedStore(lambda: SQLiteStore(tmp_path / "state.db"))
    yield made
    made.drop()


def new(community: str = "T1", suggester: str = "U1", **fields: str) -> NewSuggestion:
    return checked(form(**fields), BOOK, "slack", community, suggester, "en")


def _found(id: str, store: Store) -> bool:
    return store.set_verification(id, "found", "{}", 1.0)


def test_ids_round_trip_and_forgeries_are_refused() -> None:
    assert read_press(review_id("ap", "abcdefghij")) is not None
    for forged in ["q1|r|ap|ABCDEFGHIJ", "q1|r|xx|abcdefghij", "q1|r|ap|abc", 42, None, "q1|r|ap|"]:
        assert read_press(forged) is None


def test_a_quote_not_found_can_only_be_approved_as_attributed(shared: SharedStore) -> None:
    review = Review(shared)
    made = review.submit(new())
    shared.call(lambda s: s.set_verification(made.id, "not_found", "{}", 1.0))
    record = shared.call(lambda s: s.suggestion(made.id))
    assert record is not None and verbs_for(record) == ["aa", "rj", "ed"]
    moved, _ = review.decide(read_press(review_id("ap", made.id)), "M1")  # type: ignore[arg-type]
    assert not moved
    moved, after = review.decide(read_press(review_id("aa", made.id)), "M1")  # type: ignore[arg-type]
    assert moved and after is not None and after.status == "approved" and after.as_attributed
    again, _ = review.decide(read_press(review_id("aa", made.id)), "M2")  # type: ignore[arg-type]
    assert not again  # already decided: one winner


def test_the_hourly_cap_is_the_members(shared: SharedStore) -> None:
    review = Review(shared)
    for n in range(10):
        review.submit(new(text=f"{SAID} ({n})"))
    with pytest.raises(SuggestionRefused):
        review.submit(new(text=f"{SAID} (10)"))
    review.submit(new(suggester="U2", text=f"{SAID} (other)"))  # another member may


async def test_approved_quotes_are_served_in_their_community_only(shared: SharedStore) -> None:
    review = Review(shared)
    made = review.submit(new(director="Agnès Varda", topic="beaches"))
    shared.call(lambda s: s.set_verification(made.id, "found", "{}", 1.0))
    shipped = Answerer(BOOK, random.Random(1))
    books = CommunityBooks(
        shipped,
        lambda p, c: shared.call(lambda s: s.approved_version(p, c)),
        lambda p, c: shared.call(lambda s: s.approved(p, c)),
    )
    before = await books.answerer("slack", "T1")
    assert before is shipped  # nothing approved yet: the shipped answerer itself
    review.decide(read_press(review_id("ap", made.id)), "M1")  # type: ignore[arg-type]
    books.forget("slack", "T1")
    here = await books.answerer("slack", "T1")
    answer = here.answer("varda", "beaches")
    assert isinstance(answer, QuoteAnswer) and answer.quote.text == SAID
    assert answer.quote.status == "verified" and answer.quote.source.url.endswith("/talk")
    elsewhere = await books.answerer("slack", "T2")
    assert not isinstance(elsewhere.answer("varda", "beaches"), QuoteAnswer)


def test_an_approved_quote_of_a_book_director_joins_their_pool() -> None:
    from bot.store import SuggestionRecord

    record = SuggestionRecord(
        "abcdefghij", "slack", "T1", "U1", 0.0, "Spike Jonze", "jonze", SAID,
        "https://example.org/talk", None, "editing", "approved", "found", "", "M1", 1.0, "",
        False, None, None, None, 1.0,
    )  # fmt: skip
    book = with_approved(BOOK, [record])
    jonze = book.by_command("jonze")
    assert jonze is not None and SAID in [q.text for q in jonze.by_topic["editing"]]
    assert len(jonze.quotes) == len(BOOK.by_command("jonze").quotes) + 1  # type: ignore[union-attr]


async def test_another_under_a_community_quote_goes_on_through_its_pool(
    shared: SharedStore,
) -> None:
    from bot.answers import another_after, next_quote

    review = Review(shared)
    for n in range(3):
        made = review.submit(new(director="Agnès Varda", text=f"{SAID} Take {n}."))
        shared.call(partial(_found, made.id))
        review.decide(read_press(review_id("ap", made.id)), "M1")  # type: ignore[arg-type]
    books = CommunityBooks(
        Answerer(BOOK, random.Random(1)),
        lambda p, c: shared.call(lambda s: s.approved_version(p, c)),
        lambda p, c: shared.call(lambda s: s.approved(p, c)),
    )
    here = await books.answerer("slack", "T1")
    answer = here.answer("varda", "")
    action = another_after(here, "varda", "", answer)
    assert isinstance(answer, QuoteAnswer) and action is not None
    seen = {answer.quote.text}
    for _ in range(2):
        found = next_quote(here, action)
        assert found is not None and found[1] is not None
        seen.add(found[0].quote.text)
        action = found[1]
    assert len(seen) == 3  # every approved quote once, from the id alone
    # In a community without them, the same id has expired rather than wandering off.
    assert next_quote(await books.answerer("slack", "T2"), action) is None
