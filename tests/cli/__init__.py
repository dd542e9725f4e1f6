"""Tests of bot.cli, run in this process."""
