"""Discord interactions sent over HTTP, as data: verifying their signature, reading their
fields whatever shape a signed body has (a field that is not what it must be is absent),
and writing a response's message. :mod:`bot.adapters.discord.interactions` serves them."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import discord
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from bot.adapters.discord.qotd import lacking_note, may_manage
from bot.adapters.discord.render import NO_MENTIONS, render_source, rendered
from bot.answers import Answer, SourceAnswer
from bot.daily import Asker

EPHEMERAL = 1 << 6
WINDOW_S = 300
# The headers' one form each ([0-9] rather than \d, which takes other scripts' digits too).
SIGNATURE = re.compile(r"[0-9a-fA-F]{128}")
SECONDS = re.compile(r"[0-9]{1,12}")


class InteractionSignature:
    """Discord's request signature: Ed25519 over the timestamp and the raw body, its
    headers taken in one form only (the hex of 64 bytes, upper or lower case; a timestamp
    of digits alone): ``bytes.fromhex`` would skip spaces, and ``int`` a sign, spaces
    and underscores, so the same signed request could come again looking new."""

    def __init__(self, public_key: str, clock: Callable[[], float] = time.time) -> None:
        self._key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key))
        self._clock = clock

    def check(self, all_of: Callable[[str], list[str]], body: bytes) -> tuple[str | None, str]:
        """Why the request cannot be taken as Discord's (None when it can), and what was
        verified, as the replay guard's key: the signature's 64 bytes in lowercase hex."""
        signatures = all_of("X-Signature-Ed25519")
        stamps = all_of("X-Signature-Timestamp")
        if len(signatures) != 1 or len(stamps) != 1:
            return "no signature, or more than one", ""
        stamp, signature = stamps[0], signatures[0]
        if not SECONDS.fullmatch(stamp):
            return "the timestamp is not a whole number of seconds", ""
        if abs(self._clock() - int(stamp)) > WINDOW_S:
            return "the timestamp is more than five minutes away", ""
        if not SIGNATURE.fullmatch(signature):
            return "the signature is not 128 hex digits", ""
        raw = bytes.fromhex(signature)
        try:
            self._key.verify(raw, stamp.encode() + body)
        except InvalidSignature:
            return "the signature does not match", ""
        return None, raw.hex()


def as_object(value: object) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty one (a signed body may say anything)."""
    return value if isinstance(value, dict) else {}


def options_of(data: dict[str, Any]) -> dict[str, str]:
    """A command's (or subcommand's) string options by name; the focused one too."""
    found: dict[str, str] = {}
    options = data.get("options")
    for option in options if isinstance(options, list) else []:
        if isinstance(option, dict) and isinstance(option.get("value"), str | int | float):
            found[str(option.get("name"))] = str(option["value"])
    return found


def focused_of(data: dict[str, Any]) -> tuple[str, str]:
    options = data.get("options")
    for option in options if isinstance(options, list) else []:
        if isinstance(option, dict) and option.get("focused"):
            return str(option.get("name")), str(option.get("value", ""))
    return "", ""


def subcommand_of(data: dict[str, Any]) -> dict[str, Any]:
    options = data.get("options")
    for option in options if isinstance(options, list) else []:
        if isinstance(option, dict) and option.get("type") == 1:
            return option
    return {}


def message(answer: Answer | SourceAnswer, *, locale: str = "") -> dict[str, Any]:
    """An answer as an interaction response's data: content or embeds, mentions inert;
    worded in ``locale``'s language (a fact-check is worded when it is made)."""
    if isinstance(answer, SourceAnswer):
        made = render_source(answer)
    else:
        made = rendered(answer, locale=locale)
    data: dict[str, Any] = {"allowed_mentions": NO_MENTIONS.to_dict()}
    if "content" in made:
        data["content"] = made["content"]
    embeds = [made["embed"]] if "embed" in made else made.get("embeds", [])
    if embeds:
        data["embeds"] = [embed.to_dict() for embed in embeds]
    if made.get("ephemeral"):
        data["flags"] = EPHEMERAL
    return data


MESSAGE_COMMAND = 3


def target_text_of(data: dict[str, Any]) -> str | None:
    """A message command's message text (``data.resolved.messages[target_id].content``);
    None when ``data`` is no message command's, "" when the message holds no text."""
    if data.get("type") != MESSAGE_COMMAND:
        return None
    messages = as_object(as_object(data.get("resolved")).get("messages"))
    content = as_object(messages.get(str(data.get("target_id")))).get("content")
    return content if isinstance(content, str) else ""


def locale_of(payload: dict[str, Any]) -> str:
    """The language of the member who used the command (Discord's ``locale``: ``fr``,
    ``es-419``, ``pt-BR``…); "" when the payload has none (English)."""
    locale = payload.get("locale")
    return locale if isinstance(locale, str) else ""


def private(text: str) -> dict[str, Any]:
    return {"content": text, "flags": EPHEMERAL, "allowed_mentions": NO_MENTIONS.to_dict()}


def bits(value: object) -> int:
    """A permission bit set as Discord sends it (a decimal string); 0 if it is not one."""
    text = str(value or "0")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 40 else 0


def asker_of(payload: dict[str, Any]) -> Asker:
    member = as_object(payload.get("member"))
    user = as_object(member.get("user")) or as_object(payload.get("user"))
    permissions = discord.Permissions(bits(member.get("permissions")))
    name = member.get("nick") or user.get("global_name") or user.get("username") or "someone"
    return Asker(
        platform="discord",
        workspace=str(payload.get("guild_id") or ""),
        channel=str(payload.get("channel_id") or as_object(payload.get("channel")).get("id") or ""),
        user=str(user.get("id") or ""),
        name=discord.utils.escape_markdown(str(name)),
        may_manage=may_manage(permissions),
        in_channel=bool(payload.get("guild_id")),
    )


def lacking_note_of(payload: dict[str, Any], locale: str = "") -> str:
    """What the bot lacks to post in the interaction's channel, as a line ("" if nothing),
    in ``locale``'s language."""
    return lacking_note(discord.Permissions(bits(payload.get("app_permissions"))), locale)
