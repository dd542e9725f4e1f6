"""``python -m bot``: the same as the ``quotebot`` command."""

from bot.cli import entry_point

entry_point()
