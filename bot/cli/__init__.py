"""The ``quotebot`` command line: ask, topics, check, run, daily, ingest and the set-up
helpers. Each verb lives in its own module and is imported only when it runs."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

from bot.cli.context import EXIT_MISS, EXIT_OK, EXIT_USAGE, Context, VerbExit
from bot.cli.parser import RUN_CHOICES, build_parser, verb_of

# Not `from typing import TYPE_CHECKING`: importing typing was a tenth of `quotebot ask`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO


__all__ = ["EXIT_MISS", "EXIT_OK", "EXIT_USAGE", "build_parser", "entry_point", "main"]


def main(
    argv: Sequence[str] | None = None,
    environ: Mapping[str, str] | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run one quotebot command; returns the exit code."""
    words = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(only=verb_of(words))
    args = parser.parse_args(words)
    # Checked here: argparse refuses an empty list when nargs="*" has choices.
    unknown = set(getattr(args, "platforms", ())) - set(RUN_CHOICES)
    if unknown:
        parser.error(
            f"unknown platform {', '.join(sorted(unknown))} (choose from {', '.join(RUN_CHOICES)})"
        )
    context = Context(
        args=args,
        env=os.environ if environ is None else environ,
        stdin=stdin or sys.stdin,
        out=stdout or sys.stdout,
        err=stderr or sys.stderr,
    )
    try:
        code: int = args.func(context)
    except VerbExit as exc:
        return exc.code
    return code


def entry_point() -> None:
    """The console script."""
    try:
        code = main()
    except KeyboardInterrupt:
        code = 130
    raise SystemExit(code)
