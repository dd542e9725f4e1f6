"""The platforms `quotebot run` takes are the registry's, and the terminal: the parser
lists them without importing the registry (that would import every platform's settings)."""

from __future__ import annotations

from bot.adapters.registry import BY_NAME
from bot.cli.parser import RUN_CHOICES


def test_run_takes_every_registered_platform_and_the_terminal():
    assert sorted(RUN_CHOICES) == sorted([*BY_NAME, "terminal"])
