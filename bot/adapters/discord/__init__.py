"""The Discord adapter: slash commands with autocomplete and the message command Find the
source, through discord.py's gateway client (or HTTP interactions), the quote of the day
over REST, and the invite URLs (a server's, a user's).

One module per concern: ``render`` (embeds), ``commands`` (the command tree), ``sync``
(registering only on change), ``gateway`` (the connection), ``poster``, ``invite``,
``settings``, and ``service`` (the platform contract).
"""

from bot.adapters.discord.commands import QuoteTree, add_commands, director_command, quote_command
from bot.adapters.discord.gateway import QuoteClient, hold, pin_gateway, use_api_base
from bot.adapters.discord.invite import (
    PERMISSIONS,
    application_id,
    invite_url,
    user_install_url,
)
from bot.adapters.discord.poster import DiscordPoster
from bot.adapters.discord.render import (
    NO_MENTIONS,
    daily_embed,
    miss_content,
    quote_embed,
    render,
    render_source,
    safe,
    topic_embeds,
)
from bot.adapters.discord.service import PLATFORM, DiscordService, run, start
from bot.adapters.discord.settings import DiscordSettings
from bot.adapters.discord.sync import sync_if_changed
from bot.answers import APOLOGY

__all__ = [
    "APOLOGY",
    "NO_MENTIONS",
    "PERMISSIONS",
    "PLATFORM",
    "DiscordPoster",
    "DiscordService",
    "DiscordSettings",
    "QuoteClient",
    "QuoteTree",
    "add_commands",
    "application_id",
    "daily_embed",
    "director_command",
    "hold",
    "invite_url",
    "miss_content",
    "pin_gateway",
    "quote_command",
    "quote_embed",
    "render",
    "render_source",
    "run",
    "safe",
    "start",
    "sync_if_changed",
    "topic_embeds",
    "use_api_base",
    "user_install_url",
]
