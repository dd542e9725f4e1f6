"""The application commands: ``/quote`` and one per director, with autocomplete, and the
message command *Find the source*, on a tree whose error handler always answers
(privately) instead of leaving the user hanging.

The quote commands may be installed on a server or by a user (``integration_types`` 0
and 1) and used in servers, the bot's DMs and private channels (``contexts`` 0, 1, 2):
a member who installed the app uses ``/jonze`` anywhere, answered through the
interaction response, which needs the bot in no server. ``/qotd`` stays server-only."""

from __future__ import annotations

import asyncio
import logging
from time import perf_counter
from typing import Any

import discord
from discord import app_commands

from bot import limits
from bot.adapters import observed
from bot.adapters.discord.components import buttons, did_you_mean, view_of
from bot.adapters.discord.menus import menu_rows
from bot.adapters.discord.qotd import choices, qotd_group
from bot.adapters.discord.render import NO_MENTIONS, render_source, rendered
from bot.adapters.discord.review import ReviewDesk
from bot.adapters.discord.suggest_commands import COUNT, add_review_commands
from bot.adapters.discord.translations import described
from bot.answers import (
    APOLOGY,
    N_,
    Answer,
    Answerer,
    Catalogue,
    CommandInfo,
    Next,
    QuoteAnswer,
    another_after,
    another_after_quote,
    check_source,
    director_choices,
    list_commands,
    quote_topic_choices,
    topic_choices,
    translate,
)
from bot.daily import QotdDesk

log = logging.getLogger("quotebot.discord")

# Where the quote commands may be installed and used: servers and users; server channels,
# the bot's DMs, and DMs and group DMs between users (private channels).
ANY_INSTALL = app_commands.AppInstallationType(guild=True, user=True)
EVERYWHERE = app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=True)


class QuoteTree(app_commands.CommandTree[discord.Client]):
    """The command tree, with an error handler: a command the bot no longer has says so
    and what to use instead; a failing command apologises privately and is logged."""

    def __init__(self, client: discord.Client, answerer: Answerer) -> None:
        super().__init__(client)
        self.answerer = answerer

    async def on_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        try:
            if isinstance(error, app_commands.CommandNotFound):
                await self._gone(interaction, error.name)
                return
            command = interaction.command.name if interaction.command else "?"
            log.error("/%s failed", command, exc_info=error)
            observed.failed("discord")
            sorry = translate(APOLOGY, locale_of(interaction))
            if interaction.response.is_done():
                await interaction.followup.send(sorry, ephemeral=True)
            else:
                await interaction.response.send_message(sorry, ephemeral=True)
        except discord.HTTPException as exc:
            log.warning("could not answer an interaction's error (HTTP %s)", exc.status)

    async def _gone(self, interaction: discord.Interaction[Any], name: str) -> None:
        # Registered once, removed from the book since (or not yet synced where it was used).
        log.info("/%s is not a command any more; told the user what to use", name)
        if interaction.type is discord.InteractionType.autocomplete:
            await interaction.response.autocomplete([])
            return
        await send(interaction, self.answerer.unknown_command(name))


def locale_of(interaction: discord.Interaction[Any]) -> str:
    """The language of the member who used the command (``fr``, ``es-419``, ``pt-BR``…)."""
    return str(getattr(interaction.locale, "value", "") or "")


async def send(
    interaction: discord.Interaction[Any],
    answer: Answer,
    another: Next | None = None,
    command: str = "",
    answerer: Answerer | None = None,
) -> None:
    """Answer an interaction with ``answer`` in the member's language, mentioning no one;
        a quote with its buttons (Another, when ``another`` says where its ask stands), a miss
    of ``command`` with its "did you mean" as buttons (and, with ``answerer``, a miss or
    a topic list with the director's topic menu)."""
    locale = locale_of(interaction)
    made = rendered(answer, locale=locale)
    if isinstance(answer, QuoteAnswer):
        rows = buttons(answer.quote, another, private=answer.private, locale=locale)
        made = {**made, "view": view_of(rows)}
    elif rows := did_you_mean(command, answer) + menu_rows(answerer, command, answer, locale):
        made = {**made, "view": view_of(rows)}
    await interaction.response.send_message(**made, allowed_mentions=NO_MENTIONS)


async def served(interaction: discord.Interaction[Any], answerer: Answerer) -> Answerer:
    """The answerer of the interaction's server (its approved suggestions beside the book)."""
    review = getattr(interaction.client, "review", None)
    if isinstance(review, ReviewDesk):
        return await review.answerer(str(interaction.guild_id or ""))
    return answerer


def director_command(answerer: Answerer, info: CommandInfo) -> app_commands.Command[Any, ..., None]:
    """``/command [topic]`` for one director file."""
    command = info.name

    @app_commands.describe(topic=N_("a topic, an alias, or 'topics' to list them (default: any)"))
    async def ask(interaction: discord.Interaction[Any], topic: str | None = None) -> None:
        began = perf_counter()
        here = await served(interaction, answerer)
        answer = here.answer(command, topic or "")
        another = another_after(here, command, topic or "", answer)
        await send(interaction, answer, another, command, here)
        observed.answered("discord", answer, began)

    slash: app_commands.Command[Any, ..., None] = app_commands.Command(
        name=command, description=described(info), callback=ask,
        allowed_contexts=EVERYWHERE, allowed_installs=ANY_INSTALL,
    )  # fmt: skip

    @slash.autocomplete("topic")
    async def topics(
        interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return choices(topic_choices(answerer.book, command, current))

    return slash


def quote_command(answerer: Answerer, info: CommandInfo) -> app_commands.Command[Any, ..., None]:
    """``/quote [director] [topic]``: any director, or the one named."""

    @app_commands.describe(
        director=N_("whose words (default: anyone's)"), topic=N_("a topic or alias (default: any)")
    )
    async def ask(
        interaction: discord.Interaction[Any], director: str | None = None, topic: str | None = None
    ) -> None:
        began = perf_counter()
        here = await served(interaction, answerer)
        answer = here.answer_quote(director, topic)
        await send(interaction, answer, another_after_quote(here, director, topic, answer))
        observed.answered("discord", answer, began)

    slash: app_commands.Command[Any, ..., None] = app_commands.Command(
        name=info.name, description=described(info), callback=ask,
        allowed_contexts=EVERYWHERE, allowed_installs=ANY_INSTALL,
    )  # fmt: skip

    @slash.autocomplete("director")
    async def directors(
        interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return choices(director_choices(answerer.book, current))

    @slash.autocomplete("topic")
    async def topics(
        interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        chosen = getattr(interaction.namespace, "director", None)
        return choices(quote_topic_choices(answerer.book, str(chosen or ""), current))

    return slash


def source_command(answerer: Answerer) -> app_commands.ContextMenu:
    """The message command *Find the source*: the message's text looked for in the book,
    answered privately (the message itself never echoed)."""

    async def find(interaction: discord.Interaction[Any], message: discord.Message) -> None:
        # Up to a few hundred word searches: off the event loop.
        answer = await asyncio.to_thread(
            check_source, answerer.book, message.content or "", locale=locale_of(interaction)
        )
        await interaction.response.send_message(
            **render_source(answer), allowed_mentions=NO_MENTIONS
        )

    return app_commands.ContextMenu(
        name=limits.SOURCE_COMMAND, callback=find,
        allowed_contexts=EVERYWHERE, allowed_installs=ANY_INSTALL,
    )  # fmt: skip


def add_commands(
    tree: QuoteTree,
    answerer: Answerer,
    guild: discord.abc.Snowflake | None,
    desk: QotdDesk | None = None,
    review: ReviewDesk | None = None,
) -> Catalogue:
    """Put ``/quote``, as many directors' commands as Discord allows and *Find the
    source* on the tree (replacing what was there); the catalogue says who was left out
    (message commands have a cap of their own)."""
    review = review if review is not None and review.desk is not None else None  # needs a store
    listed = list_commands(answerer.book, limits.DISCORD_COMMANDS_MAX - (COUNT if review else 0))
    tree.clear_commands(guild=guild)
    for info in listed.commands:
        if info.kind == "qotd":
            tree.add_command(qotd_group(answerer, info, desk), guild=guild)
            continue
        made = quote_command if info.kind == "quote" else director_command
        tree.add_command(made(answerer, info), guild=guild)
    tree.add_command(source_command(answerer), guild=guild)
    if review is not None:  # /suggest, Suggest as quote, /review, /review-channel
        add_review_commands(tree, review, guild)
    return listed  # who was left out is logged by the face, at start and on each reload
