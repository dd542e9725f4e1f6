"""The Discord tests' shared fixtures (tests/adapters/discord/interacting.py and
suggesting.py), for every module here."""

from tests.adapters.discord.interacting import bot, gateway
from tests.adapters.discord.suggesting import http, page

__all__ = ["bot", "gateway", "http", "page"]
