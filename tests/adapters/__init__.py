"""Tests of bot.adapters: rendering, platform limits and caps, against the fakes."""
