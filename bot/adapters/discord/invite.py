"""Adding the bot: the server invite URL with the scopes and permissions it needs, and
the user install URL (the commands for one user, anywhere)."""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode

import discord

from bot.adapters.discord.gateway import use_api_base
from bot.adapters.discord.settings import DiscordSettings
from bot.errors import SettingsError

# View Channel (1 << 10), Send Messages (1 << 11) and Embed Links (1 << 14) to post the
# quote of the day, and Read Message History (1 << 16) to find it again after a crash
# instead of posting it twice. Slash command answers (and /qotd's public line, a
# follow-up to the interaction) need no permission at all.
PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 16)


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


def user_install_url(client_id: str | int) -> str:
    """The OAuth2 URL with which a user installs the app for themselves (a user install:
    the commands in their DMs and in any server, where the bot is no member)."""
    query = urlencode(
        {
            "client_id": str(client_id),
            "integration_type": "1",
            "scope": "applications.commands",
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
