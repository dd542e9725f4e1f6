"""The floor for bench/discord_latency.py: quotebot's own Discord client (same class,
intents, allowed_mentions and tree) with one /jonze command that answers a constant
string. Logs like quotebot; serves until killed."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from pathlib import Path

import discord
from discord import app_commands

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.adapters import discord as adapter
from bot.adapters.discord import DiscordSettings
from bot.answers.answerer import Answerer
from bot.book.quote_book import QuoteBook


class Floor(adapter.QuoteClient):
    async def setup_hook(self) -> None:
        async def constant(interaction: discord.Interaction, topic: str | None = None) -> None:
            await interaction.response.send_message("ok", allowed_mentions=adapter.NO_MENTIONS)

        self.tree.add_command(
            app_commands.Command(name="jonze", description="floor", callback=constant)
        )
        await adapter.sync_if_changed(self.tree, None)


async def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("discord").setLevel(logging.WARNING)
    settings = DiscordSettings.from_environ(os.environ)
    adapter.use_api_base(settings.api_base)
    client = Floor(Answerer(QuoteBook([])), settings)
    await client.login(settings.token)
    await client.connect()


if __name__ == "__main__":
    asyncio.run(main())
