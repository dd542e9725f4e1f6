"""Where things are: the bundled quote book and the user's overrides."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled_quotes() -> Path:
    """The quotes/ folder that ships with quotebot: inside the installed wheel
    (``bot/quotes``) or, from a source checkout, beside the package."""
    for candidate in (_PACKAGE / "quotes", _PACKAGE.parent / "quotes"):
        if candidate.is_dir():
            return candidate
    return _PACKAGE / "quotes"
