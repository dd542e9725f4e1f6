"""Tests of bot.book: quote files, the loader, the compiled book, the shipped quotes."""
