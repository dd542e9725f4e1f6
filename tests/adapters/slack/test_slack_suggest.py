"""Suggesting quotes on Slack and reviewing them: the real slack-bolt against the fake
Slack, over Socket Mode and over HTTP, the source page served on 127.0.0.1."""

from __future__ import annotations

import asyncio
import html
import json
import urllib.parse
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.adapters import slack
from bot.adapters.slack import SlackSettings
from bot.adapters.slack.reviewing import settled
from bot.daily.desk import QotdDesk
from bot.store.records import SuggestionRecord
from tests.adapters.slack.bots import CONFIG_ADMIN
from tests.fakes.slack import (
    ADMIN,
    APP_TOKEN,
    BOT_TOKEN,
    MEMBER,
    SIGNING_SECRET,
    FakeSlack,
    form_body,
    json_headers,
    signed_headers,
)
from tests.fixtures import post_command

QUOTE = "Cinema is the most beautiful fraud in the world, and we love it <!channel>."
REVIEWS = "C0REVIEWS1"
FIELDS = ("director", "quote", "source", "context", "topic")


@dataclass
class SuggestBot:
    """quotebot in one mode; ``interactive`` returns the response's payload ({} if empty)."""

    fake: FakeSlack
    desk: QotdDesk
    command: Callable[..., Awaitable[dict[str, Any]]]
    interactive: Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]
    # An Events API event (a DM, the Home tab opened) from workspace ``team``.
    event: Callable[..., Awaitable[None]]


@pytest.fixture(params=["socket", "http"])
async def sbot(request, fake: FakeSlack, answerer, desk: QotdDesk) -> AsyncIterator[SuggestBot]:
    stop = asyncio.Event()
    if request.param == "socket":
        settings = SlackSettings(BOT_TOKEN, app_token=APP_TOKEN, api_url=fake.api_url)
        task = asyncio.create_task(slack.run(answerer, settings, stop, desk=desk))
        await fake.connected()

        async def command(name: str, text: str, **extra: str) -> dict[str, Any]:
            return dict((await fake.slash_command(name, text, **extra)).get("payload") or {})

        async def interactive(payload: dict[str, Any]) -> dict[str, Any]:
            return dict((await fake.send_envelope("interactive", payload)).get("payload") or {})

        async def event(payload: dict[str, Any], team: str = "T0FILMCLB") -> None:
            await fake.send_envelope("events_api", fake.event_callback(payload, team))

    else:
        settings = SlackSettings(BOT_TOKEN, signing_secret=SIGNING_SECRET, api_url=fake.api_url)
        listening: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(
            slack.run(
                answerer, settings, stop, ("127.0.0.1", 0),
                lambda host, port: listening.set_result(f"http://{host}:{port}"), desk=desk,
            )
        )  # fmt: skip
        base = await asyncio.wait_for(listening, 10)

        async def command(name: str, text: str, **extra: str) -> dict[str, Any]:
            body = form_body(fake.command_payload(name, text, **extra))
            status, payload = await post_command(base, fake, "", body=body)
            assert status == 200, payload
            return payload if isinstance(payload, dict) else {}

        async def interactive(payload: dict[str, Any]) -> dict[str, Any]:
            body = urllib.parse.urlencode({"payload": json.dumps(payload)})
            async with (
                aiohttp.ClientSession() as session,
                session.post(f"{base}/slack/events", data=body, headers=signed_headers(body)) as r,
            ):
                assert r.status == 200, await r.text()
                raw = await r.text()
                return json.loads(raw) if raw.startswith("{") else {}

        async def event(payload: dict[str, Any], team: str = "T0FILMCLB") -> None:
            body = json.dumps(fake.event_callback(payload, team))
            async with (
                aiohttp.ClientSession() as session,
                session.post(f"{base}/slack/events", data=body, headers=json_headers(body)) as r,
            ):
                assert r.status == 200, await r.text()

    yield SuggestBot(fake, desk, command, interactive, event)
    stop.set()
    await asyncio.wait_for(task, 10)


@pytest.fixture
async def page(monkeypatch) -> AsyncIterator[str]:
    """A source page on 127.0.0.1 (allowed to be fetched) holding QUOTE; /other does not."""
    monkeypatch.setenv("QUOTEBOT_FETCH_ALLOW", "127.0.0.1")
    app = web.Application()
    said = f"<p>She said: “{html.escape(QUOTE)}”</p>"
    body = f"<html><head><title>Interview</title></head><body>{said}</body></html>"

    async def serve(request: web.Request) -> web.Response:
        text = body if request.path == "/interview" else "<html><body><p>Nothing.</p></body></html>"
        return web.Response(text=text, content_type="text/html")

    app.router.add_get("/{name}", serve)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


def submission(
    callback: str, values: dict[str, str], user: str = MEMBER, meta: str = ""
) -> dict[str, Any]:
    """A ``view_submission`` payload of a modal with ``values`` by block id."""
    state = {block: {"v": {"type": "plain_text_input", "value": v}} for block, v in values.items()}
    return {
        "type": "view_submission", "team": {"id": "T0FILMCLB", "domain": "film-club"},
        "user": {"id": user, "username": "ana", "name": "ana", "team_id": "T0FILMCLB"},
        "api_app_id": "A0QUOTEBOT", "token": "gIkuvaNzQIHg97ATvDxqgjtO", "trigger_id": "1.2.3",
        "view": {
            "id": "V0MODAL1", "team_id": "T0FILMCLB", "type": "modal", "callback_id": callback,
            "private_metadata": meta, "state": {"values": state}, "hash": "1.abc",
            "app_id": "A0QUOTEBOT", "bot_id": "B0QUOTEBOT", "blocks": [],
        },
    }  # fmt: skip


def form(url: str, **changes: str) -> dict[str, str]:
    made = {
        "director": "Agnès Varda",
        "quote": QUOTE,
        "source": url,
        "context": "",
        "topic": "cinema",
    }
    return made | changes


def stored(desk: QotdDesk, team: str = "T0FILMCLB") -> list[SuggestionRecord]:
    return desk.store.call(lambda s: s.suggestions("slack", team))


def posts_in(fake: FakeSlack, channel: str) -> list[dict[str, Any]]:
    return [m for m in fake.messages if m.get("channel") == channel]


async def suggested(sbot: SuggestBot, url: str, review_channel: bool = True) -> SuggestionRecord:
    """A suggestion made through the form, checked and (with a review channel) posted."""
    if review_channel:
        said = await sbot.command("/quote", "review-channel", user_id=ADMIN, channel_id=REVIEWS)
        assert "<#C0REVIEWS1>" in said["text"]
    assert await sbot.interactive(submission("q1_suggest", form(url))) == {}
    await settled()
    [record] = stored(sbot.desk)
    return record


def buttons_of(message: dict[str, Any]) -> dict[str, str]:
    [actions] = [b for b in message["blocks"] if b["type"] == "actions"]
    return {e["text"]["text"]: e["action_id"] for e in actions["elements"]}


async def test_quote_suggest_opens_the_form(sbot):
    assert await sbot.command("/quote", "suggest") in ({}, {"text": ""})
    [modal] = sbot.fake.modals
    assert modal["callback_id"] == "q1_suggest"
    assert [b["block_id"] for b in modal["blocks"]] == list(FIELDS)
    sizes = {b["block_id"]: b["element"]["max_length"] for b in modal["blocks"]}
    assert sizes == {"director": 100, "quote": 1500, "source": 1000, "context": 300, "topic": 100}
    assert json.loads(modal["private_metadata"]) == {"channel": "C0FILMCLUB", "team": "T0FILMCLB"}


async def test_the_shortcut_prefills_the_quote(sbot):
    await sbot.interactive(sbot.fake.message_action("x" * 2000 + "y", callback_id="suggest_quote"))
    [modal] = sbot.fake.modals
    [quote] = [b for b in modal["blocks"] if b["block_id"] == "quote"]
    assert quote["element"]["initial_value"] == "x" * 1500


async def test_a_bad_submission_is_sent_back_with_errors_by_field(sbot):
    made = await sbot.interactive(submission("q1_suggest", form("ftp://nope", quote="short")))
    assert made["response_action"] == "errors"
    assert set(made["errors"]) == {"quote", "source"}
    assert stored(sbot.desk) == []


async def test_a_good_submission_is_kept_checked_posted_and_receipted(sbot, page):
    record = await suggested(sbot, f"{page}/interview")
    assert (record.status, record.outcome, record.command) == ("open", "found", "varda")
    [receipt] = posts_in(sbot.fake, MEMBER)
    assert receipt["text"].startswith("Thanks! Your suggestion is kept")
    [post] = posts_in(sbot.fake, REVIEWS)
    shown = json.dumps(post["blocks"])
    assert "&lt;!channel&gt;" in shown and "<!channel>" not in shown
    assert f"Suggested by <@{MEMBER}>" in shown and "Found in its source." in shown
    assert list(buttons_of(post)) == ["Approve", "Reject", "Edit"]
    assert (record.review_channel, record.review_message) == (REVIEWS, post["ts"])


async def test_a_quote_not_on_its_page_is_only_approved_as_attributed(sbot, page):
    record = await suggested(sbot, f"{page}/other")
    assert record.outcome == "not_found"
    [post] = posts_in(sbot.fake, REVIEWS)
    assert list(buttons_of(post)) == ["Approve as attributed", "Reject", "Edit"]


async def test_without_a_review_channel_nothing_is_posted(sbot, page):
    await suggested(sbot, f"{page}/interview", review_channel=False)
    assert posts_in(sbot.fake, REVIEWS) == []
    said = await sbot.command("/quote", "review", user_id=ADMIN)
    assert "review-channel" in json.dumps(said) and "Approve" in json.dumps(said)


async def test_a_member_may_not_review(sbot, page):
    record = await suggested(sbot, f"{page}/interview")
    press = sbot.fake.message_button(f"q1|r|ap|{record.id}", f"q1|r|ap|{record.id}")
    await sbot.interactive(press)
    said = await sbot.fake.next_response_post()
    assert "Only this community's moderators" in said.data["text"]
    assert stored(sbot.desk)[0].status == "open"
    reply = await sbot.command("/quote", "review-channel")
    assert "Only this community's moderators" in reply["text"]


async def test_approve_updates_the_post_tells_the_member_and_serves_it_here_only(sbot, page):
    record = await suggested(sbot, f"{page}/interview")
    assert (await sbot.command("/varda", ""))["response_type"] == "ephemeral"  # not yet
    approve = f"q1|r|ap|{record.id}"
    await sbot.interactive(sbot.fake.message_button(approve, approve, user=ADMIN))
    assert stored(sbot.desk)[0].status == "approved"
    [post] = posts_in(sbot.fake, REVIEWS)
    assert f"Approved by <@{ADMIN}>" in json.dumps(post["blocks"])
    assert list(buttons_of(post)) == ["Remove"]
    told = posts_in(sbot.fake, MEMBER)[-1]["text"]
    assert told.startswith("Your suggested quote of Agnès Varda was approved")
    here = await sbot.command("/varda", "")
    assert "most beautiful fraud" in json.dumps(here)
    elsewhere = await sbot.command("/varda", "", team_id="T0OTHERWS")
    assert "most beautiful fraud" not in json.dumps(elsewhere)
    # A second approval: already decided.
    await sbot.interactive(sbot.fake.message_button(approve, approve, user=CONFIG_ADMIN))
    said = await sbot.fake.next_response_post()
    assert "already decided (approved)" in said.data["text"]
    # Removed: no longer answered.
    remove = f"q1|r|rm|{record.id}"
    await sbot.interactive(sbot.fake.message_button(remove, remove, user=ADMIN))
    assert stored(sbot.desk)[0].status == "removed"
    assert "Removed by" in json.dumps(posts_in(sbot.fake, REVIEWS)[0]["blocks"])
    assert "most beautiful fraud" not in json.dumps(await sbot.command("/varda", ""))


async def test_reject_asks_the_reason(sbot, page):
    record = await suggested(sbot, f"{page}/interview")
    reject = f"q1|r|rj|{record.id}"
    await sbot.interactive(sbot.fake.message_button(reject, reject, user=CONFIG_ADMIN))
    modal = sbot.fake.modals[-1]
    assert (modal["callback_id"], modal["private_metadata"]) == ("q1_reject", record.id)
    reason = {"reason": "Not <!here> a director's words"}
    made = await sbot.interactive(
        submission("q1_reject", reason, user=CONFIG_ADMIN, meta=record.id)
    )
    assert made == {}
    now = stored(sbot.desk)[0]
    assert (now.status, now.reason) == ("rejected", "Not <!here> a director's words")
    shown = json.dumps(posts_in(sbot.fake, REVIEWS)[0]["blocks"])
    assert "Not &lt;!here&gt; a director" in shown and "<!here>" not in shown
    told = posts_in(sbot.fake, MEMBER)[-1]["text"]
    assert "was not approved: Not &lt;!here&gt;" in told
    again = await sbot.interactive(submission("q1_reject", reason, user=ADMIN, meta=record.id))
    assert "already decided" in again["errors"]["reason"]


@pytest.mark.parametrize(
    "action", ["q1|r|ap|aaaaaaaaaa", "q1|r|zz|aaaaaaaaaa", "q1|r|ap|AAAA", "q1|r|ap|<!channel>"]
)
async def test_forged_review_ids_are_refused(sbot, action):
    await sbot.interactive(sbot.fake.message_button(action, action, user=ADMIN))
    said = (await sbot.fake.next_response_post()).data["text"]
    assert said in ("That button is not one of mine.", "That suggestion no longer exists.")


async def test_another_workspaces_suggestion_cannot_be_pressed(sbot, page):
    record = await suggested(sbot, f"{page}/interview")
    press = sbot.fake.message_button(f"q1|r|ap|{record.id}", f"q1|r|ap|{record.id}", user=ADMIN)
    press["team"] = {"id": "T0OTHERWS", "domain": "other"}
    await sbot.interactive(press)
    assert "no longer exists" in (await sbot.fake.next_response_post()).data["text"]
    assert stored(sbot.desk)[0].status == "open"


def test_the_manifest_has_the_suggest_shortcut(answerer):
    shortcuts = slack.manifest(answerer.book)["features"]["shortcuts"]
    [suggest] = [s for s in shortcuts if s["callback_id"] == "suggest_quote"]
    assert (suggest["name"], suggest["type"]) == ("Suggest as quote", "message")
    assert 1 <= len(suggest["description"]) <= 80


async def test_an_approved_quote_is_answered_in_dms_and_the_home_tab_of_its_workspace(sbot, page):
    record = await suggested(sbot, f"{page}/interview")
    approve = f"q1|r|ap|{record.id}"
    await sbot.interactive(sbot.fake.message_button(approve, approve, user=ADMIN))
    await sbot.event(sbot.fake.dm_event("varda"))
    assert "most beautiful fraud" in json.dumps(posts_in(sbot.fake, "D0MEMBER01")[-1])
    await sbot.event(sbot.fake.dm_event("varda"), team="T0OTHERWS")
    assert "most beautiful fraud" not in json.dumps(posts_in(sbot.fake, "D0MEMBER01")[-1])
    await sbot.event(sbot.fake.home_opened(MEMBER))
    assert "topic:varda:" in json.dumps(sbot.fake.views[MEMBER])
    await sbot.event(sbot.fake.home_opened(MEMBER), team="T0OTHERWS")
    assert "topic:varda:" not in json.dumps(sbot.fake.views[MEMBER])


def published(desk: QotdDesk, team: str = "T0FILMCLB") -> bool | None:
    settings = desk.store.call(lambda s: s.review_settings("slack", team))
    return None if settings is None else settings.published


async def test_a_reviewer_publishes_the_workspaces_quotes_on_the_web_and_stops(sbot):
    said = await sbot.command("/quote", "publish on", user_id=ADMIN)
    assert said["response_type"] == "ephemeral"
    assert said["text"].startswith("This community's approved quotes are now published")
    assert published(sbot.desk) is True
    said = await sbot.command("/quote", "publish OFF", user_id=ADMIN)
    assert said["text"].startswith("This community's approved quotes are no longer published")
    assert published(sbot.desk) is False
    settings = sbot.desk.store.call(lambda s: s.review_settings("slack", "T0FILMCLB"))
    assert settings.set_by == ADMIN
    usage = await sbot.command("/quote", "publish maybe", user_id=ADMIN)
    assert "`/quote publish on`" in usage["text"] and published(sbot.desk) is False


async def test_a_member_may_not_publish(sbot):
    said = await sbot.command("/quote", "publish on")
    assert said["response_type"] == "ephemeral"
    assert "Only this community's moderators" in said["text"]
    assert published(sbot.desk) is None
