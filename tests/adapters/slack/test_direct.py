"""The direct path: a slash command the book answers is answered over HTTP without bolt's
dispatch once its member's language is known, with the body bolt's listener would have
given; everything else (/qotd, /quote's verbs, interactivity, a new member, a workspace
not known to be installed) still goes to bolt. The form is read as bolt reads it."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st
from slack_bolt.request.internals import parse_body

from bot.adapters.slack.direct import FORM, NAMES, DirectCommands, Installed, form_fields
from bot.adapters.slack.http import _as_bolt_reads
from bot.adapters.slack.members import Locales, Person
from tests.fakes.slack import form_body

TEAM, MEMBER = "T0FILMCLB", "U0CINEPHILE"


def command(user: str = MEMBER, **fields: str) -> bytes:
    base = {"command": "/jonze", "text": "editing", "team_id": TEAM, "user_id": user,
            "channel_id": "C0FILMCLUB", "response_url": "http://127.0.0.1:9/r",
            "trigger_id": "1.2.3", "enterprise_id": "",
            "is_enterprise_install": "false"}  # fmt: skip
    return form_body({**base, **fields}).encode()


# Text as forms carry it: names and values with escapes, pluses, separators and repeats.
PIECE = st.sampled_from(["command", "text", "team_id", "user_id", "payload", "x", "te%78t",
                         "=", "&", "+", "%2F", "%", "%zz", "%e2%80%99", "%ff", "a", "/",
                         ""])  # fmt: skip


@given(st.lists(PIECE, max_size=30).map("".join))
def test_the_form_is_read_as_bolt_reads_it(form):
    bolts = dict(parse_qsl(form, keep_blank_values=True))
    assert form_fields(form) == {k: v for k, v in bolts.items() if k in NAMES}


@given(st.lists(st.sampled_from(["command=%2Fjonze", "&", "text=", "payload", "pay", "load",
                                  "=", "+", "%", "%70ayload", "%61", "p", "x"]),
                max_size=20).map("".join))  # fmt: skip
def test_bolt_reads_a_form_with_payload_in_it_for_what_it_says(form):
    fields = dict(parse_qsl(form, keep_blank_values=True))
    if "payload" in fields:  # interactivity: untouched
        assert _as_bolt_reads(form, FORM) == form
    else:  # bolt read it as nothing; now as its fields
        assert parse_body(_as_bolt_reads(form, FORM), FORM) == fields


@given(st.dictionaries(st.sampled_from(sorted(NAMES)), st.text(max_size=20), max_size=8))
def test_any_encoded_form_reads_back(fields):
    assert form_fields(urlencode(fields)) == fields


class Asked:
    """A stand-in for the book's answer: which commands reached it, and with what."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str, str]] = []

    async def __call__(self, name: str, text: str, team: str, locale: str) -> str:
        self.calls.append((name, text, team, locale))
        return '{"text": "answered"}'


def direct(installed: Installed | None = None) -> tuple[DirectCommands, Asked, Locales]:
    asked, locales = Asked(), Locales()

    def bolt_only(name: str, text: str) -> bool:
        return name == "/qotd" or (name == "/quote" and text.split()[:1] == ["suggest"])

    return DirectCommands(asked, locales, bolt_only, installed), asked, locales


async def test_a_known_member_is_answered_in_their_language_and_a_new_one_by_bolt():
    path, asked, locales = direct()
    assert await path.answer(FORM, command()) is None  # not known yet: bolt asks users.info
    locales.remember(TEAM, MEMBER, Person(locale="fr-FR"))
    assert await path.answer(FORM, command()) == '{"text": "answered"}'
    assert asked.calls == [("/jonze", "editing", TEAM, "fr-FR")]


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        (FORM, command(command="/qotd", text="09:00")),  # needs bolt's client
        (FORM, command(command="/quote", text="suggest")),  # opens a modal
        (FORM, command(payload='{"type": "block_actions"}')),  # interactivity
        (FORM, command(ssl_check="1")),
        (FORM, command(team="T0OTHER")),  # bolt would read the workspace from it
        (FORM, command(command="jonze")),
        (FORM, command() + "&text=café".encode()),  # a form's bytes are all ASCII
        ("application/json", json.dumps({"command": "/jonze"}).encode()),
        (FORM, b"command=%2Fjonze&text=editing"),  # no member
    ],
)
async def test_what_needs_bolt_goes_to_bolt(content_type, body):
    path, asked, locales = direct()
    locales.remember(TEAM, MEMBER, Person(locale="en-US"))
    assert await path.answer(content_type, body) is None
    assert asked.calls == []


async def test_many_workspaces_only_those_lately_found_installed():
    now = [0.0]
    installed = Installed(clock=lambda: now[0])
    path, asked, locales = direct(installed)
    locales.remember(TEAM, MEMBER, Person(locale="en-US"))
    key = ("", TEAM, False)
    assert await path.answer(FORM, command()) is None  # bolt looks the installation up
    installed.found(key)
    assert await path.answer(FORM, command()) is not None
    now[0] += 61  # found a while ago: asked again
    assert await path.answer(FORM, command()) is None
    installed.found(key)
    installed.forget(None, TEAM)  # uninstalled
    assert await path.answer(FORM, command()) is None
    installed.found(("E0GRID", TEAM, True))
    installed.forget("E0GRID", None)  # the organisation uninstalled
    assert not installed.lately(("E0GRID", TEAM, True))
    assert len(asked.calls) == 1
