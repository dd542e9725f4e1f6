"""The ``quotebot`` command line: ask, topics, check, run, daily, ingest and the set-up
helpers. Each verb lives in its own module and is imported only when it runs."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

from bot.cli.context import EXIT_MISS, EXIT_OK, EXIT_USAGE, Context, VerbExit, outside_failure
from bot.cli.parser import RUN_CHOICES, build_parser, verb_of
from bot.errors import one_line

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
    if verb_of(words) == "run":
        from bot.app import hangup

        hangup.catch()  # before anything heavy: a reload sent while starting is not fatal
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
    except Exception as exc:
        if not outside_failure(exc):
            raise
        context.err.write(f"error: quotebot {args.verb}: {one_line(exc)}\n")
        return EXIT_MISS
    return code


def entry_point() -> None:
    """The console script."""
    try:
        code = main()
    except KeyboardInterrupt:
        code = 130
    raise SystemExit(code)
