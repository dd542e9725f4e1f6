"""Editing a suggestion from its review post on Slack, over Socket Mode and over HTTP: the
Edit button (reviewers only), its form pre-filled, a bad edit's problems under their
fields, a good one kept, checked again against the page on 127.0.0.1 when its quote or
source changed, and the post updated in place (chat.update); an approved one, another
workspace's and forged ids refused."""

from __future__ import annotations

import json
from typing import Any

from bot.adapters.slack.reviewing import settled
from tests.adapters.slack.bots import CONFIG_ADMIN
from tests.adapters.slack.test_slack_suggest import (
    FIELDS,
    QUOTE,
    REVIEWS,
    buttons_of,
    form,
    page,
    posts_in,
    sbot,
    stored,
    submission,
    suggested,
)
from tests.fakes.slack import ADMIN, MEMBER

__all__ = ["page", "sbot"]  # the fixtures, used here

NEW_QUOTE = "A film is a conversation the audience finishes, long after the lights come up."
NOT_MINE = "That button is not one of mine."


def pressed(sbot, action: str, user: str = ADMIN, team: str = "") -> dict[str, Any]:
    made: dict[str, Any] = sbot.fake.message_button(action, action, user=user)
    if team:
        made["team"] = {"id": team, "domain": "other"}
    return made


async def test_the_post_carries_edit_pressed_by_reviewers_only_prefilled(sbot, page):
    record = await suggested(sbot, f"{page}/interview")
    [post] = posts_in(sbot.fake, REVIEWS)
    edit = buttons_of(post)["Edit"]
    assert edit == f"q1|r|ed|{record.id}"
    await sbot.interactive(pressed(sbot, edit, user=MEMBER))
    said = await sbot.fake.next_response_post()
    assert "Only this community's moderators" in said.data["text"]
    assert sbot.fake.modals == []
    await sbot.interactive(pressed(sbot, edit, team="T0OTHERWS"))
    assert "no longer exists" in (await sbot.fake.next_response_post()).data["text"]
    await sbot.interactive(pressed(sbot, edit, user=CONFIG_ADMIN))
    [modal] = sbot.fake.modals
    assert (modal["callback_id"], modal["private_metadata"]) == ("q1_edit", record.id)
    assert [b["block_id"] for b in modal["blocks"]] == list(FIELDS)
    shown = {b["block_id"]: b["element"].get("initial_value") for b in modal["blocks"]}
    assert shown == {
        "director": "Agnès Varda", "quote": QUOTE, "source": f"{page}/interview",
        "context": None, "topic": "cinema",
    }  # fmt: skip


async def test_a_bad_edit_is_sent_back_with_its_problems(sbot, page):
    record = await suggested(sbot, f"{page}/interview")
    bad = form("ftp://nope", quote="short")
    made = await sbot.interactive(submission("q1_edit", bad, user=ADMIN, meta=record.id))
    assert made["response_action"] == "errors" and set(made["errors"]) == {"quote", "source"}
    now = stored(sbot.desk)[0]
    assert (now.text, now.source_url, now.edited_by) == (QUOTE, f"{page}/interview", None)


async def test_a_good_edit_is_kept_checked_again_and_updates_the_post(sbot, page):
    record = await suggested(sbot, f"{page}/other")
    assert record.outcome == "not_found"
    [post] = posts_in(sbot.fake, REVIEWS)
    assert list(buttons_of(post)) == ["Approve as attributed", "Reject", "Edit"]
    changed = form(f"{page}/interview", context="Cannes, 1962", topic="fraud")
    made = await sbot.interactive(submission("q1_edit", changed, user=ADMIN, meta=record.id))
    assert made == {}
    await settled()
    now = stored(sbot.desk)[0]
    assert (now.status, now.outcome, now.source_url) == ("open", "found", f"{page}/interview")
    assert (now.context, now.topic, now.edited_by) == ("Cannes, 1962", "fraud", ADMIN)
    [post] = posts_in(sbot.fake, REVIEWS)  # updated in place, not posted again
    shown = json.dumps(post["blocks"])
    assert "Found in its source." in shown and "Cannes, 1962" in shown and "fraud" in shown
    assert list(buttons_of(post)) == ["Approve", "Reject", "Edit"]
    assert len(sbot.fake.calls_to("chat.update")) == 2  # as edited, then as checked again
    approve = buttons_of(post)["Approve"]
    await sbot.interactive(pressed(sbot, approve))
    assert stored(sbot.desk)[0].status == "approved"


async def test_a_new_quote_is_checked_again_and_the_context_alone_is_not(sbot, page):
    record = await suggested(sbot, f"{page}/interview")
    quote = form(f"{page}/interview", quote=NEW_QUOTE)
    assert await sbot.interactive(submission("q1_edit", quote, user=ADMIN, meta=record.id)) == {}
    await settled()
    now = stored(sbot.desk)[0]
    assert (now.text, now.outcome) == (NEW_QUOTE, "not_found")
    [post] = posts_in(sbot.fake, REVIEWS)
    assert "Not found in its source" in json.dumps(post["blocks"])
    assert list(buttons_of(post)) == ["Approve as attributed", "Reject", "Edit"]
    context = form(f"{page}/interview", quote=NEW_QUOTE, context="On set")
    made = await sbot.interactive(submission("q1_edit", context, user=ADMIN, meta=record.id))
    assert made == {}
    await settled()
    assert (stored(sbot.desk)[0].context, stored(sbot.desk)[0].outcome) == ("On set", "not_found")
    assert len(sbot.fake.calls_to("chat.update")) == 3  # 2 for the quote, 1 for the context


async def test_an_approved_suggestion_cannot_be_edited(sbot, page):
    record = await suggested(sbot, f"{page}/interview")
    await sbot.interactive(pressed(sbot, f"q1|r|ap|{record.id}"))
    await sbot.interactive(pressed(sbot, f"q1|r|ed|{record.id}"))
    said = await sbot.fake.next_response_post()
    assert "already decided (approved)" in said.data["text"]
    assert sbot.fake.modals == []
    late = form(f"{page}/interview", quote=NEW_QUOTE)
    made = await sbot.interactive(submission("q1_edit", late, user=ADMIN, meta=record.id))
    assert "already decided (approved)" in made["errors"]["quote"]
    assert stored(sbot.desk)[0].text == QUOTE


async def test_forged_and_foreign_edits_are_refused(sbot, page):
    record = await suggested(sbot, f"{page}/interview")
    good = form(f"{page}/interview", quote=NEW_QUOTE)
    for meta in ("", "AAAAAAAAAA", f"{record.id}|x", '{"team": "T0FILMCLB"}'):
        made = await sbot.interactive(submission("q1_edit", good, user=ADMIN, meta=meta))
        assert made["errors"] == {"quote": NOT_MINE}, meta
    unknown = await sbot.interactive(submission("q1_edit", good, user=ADMIN, meta="abcdefghij"))
    assert "no longer exists" in unknown["errors"]["quote"]
    member = await sbot.interactive(submission("q1_edit", good, meta=record.id))
    assert "Only this community's moderators" in member["errors"]["quote"]
    foreign = submission("q1_edit", good, user=ADMIN, meta=record.id)
    foreign["team"] = {"id": "T0OTHERWS", "domain": "other"}
    assert "no longer exists" in (await sbot.interactive(foreign))["errors"]["quote"]
    for action in (f"q1|re|{record.id}", "q1|r|ed|AAAAAAAAAA"):
        await sbot.interactive(pressed(sbot, action))
        assert (await sbot.fake.next_response_post()).data["text"] == NOT_MINE, action
    assert stored(sbot.desk)[0].text == QUOTE
    assert sbot.fake.modals == []
