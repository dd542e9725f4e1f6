"""Suggesting quotes on Discord, as data: the modals (a suggestion's five fields, the
same pre-filled to edit one, a rejection's reason), their submits read strictly (only the
custom_ids quotebot wrote, each field cut to its maximum), who pressed (a moderator or
not), and the words said.

A modal's id is ``q1|sg`` (a suggestion), ``q1|re|<suggestion id>`` (an edit) or
``q1|rr|<suggestion id>`` (a rejection's reason); anything else submitted is "not one of
mine".
"""

from __future__ import annotations

import re
from typing import Any

from bot.adapters.discord.payload import as_object, bits
from bot.answers import N_, translate
from bot.community import Form
from bot.store import SuggestionRecord

MODAL_SUBMIT, MODAL = 5, 9
SUGGEST_ID = "q1|sg"
_REJECT = re.compile(r"q1\|rr\|([a-z2-7]{10})")
_EDIT = re.compile(r"q1\|re\|([a-z2-7]{10})")
MODERATOR_BITS = 1 << 13 | 1 << 5 | 1 << 3  # Manage Messages, Manage Server, Administrator
SUGGEST_COMMAND = "Suggest as quote"  # the message command's name
REASON_MAX = 300
# The suggestion's fields: (custom_id, label, style 1 short / 2 paragraph, max, required).
FIELDS: tuple[tuple[str, str, int, int, bool], ...] = (
    ("director", N_("Director"), 1, 100, True),
    ("text", N_("Quote"), 2, 1_500, True),
    ("url", N_("Source (a web address where it can be read)"), 1, 1_000, True),
    ("context", N_("What it was said about (optional)"), 1, 300, False),
    ("topic", N_("Topic (optional)"), 1, 100, False),
)
SUGGEST_TITLE = N_("Suggest a quote")
REJECT_TITLE = N_("Reject this suggestion")
EDIT_TITLE = N_("Edit a suggestion")
EDITED = N_("Edited: the review post shows the suggestion as it is now.")
REASON_LABEL = N_("Why (the member is told)")
NEEDS_STORE = N_("Suggestions need quotebot's state store, which this bot does not have.")


def _input(
    custom_id: str, label: str, style: int, max_length: int, required: bool, value: str = ""
) -> dict[str, Any]:
    made: dict[str, Any] = {
        "type": 4, "custom_id": custom_id, "label": label[:45], "style": style,
        "max_length": max_length, "required": required,
    }  # fmt: skip
    if value:
        made["value"] = value[:max_length]
    return {"type": 1, "components": [made]}


def suggest_modal(locale: str, text: str = "") -> dict[str, Any]:
    """The response opening the suggestion modal (``text``: the quote, pre-filled)."""
    rows = [
        _input(cid, translate(label, locale), style, most, required, text if cid == "text" else "")
        for cid, label, style, most, required in FIELDS
    ]
    title = translate(SUGGEST_TITLE, locale)[:45]
    return {"type": MODAL, "data": {"custom_id": SUGGEST_ID, "title": title, "components": rows}}


def edit_modal(record: SuggestionRecord, locale: str) -> dict[str, Any]:
    """The response opening the suggestion modal to edit ``record``, its fields filled."""
    values = {
        "director": record.director, "text": record.text, "url": record.source_url,
        "context": record.context or "", "topic": record.topic or "",
    }  # fmt: skip
    rows = [
        _input(cid, translate(label, locale), style, most, required, values[cid])
        for cid, label, style, most, required in FIELDS
    ]
    title = translate(EDIT_TITLE, locale)[:45]
    custom_id = f"q1|re|{record.id}"
    return {"type": MODAL, "data": {"custom_id": custom_id, "title": title, "components": rows}}


def reject_modal(id: str, locale: str) -> dict[str, Any]:
    """The response asking a rejection's reason."""
    row = _input("reason", translate(REASON_LABEL, locale), 2, REASON_MAX, True)
    title = translate(REJECT_TITLE, locale)[:45]
    return {
        "type": MODAL,
        "data": {"custom_id": f"q1|rr|{id}", "title": title, "components": [row]},
    }


def modal_fields(data: dict[str, Any], wanted: dict[str, int]) -> dict[str, str] | None:
    """A submitted modal's values by custom_id, each cut to its maximum in ``wanted``;
    None when it holds anything quotebot did not ask for, or misses a field."""
    found: dict[str, str] = {}
    rows = data.get("components")
    for row in rows if isinstance(rows, list) else []:
        inner = as_object(row).get("components")
        for item in inner if isinstance(inner, list) else []:
            field = as_object(item)
            cid, value = field.get("custom_id"), field.get("value", "")
            if not isinstance(cid, str) or cid not in wanted or cid in found:
                return None
            if not isinstance(value, str):
                return None
            found[cid] = value[: wanted[cid]]
    return found if set(found) == set(wanted) else None


def suggestion_form(data: dict[str, Any]) -> Form | None:
    """The suggestion a submitted ``q1|sg`` (or ``q1|re|<id>``) modal holds, or None."""
    custom_id = data.get("custom_id")
    if custom_id != SUGGEST_ID and edited_id(custom_id) is None:
        return None
    read = modal_fields(data, {cid: most for cid, _l, _s, most, _r in FIELDS})
    if read is None:
        return None
    return Form(read["director"], read["text"], read["url"], read["context"], read["topic"])


def rejected_id(custom_id: object) -> str | None:
    """The suggestion a ``q1|rr|<id>`` modal rejects, or None."""
    found = _REJECT.fullmatch(custom_id) if isinstance(custom_id, str) else None
    return found[1] if found else None


def edited_id(custom_id: object) -> str | None:
    """The suggestion a ``q1|re|<id>`` modal edits, or None."""
    found = _EDIT.fullmatch(custom_id) if isinstance(custom_id, str) else None
    return found[1] if found else None


def is_moderator(payload: dict[str, Any]) -> bool:
    """Whether the member may review: Manage Messages, Manage Server or Administrator
    in the channel, as the interaction carries it (never in a DM)."""
    member = as_object(payload.get("member"))
    return bool(payload.get("guild_id")) and bool(bits(member.get("permissions")) & MODERATOR_BITS)


def publish_of(payload: dict[str, Any]) -> bool | None:
    """``/review``'s ``publish`` option (a boolean), or None when not given."""
    data = as_object(payload.get("data"))
    options = data.get("options")
    for option in options if isinstance(options, list) else []:
        said = as_object(option)
        if said.get("name") == "publish" and isinstance(said.get("value"), bool):
            return bool(said["value"])
    return None


def user_of(payload: dict[str, Any]) -> str:
    member = as_object(payload.get("member"))
    user = as_object(member.get("user")) or as_object(payload.get("user"))
    found = str(user.get("id") or "")
    return found if found.isascii() and found.isdigit() else ""


def guild_of(payload: dict[str, Any]) -> str:
    found = str(payload.get("guild_id") or "")
    return found if found.isascii() and found.isdigit() else ""


__all__ = [
    "EDITED", "FIELDS", "MODAL_SUBMIT", "SUGGEST_COMMAND", "SUGGEST_ID", "edit_modal",
    "edited_id", "guild_of", "is_moderator", "modal_fields", "publish_of", "reject_modal",
    "rejected_id", "suggest_modal", "suggestion_form", "user_of",
]  # fmt: skip
