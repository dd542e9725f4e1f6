"""What every verb gets: its arguments, the environment, the streams, and the shared steps
(the quotes folder, the quote book, the settings file) done the same way for each."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.environment import bundled_quotes, setting

# Not `from typing import TYPE_CHECKING`: importing typing was a tenth of `quotebot ask`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

    from bot.answers.answerer import Answerer
    from bot.daily.settings_file import DailyConfig

EXIT_OK, EXIT_MISS, EXIT_USAGE = 0, 1, 2

# Libraries whose errors are the outside world failing (a network, a database, a
# platform's API), not a bug in quotebot: a verb reports them in one line.
_OUTSIDE = frozenset(
    {"aiohttp", "discord", "psycopg", "psycopg_pool", "slack_bolt", "slack_sdk", "sqlite3", "ssl"}
)


def outside_failure(exc: BaseException) -> bool:
    """Whether ``exc`` is a failure of files, the network, a store or a platform (said in
    one line, no traceback) rather than a bug (whose traceback is worth reading)."""
    if isinstance(exc, (OSError, EOFError, UnicodeError)):  # files, sockets, time-outs
        return True
    from bot.store.errors import StoreError

    if isinstance(exc, StoreError):
        return True
    return any(kind.__module__.partition(".")[0] in _OUTSIDE for kind in type(exc).__mro__)


class VerbExit(Exception):
    """Ends a verb with ``code`` after its message was written."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


@dataclass
class Context:
    """One run of the ``quotebot`` command."""

    args: argparse.Namespace
    env: Mapping[str, str]
    stdin: TextIO
    out: TextIO
    err: TextIO

    @property
    def quotes(self) -> Path:
        given: Path | None = getattr(self.args, "quotes", None)
        return given or Path(setting(self.env, "QUOTEBOT_QUOTES") or bundled_quotes())

    def fail(self, message: str, code: int = EXIT_USAGE) -> VerbExit:
        """Write ``error: message`` and return the exit to raise."""
        self.err.write(f"error: {message}\n")
        return VerbExit(code)

    def answerer(self, allow_empty: bool = False) -> Answerer:
        """The quote book behind an Answerer; problems are warnings, an empty book an error."""
        from bot.answers.answerer import Answerer
        from bot.book.loader import load_book

        loaded = load_book([self.quotes])
        for problem in loaded.problems:
            self.err.write(f"warning: skipped: {problem}\n")
        if not len(loaded.book) and not allow_empty:
            raise self.fail(
                f"no quote book could be loaded from {self.quotes}; see quotebot check", EXIT_MISS
            )
        return Answerer(loaded.book)

    def config(self) -> DailyConfig:
        """The settings file's [daily] table (only daily and run read it)."""
        from bot.adapters.registry import CHANNELS
        from bot.daily.settings_file import ConfigError, load_config

        given: Path | None = getattr(self.args, "config", None)
        path = given or Path(setting(self.env, "QUOTEBOT_CONFIG") or "quotebot.toml")
        try:
            return load_config(path, CHANNELS)
        except ConfigError as exc:
            raise self.fail(str(exc)) from None

    def log_format(self) -> str | None:
        """The log's format, text or json (--log-format, else QUOTEBOT_LOG_FORMAT, else
        text); None when QUOTEBOT_LOG_FORMAT names another."""
        given = getattr(self.args, "log_format", None)
        kind = (given or setting(self.env, "QUOTEBOT_LOG_FORMAT") or "text").lower()
        return kind if kind in ("text", "json") else None

    def configure_logging(self) -> None:
        import logging  # only the verbs that serve log; ask and check start without it

        from bot.cli.log_format import formatter

        logging.basicConfig(level=logging.INFO, stream=self.err, force=True)
        for handler in logging.getLogger().handlers:
            handler.setFormatter(formatter(self.log_format() or "text"))
        # The libraries' INFO lines are connection chatter; ours say what matters.
        for noisy in ("slack_bolt", "slack_sdk", "discord", "aiohttp.access"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
