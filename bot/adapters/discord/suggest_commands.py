"""The suggestion commands on the gateway: ``/suggest``, *Suggest as quote*, ``/review``
and ``/review-channel`` on the command tree (servers only, the last two shown to
moderators only; ``/review publish:`` publishes the approved quotes on the web, or
stops), each interaction handed to :class:`ReviewDesk` as the payload HTTP
would carry and its response sent back as it is (a modal, an update, a private line)."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.http import Route

from bot.adapters.discord.review import ReviewDesk
from bot.adapters.discord.suggest import SUGGEST_COMMAND
from bot.answers import N_

IN_SERVERS = app_commands.AppCommandContext(guild=True)
SERVER_INSTALL = app_commands.AppInstallationType(guild=True)
MODERATORS = discord.Permissions(manage_guild=True, manage_messages=True)
SUGGEST = N_("Suggest a director's quote for this server's book")
REVIEW = N_("Review the suggested quotes waiting (moderators)")
REVIEW_CHANNEL = N_("Post suggested quotes in this channel for review (moderators)")
PUBLISH = N_("True: publish this server's approved quotes on the web; False: stop")
COUNT = 3  # chat-input commands these add


def payload_of(interaction: discord.Interaction[Any]) -> dict[str, Any]:
    """The interaction as HTTP carries it, as far as :class:`ReviewDesk` reads it."""
    shown = interaction.message
    return {
        "type": interaction.type.value,
        "guild_id": str(interaction.guild_id or ""),
        "channel_id": str(interaction.channel_id or ""),
        "member": {
            "user": {"id": str(interaction.user.id)},
            "permissions": str(interaction.permissions.value if interaction.guild_id else 0),
        },
        "data": interaction.data or {},
        "locale": str(getattr(interaction.locale, "value", "") or ""),
        "message": {"id": str(shown.id)} if shown is not None else {},
    }


async def respond(interaction: discord.Interaction[Any], reply: dict[str, Any]) -> None:
    """Send ``reply`` (an interaction response as HTTP would answer it) as it is."""
    route = Route(
        "POST", "/interactions/{interaction_id}/{interaction_token}/callback",
        interaction_id=interaction.id, interaction_token=interaction.token,
    )  # fmt: skip
    await interaction.client.http.request(route, json=reply)


async def answer(interaction: discord.Interaction[Any], review: ReviewDesk) -> bool:
    """Answer ``interaction`` if it is the desk's (True), else leave it (False)."""
    reply = await review.handle(payload_of(interaction))
    if reply is None:
        return False
    await respond(interaction, reply)
    return True


def add_review_commands(
    tree: app_commands.CommandTree[Any], review: ReviewDesk, guild: discord.abc.Snowflake | None
) -> None:
    """Put the suggestion commands on ``tree``."""

    async def run(interaction: discord.Interaction[Any]) -> None:
        await answer(interaction, review)

    @app_commands.describe(publish=PUBLISH)
    async def review_run(
        interaction: discord.Interaction[Any], publish: bool | None = None
    ) -> None:
        await answer(interaction, review)  # the option is read from the payload

    async def on_message(interaction: discord.Interaction[Any], message: discord.Message) -> None:
        await answer(interaction, review)

    for name, described, moderators in (
        ("suggest", SUGGEST, False), ("review", REVIEW, True),
        ("review-channel", REVIEW_CHANNEL, True),
    ):  # fmt: skip
        command: app_commands.Command[Any, ..., None] = app_commands.Command(
            name=name, description=app_commands.locale_str(described),
            callback=review_run if name == "review" else run,
            allowed_contexts=IN_SERVERS, allowed_installs=SERVER_INSTALL,
        )  # fmt: skip
        if moderators:
            command.default_permissions = MODERATORS
        tree.add_command(command, guild=guild)
    menu = app_commands.ContextMenu(
        name=SUGGEST_COMMAND, callback=on_message,
        allowed_contexts=IN_SERVERS, allowed_installs=SERVER_INSTALL,
    )  # fmt: skip
    tree.add_command(menu, guild=guild)


__all__ = ["COUNT", "add_review_commands", "answer", "payload_of", "respond"]
