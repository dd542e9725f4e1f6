"""Tests of bot.answers: matching, rotation, replies, user text, autocomplete."""
