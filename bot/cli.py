"""The ``quotebot`` command line: ask, topics, check, run, and the set-up helpers."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TextIO

import yaml

from bot import limits, serve
from bot.adapters import terminal
from bot.answers import Answerer, Miss, QuoteAnswer
from bot.config import ConfigError, DailyConfig, load_config
from bot.daily import Daily, SystemClock, day_label
from bot.loader import LoadResult, load_book
from bot.settings import DiscordSettings, SettingsError, bundled_quotes

EXIT_OK, EXIT_MISS, EXIT_USAGE = 0, 1, 2
PLATFORMS = ("discord", "slack", "terminal")
log = logging.getLogger("quotebot")


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
    common.add_argument(
        "--config",
        metavar="FILE",
        type=Path,
        default=argparse.SUPPRESS,
        help="settings file (default: $QUOTEBOT_CONFIG, else quotebot.toml here)",
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
    run = verbs.add_parser(
        "run",
        parents=[common],
        help="start the bots (default: every platform with credentials, else a terminal prompt)",
        description="Start the bots. With no PLATFORM: every platform whose credentials are "
        "set (SLACK_BOT_TOKEN, DISCORD_TOKEN); with none set, a prompt in this terminal "
        "where you type /jonze editing as you would in chat. SIGHUP reloads the quote "
        "files (a broken file keeps the last good book); SIGINT or SIGTERM stops cleanly.",
    )
    # Checked by hand: argparse refuses an empty list when nargs="*" has choices.
    run.add_argument("platforms", metavar="PLATFORM", nargs="*", help=", ".join(PLATFORMS))
    run.add_argument(
        "--http",
        metavar="PORT",
        type=int,
        help="Slack over HTTP on PORT (requests to /slack/events) instead of Socket Mode",
    )
    run.add_argument(
        "--host", default="127.0.0.1", help="address for --http to listen on (default 127.0.0.1)"
    )
    slack_manifest = verbs.add_parser(
        "slack-manifest",
        parents=[common],
        help="print a Slack app manifest (YAML) with every slash command",
    )
    slack_manifest.add_argument(
        "--url",
        default="",
        help="for HTTP mode: the public https://…/slack/events URL (default: Socket Mode)",
    )
    slack_manifest.add_argument("--name", default="quotebot", help="the app's display name")
    daily = verbs.add_parser(
        "daily",
        parents=[common],
        help="the quote of the day; --post sends it to the targets now",
        description="Print the quote of the day (the date in the [daily] timezone of the "
        "settings file). With --post, post it now to every target that has not had it today "
        "and say what happened to each, so a system timer can drive the posts instead of "
        "quotebot run. The state store is $QUOTEBOT_DB: a SQLite file (default quotebot.db "
        "here) or a postgresql:// URL.",
    )
    daily.add_argument("--date", metavar="YYYY-MM-DD", type=_date, help="another date's quote")
    daily.add_argument("--post", action="store_true", help="post today's quote to the targets")
    ingest = verbs.add_parser(
        "ingest",
        parents=[common],
        help="draft quotes from an interview article (text or HTML)",
        description="Find the director's quoted statements in an article (On …: “…” lists, "
        "Q&A transcripts, “…,” Jonze said) and draft them as a quote file: merged into the "
        "director's file if quotebot has one (new quotes only; comments kept), else a new "
        "file. Quotes are verbatim, each with its lead-in as context. Review before use.",
    )
    ingest.add_argument("file", metavar="FILE", type=Path, help="the article")
    ingest.add_argument("--director", required=True, help='the director\'s name, "Spike Jonze"')
    ingest.add_argument("--command", help="slash command for a new director (default: surname)")
    ingest.add_argument("--out", type=Path, help="write here instead (default: the quotes folder)")
    ingest.add_argument("--title", default="", help="the source's title (default: the article's)")
    ingest.add_argument("--date", default="", help="the source's date, YYYY-MM (default: found)")
    ingest.add_argument("--dry-run", action="store_true", help="show the draft, write nothing")
    invite = verbs.add_parser(
        "discord-invite",
        parents=[common],
        help="print the URL that adds the Discord bot to a server",
        description="Print the OAuth2 URL that adds the bot to a server, with the bot and "
        "applications.commands scopes and the permissions it needs (Send Messages, Embed "
        "Links). The application ID comes from --client-id, else from Discord with "
        "DISCORD_TOKEN.",
    )
    invite.add_argument(
        "--client-id",
        metavar="ID",
        help="the application ID (Developer Portal > General Information)",
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
    parser = build_parser()
    args = parser.parse_args(argv)
    unknown = set(getattr(args, "platforms", ())) - set(PLATFORMS)
    if unknown:
        parser.error(
            f"unknown platform {', '.join(sorted(unknown))} (choose from {', '.join(PLATFORMS)})"
        )
    quotes = getattr(args, "quotes", None) or Path(env.get("QUOTEBOT_QUOTES") or bundled_quotes())
    if args.verb == "check":
        return _check(load_book(args.paths or [quotes]), out)
    if args.verb == "discord-invite":
        return _discord_invite(args.client_id, env, out, err)
    config = DailyConfig()
    if args.verb in ("daily", "run"):  # the settings file is the quote of the day's only
        config_path = getattr(args, "config", None) or Path(
            env.get("QUOTEBOT_CONFIG") or "quotebot.toml"
        )
        try:
            config = load_config(config_path)
        except ConfigError as exc:
            err.write(f"error: {exc}\n")
            return EXIT_USAGE
    loaded = load_book([quotes])
    for problem in loaded.problems:
        err.write(f"warning: skipped: {problem}\n")
    if args.verb == "ingest":  # an empty folder is where a first file is drafted
        return _ingest(args, quotes, Answerer(loaded.book), out, err)
    if not len(loaded.book):
        err.write(f"error: no quote book could be loaded from {quotes}; see quotebot check\n")
        return EXIT_MISS
    answerer = Answerer(loaded.book)
    if args.verb == "ask":
        return _ask(answerer, args.director, " ".join(args.topic), out, err)
    if args.verb == "topics":
        word = args.director or limits.GLOBAL_COMMAND
        return _ask(answerer, word, "topics", out, err)
    if args.verb == "daily":
        return _daily(args, config, env, answerer, out, err)
    if args.verb == "slack-manifest":
        from bot.adapters import slack

        data = slack.manifest(answerer, name=args.name, url=args.url)
        out.write(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
        return EXIT_OK
    platforms = args.platforms or [p for p, var in serve.CREDENTIALS.items() if env.get(var)]
    if not platforms or platforms == ["terminal"]:
        terminal.run_prompt(answerer, stdin or sys.stdin, out)
        return EXIT_OK
    refreshers: list[serve.Refresh] = []
    http = (args.host, args.http) if args.http is not None else None
    try:
        jobs = serve.platform_jobs(platforms, env, answerer, refreshers, http)
        if config.targets:
            jobs.append(serve.daily_job(config, env, answerer))
    except SettingsError as exc:
        err.write(f"error: {exc}\n")
        return EXIT_USAGE
    _configure_logging(err)
    try:
        asyncio.run(serve.serve(jobs, lambda: serve.reload_book(answerer, quotes, refreshers)))
    except SettingsError as exc:
        err.write(f"error: {exc}\n")
        return EXIT_USAGE
    return EXIT_OK


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _daily(
    args: argparse.Namespace,
    config: DailyConfig,
    env: Mapping[str, str],
    answerer: Answerer,
    out: TextIO,
    err: TextIO,
) -> int:
    now = datetime.now(UTC)
    today = now.astimezone(config.timezone).date()
    day: date = args.date or today
    if args.post and day != today:
        err.write(f"error: --post posts today's quote ({today}); --date is for looking\n")
        return EXIT_USAGE
    if args.post and not config.targets:
        err.write("error: no targets: add [daily] targets = [...] to the settings file\n")
        return EXIT_USAGE
    try:
        store = serve.open_state_store(env)
        posters = serve.posters_for(config, env) if args.post else {}
    except SettingsError as exc:
        err.write(f"error: {exc}\n")
        return EXIT_USAGE
    runner = Daily(config, store, posters, lambda: answerer.book, SystemClock())
    try:
        if not answerer.book.quotes:
            err.write("error: the quote book is empty\n")
            return EXIT_MISS
        return asyncio.run(_daily_async(runner, day, args.post, out))
    finally:
        store.close()


async def _daily_async(runner: Daily, day: date, post: bool, out: TextIO) -> int:
    quote = await runner.quote(day)
    out.write(f"Quote of the day, {day_label(day)}:\n")
    out.write(terminal.render(QuoteAnswer(quote, "any")) + "\n")
    if not post:
        return EXIT_OK
    try:
        results = await runner.post(day)
    finally:
        for poster in runner.posters.values():
            await poster.close()
    for result in results:
        out.write(f"{result}\n")
    return (
        EXIT_MISS if any(r.outcome in ("failed", "gave up for now") for r in results) else EXIT_OK
    )


def _ingest(
    args: argparse.Namespace, quotes: Path, answerer: Answerer, out: TextIO, err: TextIO
) -> int:
    from bot import draft as drafting
    from bot.ingest import IngestError, find_quotes, read_article

    try:
        article = read_article(args.file)
    except IngestError as exc:
        err.write(f"error: {exc}\n")
        return EXIT_USAGE
    existing = answerer.book.director(args.director)
    name = existing.name if existing else " ".join(args.director.split())
    command = existing.command if existing else (args.command or name.split()[-1]).casefold()
    if existing is None and not limits.COMMAND_NAME.fullmatch(command):
        err.write(f"error: {command!r} cannot be a slash command; give --command\n")
        return EXIT_USAGE
    aliases = existing.aliases if existing else ()
    found = find_quotes(article, name, aliases)
    plan = drafting.plan(article, found, name, command, existing, args.title, args.date)
    for entry in plan.entries:
        words = " ".join(entry.text.split()[:6])
        mark = "  (already in the book)" if entry.present else ""
        topic = entry.topic + (" (new)" if entry.new_topic else "")
        out.write(f"{topic:<18} {words[:44]:<46} {entry.context[:60]}{mark}\n")
    new = len(plan.new_entries)
    out.write(
        f"{len(plan.entries)} quote(s) by {name} found in {args.file}; {new} new, "
        f"{len(plan.entries) - new} already in the book\n"
    )
    if not plan.entries:
        return EXIT_MISS
    if args.dry_run or not new:
        if args.dry_run:
            out.write("dry run: nothing written\n")
        return EXIT_OK
    if existing is not None:
        target = args.out or Path(existing.path)
        text = drafting.merged(Path(existing.path), plan)
    else:
        target = args.out or quotes / f"{command}.yaml"
        if target.exists():
            err.write(f"error: {target} exists; give --out for the draft\n")
            return EXIT_USAGE
        text = drafting.new_file(plan)
    problems = drafting.write_checked(target, text)
    for problem in problems:
        err.write(f"{problem}\n")
    if problems:
        err.write("error: the draft did not pass the checks; nothing written\n")
        return EXIT_MISS
    out.write(f"wrote {target}: review it, then quotebot check\n")
    return EXIT_OK


def _discord_invite(client_id: str | None, env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    from bot.adapters import discord

    if client_id is not None:
        if not client_id.strip().isdigit():
            err.write("error: --client-id is the application ID, digits only\n")
            return EXIT_USAGE
        out.write(discord.invite_url(client_id.strip()) + "\n")
        return EXIT_OK
    if not env.get("DISCORD_TOKEN"):
        err.write(
            "error: give --client-id (Developer Portal > General Information > Application "
            "ID), or set DISCORD_TOKEN to ask Discord for it\n"
        )
        return EXIT_USAGE
    try:
        settings = DiscordSettings.from_environ(env)
        found = asyncio.run(discord.application_id(settings))
    except SettingsError as exc:
        err.write(f"error: {exc}\n")
        return EXIT_USAGE
    out.write(discord.invite_url(found) + "\n")
    return EXIT_OK


def _configure_logging(err: TextIO) -> None:
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=err,
        force=True,
    )
    # The libraries' INFO lines are connection chatter; ours say what matters.
    for noisy in ("slack_bolt", "slack_sdk", "discord", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


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
