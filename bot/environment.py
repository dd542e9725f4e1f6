"""Where things are, and reading settings from the environment: the bundled quote book,
and the checks every platform's variables go through (values never shown).

A variable set to nothing, or to spaces only, is a variable not set: everywhere."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping
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


def setting(env: Mapping[str, str], name: str) -> str:
    """The value of ``name`` without its surrounding spaces; "" when it is not set, set
    to nothing or to spaces only (the three are the same)."""
    return (env.get(name) or "").strip()


def unset_blank(environ: MutableMapping[str, str], names: Iterable[str]) -> list[str]:
    """Remove those of ``names`` that are set to nothing (or spaces) from ``environ``, for
    a library that takes a variable set to "" as set; the names removed."""
    blank = [name for name in names if name in environ and not setting(environ, name)]
    for name in blank:
        del environ[name]
    return blank


def token(env: Mapping[str, str], name: str, prefix: str, what: str) -> str:
    """The secret in ``name``, checked for its ``prefix``; SettingsError names the variable."""
    value = setting(env, name)
    if not value:
        raise SettingsError(f"{name} is not set")
    if not value.startswith(prefix) or any(c.isspace() for c in value):
        raise SettingsError(f"{name} does not look like {what} (it should start with {prefix})")
    return value


def url(env: Mapping[str, str], name: str, default: str, trailing_slash: bool = False) -> str:
    """A base URL from ``name`` (or ``default``), with or without its trailing slash."""
    value = (setting(env, name) or default).rstrip("/")
    if not value.startswith(("http://", "https://")):
        raise SettingsError(f"{name} must be an http:// or https:// URL")
    return value + "/" if trailing_slash else value
