"""What must happen before any test imports bot, the fixtures' registration, and the
``system`` marker. The helpers and fixtures themselves are in tests/fixtures.py."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Compiled quote books go to a folder of this run's own (and so do the bots it starts),
# never into the user's cache.
os.environ["QUOTEBOT_CACHE"] = tempfile.mkdtemp(prefix="quotebot-cache-")

pytest_plugins = ["tests.fixtures"]

SYSTEM = Path(__file__).resolve().parent / "system"


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark as ``system`` everything under tests/system/ (quotebot as a process, HAProxy)
    and every test on PostgreSQL through the postgres_url fixture, however indirectly. (A
    test asking for it with request.getfixturevalue, as a parameter's case, is not seen
    here: that case carries the marker itself, pytest.param(..., marks=pytest.mark.system).)"""
    for item in items:
        if SYSTEM in item.path.parents or "postgres_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.system)
