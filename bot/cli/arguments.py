"""What the command line's parser is made of besides its verbs: the argument types (a
moment, a date), the help formatter, and the stand-in for verbs not asked for — each
chosen so that ``quotebot ask`` builds as little of argparse as it can."""

from __future__ import annotations

import argparse

# Not `from typing import TYPE_CHECKING`: importing typing was a tenth of `quotebot ask`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from datetime import date, datetime
    from typing import Any


def moment_argument(text: str) -> datetime:
    from datetime import datetime

    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise argparse.ArgumentTypeError(
            f"not a time with its offset (2026-12-01T09:05:00+01:00): {text!r}"
        )
    return moment


def address_argument(text: str) -> tuple[str, int]:
    """HOST:PORT (the host may be left out: 127.0.0.1), as --metrics takes it."""
    host, _, port = text.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    if not port.isdigit() or not 0 <= int(port) <= 65535:
        raise argparse.ArgumentTypeError(f"not HOST:PORT (127.0.0.1:9464): {text!r}")
    return host, int(port)


def date_argument(text: str) -> date:
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


class Skipped:
    """Stands in for the parser of a verb not asked for: building all of argparse's
    parsers (and their help formatters) was a tenth of what `quotebot ask` cost."""

    def add_argument(self, *names: str, **options: Any) -> object:  # noqa: ANN401
        return None

    def set_defaults(self, **values: Any) -> None:  # noqa: ANN401
        return None


class Verbs:
    """The verbs' subparsers, building only the one asked for (all of them for help)."""

    def __init__(self, action: Any, only: str | None) -> None:  # noqa: ANN401 - argparse's private type
        self._action = action
        self._only = only

    def add_parser(self, name: str, **options: object) -> argparse.ArgumentParser | Skipped:
        if self._only is not None and name != self._only:
            return Skipped()
        options.setdefault("formatter_class", Formatter)
        parser: argparse.ArgumentParser = self._action.add_parser(name, **options)
        return parser


class Formatter(argparse.HelpFormatter):
    """argparse's help formatter without its import of shutil (5 ms of ``quotebot ask``,
    for a width that only help output needs): the terminal's width found as shutil would."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=_columns() - 2)


def _columns() -> int:
    import os
    import sys

    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80
