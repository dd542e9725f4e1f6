"""The Discord adapter: slash commands with autocomplete through discord.py.

Thin by design: ``/jonze topic:editing`` goes to :meth:`Answerer.answer` as
``("jonze", "editing")`` and the answer comes back as an embed. The client is an
``AutoShardedClient`` (one process for many servers; shards can be split across processes
later) with one application command per director file plus ``/quote``.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import date
from typing import Any
from urllib.parse import urlencode

import aiohttp
import discord
from discord import app_commands
from discord.http import Route, handle_message_parameters

from bot import limits
from bot.answers import Answer, Answerer, Miss, QuoteAnswer, TopicsAnswer
from bot.book import Quote
from bot.daily import DeliveryError, day_label
from bot.matching import complete
from bot.settings import DiscordSettings, SettingsError

log = logging.getLogger("quotebot.discord")

# Discord's limits: message content, embed description, footer, all embeds of a message.
CONTENT_MAX = 2_000
DESCRIPTION_MAX = 4_096
FOOTER_MAX = 2_048
EMBEDS_TOTAL_MAX = 6_000
EMBEDS_PER_MESSAGE = 10
CHOICES_MAX = 25
CHOICE_NAME_MAX = 100
# Send Messages (1 << 11) and Embed Links (1 << 14): all the daily post needs; slash
# command answers need no permission at all.
PERMISSIONS = (1 << 11) | (1 << 14)
COLOUR = discord.Colour(0x1D1C1D)
APOLOGY = "Sorry, something went wrong on our side. Please try again in a moment."
RATE_LIMIT_WAIT_S = 30.0
NO_MENTIONS = discord.AllowedMentions.none()


def safe(text: str) -> str:
    """User-supplied text made inert: no markdown, and ``@everyone``, ``@here`` and
    ``<@id>`` broken with a zero-width space (``allowed_mentions`` also allows nothing)."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def quote_embed(quote: Quote) -> discord.Embed:
    """A quote as an embed: the words, the director as author, context and source below."""
    embed = discord.Embed(description=f"“{quote.text}”"[:DESCRIPTION_MAX], colour=COLOUR)
    embed.set_author(name=quote.director[: limits.DIRECTOR_NAME_MAX], url=quote.source.url or None)
    about = f"{quote.context} · " if quote.context else ""
    embed.set_footer(text=f"{about}{quote.source.citation}"[:FOOTER_MAX])
    return embed


def render(answer: Answer) -> dict[str, Any]:
    """An answer as keyword arguments for ``send_message``: content or embeds, ephemeral."""
    if isinstance(answer, QuoteAnswer):
        return {"embed": quote_embed(answer.quote), "ephemeral": answer.private}
    if isinstance(answer, TopicsAnswer):
        return {"embeds": _topic_embeds(answer), "ephemeral": True}
    return {"content": _miss_text(answer), "ephemeral": True}


def _miss_text(miss: Miss) -> str:
    lines = [safe(miss.message)]
    if miss.suggestions:
        lines.append("Did you mean " + ", ".join(f"**{safe(s)}**" for s in miss.suggestions) + "?")
    if miss.available:
        lines.append("Try: " + ", ".join(safe(a) for a in miss.available))
    lines.append(f"Usage: `{miss.usage}`")
    text = "\n".join(lines)
    return text if len(text) <= CONTENT_MAX else text[: CONTENT_MAX - 1] + "…"


def _topic_embeds(answer: TopicsAnswer) -> list[discord.Embed]:
    embeds: list[discord.Embed] = []
    budget = EMBEDS_TOTAL_MAX
    for index, item in enumerate(answer.listings):
        lines = []
        for name, aliases in item.topics:
            also = f" ({', '.join(aliases)})" if aliases else ""
            lines.append(f"• **{name}**{also}")
        title = f"{item.director}: /{item.command} topic:…"
        description = "\n".join(lines)[:DESCRIPTION_MAX]
        left = len(answer.listings) - index
        if (len(embeds) == EMBEDS_PER_MESSAGE - 1 and left > 1) or (
            len(title) + len(description) > budget - 100
        ):
            embeds.append(discord.Embed(description=f"…and {left} more: ask one director's topics"))
            break
        embeds.append(discord.Embed(title=title, description=description, colour=COLOUR))
        budget -= len(title) + len(description)
    return embeds


class QuoteTree(app_commands.CommandTree[discord.Client]):
    """The command tree, with an error handler: a failing command apologises privately
    and is logged, never left as "The application did not respond"."""

    async def on_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        command = interaction.command.name if interaction.command else "?"
        log.error("/%s failed", command, exc_info=error)
        try:
            if interaction.response.is_done():
                await interaction.followup.send(APOLOGY, ephemeral=True)
            else:
                await interaction.response.send_message(APOLOGY, ephemeral=True)
        except discord.HTTPException:
            log.warning("/%s: could not send the apology either", command)


def _topic_choices(keys: Mapping[str, str], typed: str) -> list[app_commands.Choice[str]]:
    """Autocomplete choices from words people type (names and aliases) to topic names."""
    return [
        app_commands.Choice(name=label[:CHOICE_NAME_MAX], value=value)
        for label, value in complete(keys, typed, CHOICES_MAX)
    ]


def _director_choices(answerer: Answerer, typed: str) -> list[app_commands.Choice[str]]:
    keys = {key: d.command for key, d in answerer.book.director_keys.items()}
    names = {d.command: d.name for d in answerer.book}
    return [
        app_commands.Choice(name=f"{names[value]} (/{value})"[:CHOICE_NAME_MAX], value=value)
        for _label, value in complete(keys, typed, CHOICES_MAX)
    ]


async def _send(interaction: discord.Interaction[Any], answer: Answer) -> None:
    await interaction.response.send_message(**render(answer), allowed_mentions=NO_MENTIONS)


def director_command(
    answerer: Answerer, command: str, name: str
) -> app_commands.Command[Any, ..., None]:
    """``/command [topic]`` for one director file."""

    @app_commands.describe(topic="a topic, an alias, or 'topics' to list them (default: any)")
    async def ask(interaction: discord.Interaction[Any], topic: str | None = None) -> None:
        await _send(interaction, answerer.answer(command, topic or ""))

    slash: app_commands.Command[Any, ..., None] = app_commands.Command(
        name=command, description=f"{name}, in their own words"[:100], callback=ask
    )

    @slash.autocomplete("topic")
    async def topics(
        interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        director = answerer.book.director(command)
        return _topic_choices(director.topic_keys, current) if director is not None else []

    return slash


def quote_command(answerer: Answerer) -> app_commands.Command[Any, ..., None]:
    """``/quote [director] [topic]``: any director, or the one named."""

    @app_commands.describe(
        director="whose words (default: anyone's)", topic="a topic or alias (default: any)"
    )
    async def ask(
        interaction: discord.Interaction[Any], director: str | None = None, topic: str | None = None
    ) -> None:
        text = " ".join(part for part in (director, topic) if part)
        await _send(interaction, answerer.answer(limits.GLOBAL_COMMAND, text))

    slash: app_commands.Command[Any, ..., None] = app_commands.Command(
        name=limits.GLOBAL_COMMAND,
        description="A film director's own words, on the topic you ask for",
        callback=ask,
    )

    @slash.autocomplete("director")
    async def directors(
        interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return _director_choices(answerer, current)

    @slash.autocomplete("topic")
    async def topics(
        interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        chosen = getattr(interaction.namespace, "director", None)
        if chosen:
            director = answerer.book.director(str(chosen))
            if director is not None:
                return _topic_choices(director.topic_keys, current)
        # No director yet: every director's topics, one choice per topic name.
        keys = {k: t for d in answerer.book for k, t in d.topic_keys.items()}
        return _topic_choices(keys, current)

    return slash


def add_commands(tree: QuoteTree, answerer: Answerer, guild: discord.abc.Snowflake | None) -> None:
    """Put ``/quote`` and one command per director on the tree (replacing what was there)."""
    tree.clear_commands(guild=guild)
    tree.add_command(quote_command(answerer), guild=guild)
    for director in answerer.book:
        tree.add_command(director_command(answerer, director.command, director.name), guild=guild)


def _comparable(commands: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """What a command set means to users, in a form equal for local and registered copies
    (Discord adds IDs and versions and leaves out false and empty fields)."""

    def option(o: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "type": o.get("type"),
            "name": o.get("name"),
            "description": o.get("description"),
            "required": bool(o.get("required")),
            "autocomplete": bool(o.get("autocomplete")),
            "choices": o.get("choices") or [],
        }

    return sorted(
        (
            {
                "type": c.get("type", 1),
                "name": c.get("name"),
                "description": c.get("description"),
                "options": [option(o) for o in c.get("options") or []],
                "nsfw": bool(c.get("nsfw")),
            }
            for c in commands
        ),
        key=lambda c: str(c["name"]),
    )


async def sync_if_changed(tree: QuoteTree, guild: discord.abc.Snowflake | None) -> bool:
    """Register the tree's commands with Discord unless they are registered already.

    True when it synced. Restarts with the same quote book cost one GET, not a PUT (a PUT
    of global commands counts against a daily limit)."""
    client = tree.client
    application_id = client.application_id
    assert application_id is not None  # set by login()
    local = [c.to_dict(tree) for c in tree.get_commands(guild=guild)]
    if guild is None:
        registered: Sequence[Mapping[str, Any]] = await client.http.get_global_commands(
            application_id
        )
    else:
        registered = await client.http.get_guild_commands(application_id, guild.id)
    if _comparable(local) == _comparable(registered):
        log.info("Discord: %d commands already registered; not syncing", len(local))
        return False
    await tree.sync(guild=guild)
    where = f"server {guild.id}" if guild is not None else "every server (global)"
    log.info("Discord: synced %d commands to %s", len(local), where)
    return True


class QuoteClient(discord.AutoShardedClient):
    """The bot: answers application commands, syncs them at start when they changed."""

    def __init__(self, answerer: Answerer, settings: DiscordSettings) -> None:
        super().__init__(
            # No privileged intents: slash commands arrive whatever the intents; guilds
            # keeps the server list for logging and for the daily post's channels.
            intents=discord.Intents(guilds=True),
            allowed_mentions=NO_MENTIONS,
        )
        self.answerer = answerer
        self.settings = settings
        self.guild = discord.Object(settings.guild_id) if settings.guild_id else None
        self.tree = QuoteTree(self)
        self.connected = asyncio.Event()
        self._connected_shards: set[int] = set()

    async def setup_hook(self) -> None:
        add_commands(self.tree, self.answerer, self.guild)
        await sync_if_changed(self.tree, self.guild)

    async def on_shard_connect(self, shard_id: int) -> None:
        # READY has arrived on this shard: it can answer interactions from now on, without
        # waiting for discord.py's "ready", which waits for the guild list to go quiet.
        self._connected_shards.add(shard_id)
        log.info("Discord: shard %d connected", shard_id)
        if self.shard_count is not None and len(self._connected_shards) >= self.shard_count:
            self.connected.set()

    async def on_ready(self) -> None:
        log.info(
            "Discord: ready as %s in %d server(s), %d shard(s)",
            self.user,
            len(self.guilds),
            self.shard_count or 1,
        )

    async def refresh(self) -> None:
        """After the quote book is reloaded: rebuild the commands, sync if they changed."""
        add_commands(self.tree, self.answerer, self.guild)
        await sync_if_changed(self.tree, self.guild)


# quotebot has no voice: discord.py's warnings that voice libraries are missing are noise.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False


def use_api_base(api_base: str) -> None:
    """Point discord.py's REST (and so ``GET /gateway/bot``) at ``api_base``."""
    Route.BASE = api_base.rstrip("/")


async def start(answerer: Answerer, settings: DiscordSettings) -> QuoteClient:
    """Log in (checking the token) and sync commands; the caller then runs ``connect``."""
    use_api_base(settings.api_base)
    client = QuoteClient(answerer, settings)
    try:
        await client.login(settings.token)
    except discord.LoginFailure:
        await client.close()
        raise SettingsError(
            "Discord refused DISCORD_TOKEN (401 Unauthorized): reset it in the Developer "
            "Portal (Bot > Reset Token) and set it again"
        ) from None
    except (TimeoutError, aiohttp.ClientError) as exc:
        await client.close()
        raise SettingsError(
            f"cannot reach Discord at {settings.api_base} ({exc.__class__.__name__}); "
            "check the network, or DISCORD_API_BASE if it is set"
        ) from None
    except BaseException:
        await client.close()
        raise
    return client


async def run(
    answerer: Answerer,
    settings: DiscordSettings,
    stop: asyncio.Event,
    on_connected: Callable[[QuoteClient], Awaitable[None] | None] | None = None,
    on_login: Callable[[QuoteClient], None] | None = None,
) -> None:
    """Answer application commands until ``stop`` is set; ``on_connected`` is called once
    every shard has its session (READY)."""
    client = await start(answerer, settings)
    if on_login is not None:  # e.g. to refresh the commands on a reload from now on
        on_login(client)
    connection = asyncio.create_task(client.connect(reconnect=True))
    stopping = asyncio.create_task(stop.wait())
    ready = asyncio.create_task(client.connected.wait())
    try:
        done, _ = await asyncio.wait(
            {connection, stopping, ready}, return_when=asyncio.FIRST_COMPLETED
        )
        if ready in done and on_connected is not None:
            result = on_connected(client)
            if result is not None:
                await result
        if connection not in done:
            await asyncio.wait({connection, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (stopping, ready):
            task.cancel()
        await client.close()
        log.info("Discord: disconnected")
    if connection.done() and not connection.cancelled():
        try:
            connection.result()  # a fatal gateway error surfaces here
        except discord.GatewayNotFound:
            raise SettingsError(
                f"Discord's gateway was not found (GET /gateway/bot at {settings.api_base})"
            ) from None


def daily_embed(quote: Quote, day: date) -> discord.Embed:
    """The quote of the day: the quote's embed, titled with the date."""
    embed = quote_embed(quote)
    embed.title = f"Quote of the day · {day_label(day)}"
    return embed


class DiscordPoster:
    """Posts the quote of the day through Discord's REST API (no gateway connection).

    discord.py's HTTP client already waits out 429s (Retry-After) and retries 5xx; what
    still fails is reported as a DeliveryError, permanent for a missing channel or
    permission."""

    def __init__(self, settings: DiscordSettings) -> None:
        self.settings = settings
        self._http: discord.http.HTTPClient | None = None

    async def _client(self) -> discord.http.HTTPClient:
        if self._http is None:
            use_api_base(self.settings.api_base)
            # discord.py waits out a 429 itself, but not for longer than this: a longer wait
            # is handed back (RateLimited) so that no claim is held past its lease.
            http = discord.http.HTTPClient(
                asyncio.get_running_loop(), max_ratelimit_timeout=RATE_LIMIT_WAIT_S
            )
            try:
                await http.static_login(self.settings.token)
            except discord.LoginFailure:
                await http.close()
                raise DeliveryError("Discord refused DISCORD_TOKEN (401)", True) from None
            except BaseException:  # cancelled mid-login (a shutdown): close its session
                await asyncio.shield(http.close())
                raise
            self._http = http
        return self._http

    async def post(self, channel: str, quote: Quote, day: date) -> str:
        http = await self._client()
        # Discord drops a second message with the same nonce sent within a few minutes,
        # so a retry after a lost response does not post twice.
        nonce = hashlib.sha256(f"{day}/{channel}".encode()).hexdigest()[:25]
        with handle_message_parameters(
            embed=daily_embed(quote, day), allowed_mentions=NO_MENTIONS, nonce=nonce
        ) as params:
            try:
                message = await http.send_message(channel, params=params)
            except discord.NotFound as exc:
                raise DeliveryError(f"unknown channel (404, code {exc.code})", True) from None
            except discord.Forbidden as exc:
                raise DeliveryError(
                    f"no access or permission to post there (403, code {exc.code}): the bot "
                    "needs View Channel, Send Messages and Embed Links",
                    True,
                ) from None
            except discord.RateLimited as exc:
                raise DeliveryError("rate limited (429)", False, exc.retry_after) from None
            except discord.DiscordServerError as exc:
                raise DeliveryError(f"Discord server error ({exc.status})", False) from None
            except discord.HTTPException as exc:
                permanent = exc.status != 429
                raise DeliveryError(f"HTTP {exc.status}: {exc.text}", permanent) from None
            except (TimeoutError, aiohttp.ClientError) as exc:
                raise DeliveryError(f"network: {exc.__class__.__name__}", False) from None
        return str(message["id"])

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http = None


def invite_url(client_id: str | int) -> str:
    """The OAuth2 URL that adds the bot to a server with the scopes and permissions it needs."""
    query = urlencode(
        {
            "client_id": str(client_id),
            "scope": "bot applications.commands",
            "permissions": str(PERMISSIONS),
            "integration_type": "0",
        }
    )
    return f"https://discord.com/oauth2/authorize?{query}"


async def application_id(settings: DiscordSettings) -> int:
    """The application's ID, asked of Discord with the bot token."""
    use_api_base(settings.api_base)
    http = discord.http.HTTPClient(asyncio.get_running_loop())
    try:
        await http.static_login(settings.token)
        data = await http.application_info()
        return int(data["id"])
    except discord.LoginFailure:
        raise SettingsError("Discord refused DISCORD_TOKEN (401 Unauthorized)") from None
    finally:
        await http.close()
