"""Tests of bot.store on SQLite (and on PostgreSQL: those are system tests)."""
