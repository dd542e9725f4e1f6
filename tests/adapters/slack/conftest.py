"""The Slack tests' fixtures (tests/adapters/slack/bots.py), for every module here."""

from tests.adapters.slack.bots import answerer, bot, desk, fake, http_bot, socket_bot

__all__ = ["answerer", "bot", "desk", "fake", "http_bot", "socket_bot"]
