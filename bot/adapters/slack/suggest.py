"""The suggestion modals on Slack: ``/quote suggest`` and the Suggest as quote shortcut
open the form (``q1_suggest``), a reviewer's Edit opens it pre-filled (``q1_edit``, the
suggestion's id its private_metadata), and Reject the reason's (``q1_reject``).

Every label is plain text in the member's language; a submission is read strictly, by
the block and action ids written here (anything else counts as empty), and the form's
problems are each put under the field they are about, found by checking that field alone
beside values known to be good.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from bot.answers import N_, translate
from bot.book import QuoteBook
from bot.community import Form, FormProblems, checked
from bot.store import SuggestionRecord

SUGGEST_CALLBACK = "q1_suggest"
EDIT_CALLBACK = "q1_edit"
REJECT_CALLBACK = "q1_reject"
ACTION = "v"  # every input's action_id
# (block id, label, max length, multiline, optional), in the order the modal shows them.
FIELDS = (
    ("director", N_("Director"), 100, False, False),
    ("quote", N_("Quote"), 1_500, True, False),
    ("source", N_("Source (web address)"), 1_000, False, False),
    ("context", N_("Context"), 300, False, True),
    ("topic", N_("Topic"), 100, False, True),
)
REASON_MAX = 300
TITLE = N_("Suggest a quote")
SUBMIT = N_("Suggest")
CANCEL = N_("Cancel")
EDIT_TITLE = N_("Edit a suggestion")
SAVE = N_("Save")
REJECT_TITLE = N_("Reject a suggestion")
REASON = N_("Reason")
REJECT = N_("Reject")
# Values that pass every check: the baseline a field alone is checked beside.
_GOOD = Form("Good Name", "A quote long enough.", "https://example.org/")


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:150], "emoji": False}


def _input(
    block: str, label: str, size: int, lines: bool, optional: bool, value: str = ""
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input", "action_id": ACTION, "max_length": size, "multiline": lines,
    }  # fmt: skip
    if value:
        element["initial_value"] = value[:size]
    return {
        "type": "input", "block_id": block, "label": _plain(label), "element": element,
        "optional": optional,
    }  # fmt: skip


def _form_view(
    callback: str, meta: str, locale: str, values: dict[str, str], title: str, submit: str
) -> dict[str, Any]:
    blocks = [
        _input(block, translate(label, locale), size, lines, optional, values.get(block, ""))
        for block, label, size, lines, optional in FIELDS
    ]
    return _modal(callback, meta, locale, title, submit, blocks)


def _modal(
    callback: str, meta: str, locale: str, title: str, submit: str, blocks: list[dict[str, Any]]
) -> dict[str, Any]:
    """A modal view: its title, submit and close buttons in ``locale``'s language."""
    return {
        "type": "modal",
        "callback_id": callback,
        "private_metadata": meta,
        "title": _plain(translate(title, locale)[:24]),
        "submit": _plain(translate(submit, locale)[:24]),
        "close": _plain(translate(CANCEL, locale)[:24]),
        "blocks": blocks,
    }


def suggest_view(channel: str, team: str, locale: str, text: str = "") -> dict[str, Any]:
    """The suggestion form, its quote pre-filled with ``text`` (cut to fit)."""
    meta = json.dumps({"channel": channel[:30], "team": team[:30]})
    return _form_view(SUGGEST_CALLBACK, meta, locale, {"quote": text}, TITLE, SUBMIT)


def edit_view(record: SuggestionRecord, locale: str) -> dict[str, Any]:
    """The suggestion form filled with ``record``'s fields, to edit it."""
    values = {
        "director": record.director, "quote": record.text, "source": record.source_url,
        "context": record.context or "", "topic": record.topic or "",
    }  # fmt: skip
    return _form_view(EDIT_CALLBACK, record.id, locale, values, EDIT_TITLE, SAVE)


def reject_view(id: str, locale: str) -> dict[str, Any]:
    """The modal asking a rejection's reason, for suggestion ``id``."""
    reason = _input("reason", translate(REASON, locale), REASON_MAX, True, False)
    return _modal(REJECT_CALLBACK, id, locale, REJECT_TITLE, REJECT, [reason])


def value_of(view: object, block: str) -> str:
    """What was typed in ``block`` of a submitted view; "" for anything unexpected."""
    state = view.get("state") if isinstance(view, dict) else None
    values = state.get("values") if isinstance(state, dict) else None
    found = values.get(block) if isinstance(values, dict) else None
    action = found.get(ACTION) if isinstance(found, dict) else None
    value = action.get("value") if isinstance(action, dict) else None
    return value if isinstance(value, str) else ""


def form_of(view: object) -> Form:
    """A submitted suggestion view's form, field by field."""
    director, text, url, context, topic = (value_of(view, f[0]) for f in FIELDS)
    return Form(director, text, url, context, topic)


def metadata_of(view: object) -> tuple[str, str]:
    """The channel and team a suggestion view was opened in ("" for what it does not say)."""
    raw = view.get("private_metadata") if isinstance(view, dict) else None
    try:
        read = json.loads(raw) if isinstance(raw, str) else {}
    except ValueError:
        read = {}
    read = read if isinstance(read, dict) else {}
    channel, team = read.get("channel"), read.get("team")
    return (channel if isinstance(channel, str) else "", team if isinstance(team, str) else "")


def form_errors(form: Form, problems: FormProblems, book: QuoteBook, locale: str) -> dict[str, str]:
    """The form's ``problems`` by block id: each field checked alone beside good values
    (any left unplaced: all under the quote)."""
    errors: dict[str, str] = {}
    fields = {"director": "director", "quote": "text", "source": "source_url"}
    fields |= {"context": "context", "topic": "topic"}
    for block, name in fields.items():
        try:
            checked(replace(_GOOD, **{name: getattr(form, name)}), book, "slack", "", "", locale)
        except FormProblems as exc:
            errors[block] = " ".join(exc.problems)[:150]
    return errors or {"quote": " ".join(problems.problems)[:150]}


__all__ = [
    "EDIT_CALLBACK", "REJECT_CALLBACK", "SUGGEST_CALLBACK", "edit_view", "form_errors",
    "form_of", "metadata_of", "reject_view", "suggest_view", "value_of",
]  # fmt: skip
