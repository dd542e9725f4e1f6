"""Where things are, and reading settings from the environment: the bundled quote book,
and the checks every platform's variables go through (values never shown)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from bot.errors import SettingsError

_PACKAGE = Path(__file__).resolve().parent


def bundled_quotes() -> Path:
    """The quotes/ folder that ships with quotebot: inside the installed wheel
    (``bot/quotes``) or, from a source checkout, beside the package."""
    for candidate in (_PACKAGE / "quotes", _PACKAGE.parent / "quotes"):
        if candidate.is_dir():
            return candidate
    return _PACKAGE / "quotes"


def token(env: Mapping[str, str], name: str, prefix: str, what: str) -> str:
    """The secret in ``name``, checked for its ``prefix``; SettingsError names the variable."""
    value = env.get(name, "").strip()
    if not value:
        raise SettingsError(f"{name} is not set")
    if not value.startswith(prefix) or any(c.isspace() for c in value):
        raise SettingsError(f"{name} does not look like {what} (it should start with {prefix})")
    return value


def url(env: Mapping[str, str], name: str, default: str, trailing_slash: bool = False) -> str:
    """A base URL from ``name`` (or ``default``), with or without its trailing slash."""
    value = (env.get(name, "").strip() or default).rstrip("/")
    if not value.startswith(("http://", "https://")):
        raise SettingsError(f"{name} must be an http:// or https:// URL")
    return value + "/" if trailing_slash else value
