"""``/qotd`` on Discord: ``show``, ``set time: timezone: [days:] [director:]``, ``off`` and
``list``, for members who may manage the channel. The command declares Manage Channels as
its default permission (servers may change who sees it), and each interaction is checked
again against the member's permissions in the channel, which Discord sends with it.

Every private answer is in the member's language (the interaction's ``locale``, mapped as
:func:`bot.answers.language.language_of` maps it; English by default and for any language
without a catalogue). The public line stays English (see :mod:`bot.daily.desk`). Permission
names and the usage are Discord's own words and commands: data, not translated."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord
from discord import app_commands

from bot import limits
from bot.adapters.discord.render import NO_MENTIONS
from bot.answers import ENGLISH, N_, Answerer, Choice, CommandInfo, director_choices, say
from bot.daily import (
    NO_DESK,
    Asker,
    QotdDesk,
    QotdError,
    QotdRequest,
    Wording,
    request_from_options,
    zone_choices,
)

log = logging.getLogger("quotebot.discord")

SET_USAGE = "`/qotd set time:09:00 timezone:Europe/Paris`"
WORDING = Wording(
    set_usage=SET_USAGE,
    who_may=N_("members who may manage this channel (Manage Channels)"),
    channel=lambda channel: f"<#{channel}>",
    user=lambda user: f"<@{user}>",
    budget=limits.DISCORD_CONTENT_MAX,
)
USAGE = N_("Usage: {usage}")
NO_SUCH_ACTION = N_("There is no /qotd {action}.")
CANNOT_POST = N_("(I cannot post here yet: give me {permissions} in this channel.)")
# What the bot needs in a channel to post the quote of the day there.
NEEDED = ("view_channel", "send_messages", "embed_links", "read_message_history")


def may_manage(perms: discord.Permissions) -> bool:
    """Whether a member with ``perms`` in the channel may set up its quote of the day."""
    return perms.manage_channels or perms.administrator


def lacking_note(have: discord.Permissions, locale: str | None = ENGLISH) -> str:
    """What the bot lacks in the channel to post there, as a line to add ("" if nothing)."""
    if have.administrator:
        return ""
    needs = [name.replace("_", " ").title() for name in NEEDED if not getattr(have, name)]
    if not needs:
        return ""
    return "\n" + say(CANNOT_POST, locale, permissions=", ".join(needs))


def refusal(error: QotdError, locale: str | None = ENGLISH) -> str:
    """A /qotd set that cannot be: why, and the usage, in ``locale``'s language."""
    return error.said(locale) + "\n" + say(USAGE, locale, usage=SET_USAGE)


def locale_of(interaction: discord.Interaction[Any]) -> str:
    """The member's locale as Discord sends it (``fr``, ``pt-BR``); "" when none."""
    return str(getattr(interaction.locale, "value", "") or "")


def choices(found: list[Choice]) -> list[app_commands.Choice[str]]:
    """Core suggestions as discord.py's autocomplete choices."""
    return [app_commands.Choice(name=c.label, value=c.value) for c in found]


def _asker(interaction: discord.Interaction[Any]) -> Asker:
    name = discord.utils.escape_markdown(interaction.user.display_name)
    return Asker(
        platform="discord",
        workspace=str(interaction.guild_id or ""),
        channel=str(interaction.channel_id or ""),
        user=str(interaction.user.id),
        name=name,
        may_manage=may_manage(interaction.permissions),
        in_channel=interaction.guild_id is not None,
    )


async def _answer(
    interaction: discord.Interaction[Any], desk: QotdDesk | None, request: QotdRequest
) -> None:
    locale = locale_of(interaction)
    if desk is None:
        await interaction.response.send_message(say(NO_DESK, locale), ephemeral=True)
        return
    reply = await asyncio.to_thread(desk.handle, request, _asker(interaction), WORDING, locale)
    text = reply.private
    if request.action == "set" and reply.public is not None:
        text += lacking_note(interaction.app_permissions, locale)
    await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
    if reply.public is not None:
        try:
            await interaction.followup.send(reply.public, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as exc:
            log.warning("/qotd: could not post the public line (HTTP %s)", exc.status)


def qotd_group(answerer: Answerer, info: CommandInfo, desk: QotdDesk | None) -> app_commands.Group:
    """``/qotd`` and its subcommands, for server channels and channel managers."""
    group = app_commands.Group(
        name=info.name,
        description=info.description,
        default_permissions=discord.Permissions(manage_channels=True),
        guild_only=True,
        # A server's own: never with a user's install, never in a DM.
        allowed_contexts=app_commands.AppCommandContext(guild=True),
        allowed_installs=app_commands.AppInstallationType(guild=True),
    )

    @group.command(name="show", description=N_("This channel's quote of the day, privately"))
    async def show(interaction: discord.Interaction[Any]) -> None:
        await _answer(interaction, desk, QotdRequest("show"))

    @group.command(name="set", description=N_("Post the quote of the day here at a time each day"))
    @app_commands.describe(
        time=N_("when: 09:00, 21:30 or 9am"),
        timezone=N_("an IANA time zone, like Europe/Paris"),
        days=N_("every day (the default) or weekdays"),
        director=N_("only this director's quotes (default: any)"),
    )
    @app_commands.choices(
        days=[
            app_commands.Choice(name=N_("every day"), value="daily"),
            app_commands.Choice(name=N_("weekdays"), value="weekdays"),
        ]
    )
    async def set_(
        interaction: discord.Interaction[Any],
        time: str,
        timezone: str,
        days: str | None = None,
        director: str | None = None,
    ) -> None:
        directors = {d.command for d in answerer.book}
        try:
            request = request_from_options(time, timezone, days, director, directors)
        except QotdError as exc:
            await interaction.response.send_message(
                refusal(exc, locale_of(interaction)), ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        await _answer(interaction, desk, request)

    @set_.autocomplete("timezone")
    async def zones(
        interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return choices(zone_choices(current))

    @set_.autocomplete("director")
    async def directors(
        interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return choices(director_choices(answerer.book, current))

    @group.command(name="off", description=N_("Stop posting the quote of the day here"))
    async def off(interaction: discord.Interaction[Any]) -> None:
        await _answer(interaction, desk, QotdRequest("off"))

    @group.command(
        name="list", description=N_("Every channel of this server with a quote of the day")
    )
    async def list_(interaction: discord.Interaction[Any]) -> None:
        await _answer(interaction, desk, QotdRequest("list"))

    return group
