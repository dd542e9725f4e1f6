"""The gateway connection: discord.py's sharded client, kept to the host Discord's API
named, reading every frame it can and dropping (with one log line) any it cannot."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, MutableMapping
from typing import Any

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.adapters.discord.commands import QuoteTree, add_commands
from bot.adapters.discord.components import answer_press
from bot.adapters.discord.render import NO_MENTIONS
from bot.adapters.discord.review import ReviewDesk
from bot.adapters.discord.settings import DiscordSettings
from bot.adapters.discord.suggest_commands import answer
from bot.adapters.discord.sync import sync_if_changed
from bot.adapters.http.throttle import Throttle
from bot.answers import Answerer
from bot.daily import QotdDesk
from bot.errors import Fatal

log = logging.getLogger("quotebot.discord")

# Gateway close codes after which reconnecting cannot help (discord.py gives up on them).
FATAL_CLOSES = {
    4004: "Discord refused DISCORD_TOKEN on the gateway (close 4004, authentication failed)",
    4010: "Discord refused the shard (close 4010, invalid shard)",
    4011: "Discord requires more shards for this bot (close 4011)",
    4012: "Discord refused the gateway API version (close 4012)",
    4013: "Discord refused the intents (close 4013, invalid intents)",
    4014: "Discord refused the intents (close 4014): quotebot asks for no privileged intent; "
    "check the bot's settings in the Developer Portal",
}
RATE_LIMIT_WAIT_S = 30.0

# quotebot has no voice: discord.py's warnings that voice libraries are missing are noise.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False


def use_api_base(api_base: str) -> None:
    """Point discord.py's REST (and so ``GET /gateway/bot``) at ``api_base``."""
    Route.BASE = api_base.rstrip("/")


def pin_gateway(url: str) -> None:
    """Make ``url`` the gateway of every new session. discord.py falls back to its built-in
    host after a non-resumable INVALID_SESSION (and when shards are given); a bot pointed
    at another API must never identify there. Like Route.BASE, this is process-wide."""
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)


class _FrameGuard:
    """Wraps discord.py's event parsers: a frame one cannot read is dropped and logged
    (at most once a minute per event), instead of ending the whole connection."""

    def __init__(self) -> None:
        self._throttle = Throttle()

    def wrap(self, parsers: MutableMapping[str, Callable[[Any], None]]) -> None:
        for event, parse in list(parsers.items()):
            parsers[event] = self._guarded(event, parse)

    def _guarded(self, event: str, parse: Callable[[Any], None]) -> Callable[[Any], None]:
        def parse_or_drop(data: Any) -> None:  # noqa: ANN401 - a gateway frame's payload
            try:
                parse(data)
            except Exception as exc:  # noqa: BLE001 - whatever the frame broke, drop it alone
                self._drop(event, exc)

        return parse_or_drop

    def _drop(self, event: str, exc: Exception) -> None:
        count = self._throttle.due(event)
        if count:
            log.warning(
                "Discord: dropped %d %s frame(s) discord.py could not read (%s)",
                count,
                event,
                exc.__class__.__name__,
            )


class QuoteClient(discord.AutoShardedClient):
    """The bot: answers application commands, syncs them at start when they changed."""

    def __init__(
        self, answerer: Answerer, settings: DiscordSettings, desk: QotdDesk | None = None
    ) -> None:
        # Unset: as many shards as Discord recommends, all here. Set: this process holds
        # only its share (the others run elsewhere).
        shards: dict[str, Any] = {}
        if settings.shard_count is not None:
            shards["shard_count"] = settings.shard_count
        if settings.shard_ids:
            shards["shard_ids"] = list(settings.shard_ids)
        super().__init__(
            # No privileged intents: slash commands arrive whatever the intents; guilds
            # keeps the server list for logging and for the daily post's channels.
            intents=discord.Intents(guilds=True),
            allowed_mentions=NO_MENTIONS,
            # A longer 429 is handed back (RateLimited) instead of waited out in silence:
            # at start that is one line saying so, not a bot that never comes up.
            max_ratelimit_timeout=RATE_LIMIT_WAIT_S,
            **shards,
        )
        self.answerer = answerer
        self.settings = settings
        self.desk = desk
        self.review = ReviewDesk(answerer, desk, lambda: self.http, time.time)
        self.guild = discord.Object(settings.guild_id) if settings.guild_id else None
        self.tree = QuoteTree(self, answerer)
        self.connected = asyncio.Event()
        self._connected_shards: set[int] = set()
        _FrameGuard().wrap(self._connection.parsers)

    async def setup_hook(self) -> None:
        add_commands(self.tree, self.answerer, self.guild, self.desk, self.review)
        await sync_if_changed(self.tree, self.guild)

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        # The command tree answers commands; a button pressed is answered here.
        kind = interaction.type
        ours = (discord.InteractionType.component, discord.InteractionType.modal_submit)
        if kind in ours and await answer(interaction, self.review):  # a modal, a review button
            return
        if kind == discord.InteractionType.component:  # answered from its server's book
            guild = str(interaction.guild_id) if interaction.guild_id else ""
            here = await self.review.answerer(guild)
            await answer_press(interaction, here)

    async def on_shard_connect(self, shard_id: int) -> None:
        # READY has arrived on this shard: it can answer interactions from now on, without
        # waiting for discord.py's "ready", which waits for the guild list to go quiet.
        self._connected_shards.add(shard_id)
        log.info("Discord: shard %d connected", shard_id)
        mine = len(self.shard_ids) if self.shard_ids else self.shard_count
        if mine is not None and len(self._connected_shards) >= mine:
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
        add_commands(self.tree, self.answerer, self.guild, self.desk, self.review)
        await sync_if_changed(self.tree, self.guild)


def fatal_reason(error: BaseException) -> str | None:
    """Why the gateway can never work with these settings, if that is what ``error`` says."""
    if isinstance(error, discord.PrivilegedIntentsRequired):
        return FATAL_CLOSES[4014]
    if isinstance(error, discord.ConnectionClosed) and error.code in FATAL_CLOSES:
        return FATAL_CLOSES[error.code]
    if isinstance(error, discord.LoginFailure):
        return FATAL_CLOSES[4004]
    if isinstance(error, discord.GatewayNotFound):
        return "Discord's gateway was not found (GET /gateway/bot)"
    return None


async def hold(client: QuoteClient, stop: asyncio.Event) -> None:
    """Keep ``client``'s gateway connection until ``stop`` is set. Fatal when Discord
    closed it for good; any other end is raised for the caller to restart from."""
    connection = asyncio.create_task(client.connect(reconnect=True))
    stopping = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({connection, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
        if not connection.done():
            await client.close()
            # Closed mid-connect, discord.py's launch_shard retries for ever: end it.
            connection.cancel()
            await asyncio.gather(connection, return_exceptions=True)
    if stop.is_set() or connection.cancelled():
        return
    error = connection.exception()
    if error is None:
        raise ConnectionError("the gateway connection ended")
    reason = fatal_reason(error)
    if reason is not None:
        raise Fatal(reason) from None
    raise error
