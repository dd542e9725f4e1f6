"""Tests of bot.app: the supervisor and the reloader."""
