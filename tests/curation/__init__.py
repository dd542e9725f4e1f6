"""Tests of bot.curation: ingest and verify."""
