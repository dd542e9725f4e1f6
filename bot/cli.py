"""The ``quotebot`` command line: ask, topics, check, run."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TextIO

from bot import limits
from bot.adapters import terminal
from bot.answers import Answerer, Miss
from bot.loader import LoadResult, load_book
from bot.settings import bundled_quotes

EXIT_OK, EXIT_MISS, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; global options work before or after the verb."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--quotes",
        metavar="DIR",
        type=Path,
        default=argparse.SUPPRESS,
        help="folder of quote files (default: $QUOTEBOT_QUOTES, else the bundled quotes/)",
    )
    parser = argparse.ArgumentParser(
        prog="quotebot",
        description="Film directors' own words, on the topic you ask for.",
        epilog="Example: quotebot ask jonze editing",
        parents=[common],
    )
    verbs = parser.add_subparsers(dest="verb", metavar="COMMAND", required=True)
    ask = verbs.add_parser(
        "ask",
        parents=[common],
        help="a quote, as the bot would answer /DIRECTOR TOPIC",
        description="Answer as the bot would: 'quotebot ask jonze editing' is /jonze editing. "
        "DIRECTOR is a command, a name or 'quote' (any director).",
    )
    ask.add_argument("director", metavar="DIRECTOR")
    ask.add_argument("topic", metavar="TOPIC", nargs="*", help="a topic, alias or search words")
    topics = verbs.add_parser("topics", parents=[common], help="list topics and their aliases")
    topics.add_argument("director", metavar="DIRECTOR", nargs="?", help="default: every director")
    check = verbs.add_parser(
        "check",
        parents=[common],
        help="validate quote files (path:line: message; exit 1 on any error)",
    )
    check.add_argument("paths", metavar="PATH", nargs="*", type=Path, help="files or folders")
    verbs.add_parser(
        "run",
        parents=[common],
        help="start the bot: a prompt in this terminal where you type /jonze editing",
    )
    return parser


def main(
    argv: Sequence[str] | None = None,
    environ: Mapping[str, str] | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run one quotebot command; returns the exit code."""
    env = os.environ if environ is None else environ
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    args = build_parser().parse_args(argv)
    quotes = getattr(args, "quotes", None) or Path(env.get("QUOTEBOT_QUOTES") or bundled_quotes())
    if args.verb == "check":
        return _check(load_book(args.paths or [quotes]), out)
    loaded = load_book([quotes])
    for problem in loaded.problems:
        err.write(f"warning: skipped: {problem}\n")
    if not len(loaded.book):
        err.write(f"error: no quote book could be loaded from {quotes}; see quotebot check\n")
        return EXIT_MISS
    answerer = Answerer(loaded.book)
    if args.verb == "ask":
        return _ask(answerer, args.director, " ".join(args.topic), out, err)
    if args.verb == "topics":
        word = args.director or limits.GLOBAL_COMMAND
        return _ask(answerer, word, "topics", out, err)
    terminal.run_prompt(answerer, stdin or sys.stdin, out)
    return EXIT_OK


def _ask(answerer: Answerer, director: str, text: str, out: TextIO, err: TextIO) -> int:
    # The terminal takes a director's name or alias where chat needs the command.
    found = answerer.book.director(director)
    command = found.command if found is not None else director
    answer = answerer.answer(command, text)
    if isinstance(answer, Miss):
        err.write(terminal.render(answer) + "\n")
        return EXIT_MISS
    out.write(terminal.render(answer) + "\n")
    return EXIT_OK


def _check(loaded: LoadResult, out: TextIO) -> int:
    for problem in loaded.problems:
        out.write(f"{problem}\n")
    if loaded.problems:
        out.write(f"{len(loaded.problems)} problem(s) in {len(loaded.files)} file(s)\n")
        return EXIT_MISS
    quotes = len(loaded.book.quotes)
    out.write(f"ok: {len(loaded.files)} file(s), {len(loaded.book)} director(s), {quotes} quotes\n")
    return EXIT_OK


def entry_point() -> None:
    """The console script."""
    try:
        code = main()
    except KeyboardInterrupt:
        code = 130
    raise SystemExit(code)
