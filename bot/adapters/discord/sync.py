"""Registering the commands with Discord, only when what users would see has changed."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import discord
from discord import app_commands
from discord.http import Route

from bot.adapters.discord.translations import CatalogueTranslator

log = logging.getLogger("quotebot.discord")


def comparable(commands: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """What a command set means to users, in a form equal for local and registered copies
    (Discord adds IDs and versions and leaves out false and empty fields)."""

    def option(o: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "type": o.get("type"),
            "name": o.get("name"),
            "description": o.get("description"),
            "required": bool(o.get("required")),
            "autocomplete": bool(o.get("autocomplete")),
            "choices": [_choice(c) for c in o.get("choices") or []],
            **_localized(o),
            # A subcommand's own options (/qotd set time: timezone: …).
            "options": [option(sub) for sub in o.get("options") or []],
        }

    return sorted(
        (
            {
                "type": c.get("type", 1),
                "name": c.get("name"),
                # A message command has none: discord.py sends no field, Discord "".
                "description": c.get("description") or "",
                **_localized(c),
                "options": [option(o) for o in c.get("options") or []],
                "nsfw": bool(c.get("nsfw")),
                # Who sees it by default (/qotd: Manage Channels), and whether in DMs.
                "default_member_permissions": _bits(c.get("default_member_permissions")),
                "dm_permission": c.get("dm_permission", True) is not False,
                # Who may install it (server, user) and where it may be used.
                "integration_types": _kinds(c.get("integration_types")),
                "contexts": _kinds(c.get("contexts")),
            }
            for c in commands
        ),
        key=lambda c: str(c["name"]),
    )


def _localized(thing: Mapping[str, Any]) -> dict[str, Any]:
    # Discord answers null for none, discord.py sends {}.
    return {
        "name_localizations": thing.get("name_localizations") or {},
        "description_localizations": thing.get("description_localizations") or {},
    }


def _choice(choice: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "name": choice.get("name"),
        "value": choice.get("value"),
        "name_localizations": choice.get("name_localizations") or {},
    }


def _kinds(value: object) -> list[int] | None:
    # Unset is null (Discord's default applies); the order of a set never matters.
    return sorted(int(v) for v in value) if isinstance(value, list) else None


def _bits(value: object) -> str | None:
    # discord.py sends the permissions as a number, Discord answers with a string.
    return None if value is None else str(value)


async def sync_if_changed(
    tree: app_commands.CommandTree[discord.Client], guild: discord.abc.Snowflake | None
) -> bool:
    """Register the tree's commands with Discord unless they are registered already.

    True when it synced. Restarts with the same quote book cost one GET, not a PUT (a PUT
    of global commands counts against a daily limit)."""
    client = tree.client
    application_id = client.application_id
    assert application_id is not None  # set by login()
    translator = tree.translator
    if translator is None:
        translator = CatalogueTranslator()
        await tree.set_translator(translator)
    local = [
        await c.get_translated_payload(tree, translator) for c in tree.get_commands(guild=guild)
    ]
    # With every localization, not only the one of the bot's own locale.
    path = "/applications/{application_id}/commands"
    if guild is None:
        route = Route("GET", path, application_id=application_id)
    else:
        path = "/applications/{application_id}/guilds/{guild_id}/commands"
        route = Route("GET", path, application_id=application_id, guild_id=guild.id)
    registered: Sequence[Mapping[str, Any]] = await client.http.request(
        route, params={"with_localizations": "true"}
    )
    if comparable(local) == comparable(registered):
        log.info("Discord: %d commands already registered; not syncing", len(local))
        return False
    await tree.sync(guild=guild)
    where = f"server {guild.id}" if guild is not None else "every server (global)"
    log.info("Discord: synced %d commands to %s", len(local), where)
    return True
