"""Tests of bot.daily: slots, settings, selection, delivery, rounds and /qotd requests."""
