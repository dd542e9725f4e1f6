"""The ``quotebot`` command line's arguments; each verb names the function that runs it,
imported only when that verb runs (so ``quotebot ask`` loads no platform library)."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from importlib import import_module
from pathlib import Path

from bot.cli.arguments import (
    Formatter,
    Verbs,
    address_argument,
    date_argument,
    moment_argument,
)

# Not `from typing import TYPE_CHECKING`: importing typing was a tenth of `quotebot ask`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from bot.cli.context import Context

# What `quotebot run` takes: the registry's platforms and the terminal (a test keeps them
# in step: tests/cli/test_run_choices.py).
RUN_CHOICES = ("discord", "slack", "terminal")
VERBS = ("ask", "topics", "check", "run", "slack-manifest", "daily", "ingest", "discord-invite",
         "backup", "restore", "review", "export", "site")  # fmt: skip
Handler = Callable[["Context"], int]


def handler(module: str, name: str) -> Handler:
    """The function ``name`` of ``bot.cli.<module>``, imported when the verb runs."""

    def run(context: Context) -> int:
        verb: Handler = getattr(import_module(f"bot.cli.{module}"), name)
        return verb(context)

    return run


def article_argument(text: str) -> Path | str:
    """An article as ingest is given it: a URL (anything with ``://``) as it is, to be
    fetched (and refused there unless it is http or https), else a file's path."""
    return text if "://" in text else Path(text)


def verb_of(argv: Sequence[str]) -> str | None:
    """The verb in ``argv`` (the first word that is not an option or an option's value)."""
    words = iter(argv)
    for word in words:
        if word in ("--quotes", "--config"):
            next(words, None)
        elif not word.startswith("-"):
            return word if word in VERBS else None
    return None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser (with ``only``, that verb's alone); global options work before
    or after the verb."""
    common = argparse.ArgumentParser(add_help=False, formatter_class=Formatter)
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
        formatter_class=Formatter,
    )
    verbs = Verbs(parser.add_subparsers(dest="verb", metavar="COMMAND", required=True), only)
    ask = verbs.add_parser(
        "ask",
        parents=[common],
        help="a quote, as the bot would answer /DIRECTOR TOPIC",
        description="Answer as the bot would: 'quotebot ask jonze editing' is /jonze editing. "
        "DIRECTOR is a command, a name or 'quote' (any director).",
    )
    ask.add_argument("director", metavar="DIRECTOR")
    ask.add_argument("topic", metavar="TOPIC", nargs="*", help="a topic, alias or search words")
    ask.set_defaults(func=handler("book_verbs", "ask"))
    topics = verbs.add_parser("topics", parents=[common], help="list topics and their aliases")
    topics.add_argument("director", metavar="DIRECTOR", nargs="?", help="default: every director")
    topics.set_defaults(func=handler("book_verbs", "topics"))
    check = verbs.add_parser(
        "check",
        parents=[common],
        help="validate quote files (path:line: message; exit 1 on any error)",
    )
    check.add_argument("paths", metavar="PATH", nargs="*", type=Path, help="files or folders")
    check.add_argument(
        "--verify",
        action="store_true",
        help="also find every quote in its source's document (typography folded)",
    )
    check.set_defaults(func=handler("book_verbs", "check"))
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
    run.add_argument("platforms", metavar="PLATFORM", nargs="*", help=", ".join(RUN_CHOICES))
    run.add_argument(
        "--http",
        metavar="PORT",
        type=int,
        help="serve over HTTP on PORT: Slack's /slack/events (instead of Socket Mode) and "
        "Discord's /discord/interactions (instead of the gateway), /healthz and /readyz",
    )
    run.add_argument(
        "--host", default="127.0.0.1", help="address for --http to listen on (default 127.0.0.1)"
    )
    run.add_argument(
        "--metrics", metavar="HOST:PORT", type=address_argument,
        help="also serve Prometheus' /metrics on HOST:PORT (with --http it is on that server "
        "too); QUOTEBOT_METRICS=off turns metrics off",
    )  # fmt: skip
    run.add_argument(
        "--log-format", choices=("text", "json"),
        help="the log's format: text lines, or one JSON object a line (default: "
        "$QUOTEBOT_LOG_FORMAT, else text)",
    )  # fmt: skip
    run.set_defaults(func=handler("run_verb", "run"))
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
    slack_manifest.add_argument(
        "--name", default="quotebot", help="the app's display name (at most 35 characters)"
    )
    slack_manifest.set_defaults(func=handler("setup_verbs", "slack_manifest"))
    daily = verbs.add_parser(
        "daily",
        parents=[common],
        help="the quote of the day; --post sends what is due now, --list shows every channel",
        description="Print the quote of the day (the date in the [daily] timezone of the "
        "settings file). With --post, post what is due now, exactly as a round of quotebot "
        "run's scheduler would: for every subscription (set with /qotd, or a target in the "
        "settings file), its slot on the current local date if that slot has passed, is "
        "within the grace period and has not been posted; earlier dates are never caught up. "
        "A system timer can drive the posts instead of quotebot run. Exit 0 when everything "
        "due was posted or nothing was due, 1 when a post failed. The state store is "
        "$QUOTEBOT_DB: a SQLite file (default quotebot.db here) or a postgresql:// URL.",
    )
    daily.add_argument(
        "--date", metavar="YYYY-MM-DD", type=date_argument, help="another date's quote"
    )
    daily.add_argument("--post", action="store_true", help="post whatever is due now")
    daily.add_argument(
        "--list",
        action="store_true",
        help="every subscription: platform, channel, time, zone, days, director, next post",
    )
    daily.add_argument(
        "--now",
        metavar="TIME",
        type=moment_argument,
        help="act as if it were TIME (ISO 8601 with its offset, 2026-12-01T09:05:00+01:00): "
        "for timers that run late, and for tests",
    )
    daily.set_defaults(func=handler("daily_verb", "daily"))
    ingest = verbs.add_parser(
        "ingest",
        parents=[common],
        help="draft quotes from an interview article (a file or a URL; text or HTML)",
        description="Find the director's quoted statements in an article (On …: “…” lists, "
        "Q&A transcripts, “…,” Jonze said) and draft them as a quote file: merged into the "
        "director's file if quotebot has one (new quotes only; comments kept), else a new "
        "file. Quotes are verbatim, each with its lead-in as context. Review before use. "
        "A URL is fetched (public addresses only, 2 MB, 10 s) and read as a file would be; "
        "the draft's source records it as the source's url.",
    )
    ingest.add_argument(
        "file",
        metavar="FILE|URL",
        type=article_argument,
        help="the article: a file, or an http(s) URL to fetch (QUOTEBOT_FETCH_ALLOW lets it "
        "reach an internal address)",
    )
    ingest.add_argument("--director", required=True, help='the director\'s name, "Spike Jonze"')
    ingest.add_argument("--command", help="slash command for a new director (default: surname)")
    ingest.add_argument("--out", type=Path, help="write here instead (default: the quotes folder)")
    ingest.add_argument("--title", default="", help="the source's title (default: the article's)")
    ingest.add_argument("--date", default="", help="the source's date, YYYY-MM (default: found)")
    ingest.add_argument("--dry-run", action="store_true", help="show the draft, write nothing")
    ingest.add_argument(
        "--force",
        action="store_true",
        help="draft even from an article that never names the director (or is not about "
        "them), every quote marked status: attributed, for review",
    )
    ingest.set_defaults(func=handler("ingest_verb", "ingest"))
    invite = verbs.add_parser(
        "discord-invite",
        parents=[common],
        help="print the URLs that add the Discord bot to a server or install it for a user",
        description="Print two OAuth2 URLs, one a line. First, as always (scripts may read "
        "the first line alone), the URL that adds the bot to a server, with the bot and "
        "applications.commands scopes and the permissions it needs (View Channels, Send "
        "Messages, Embed Links, Read Message History). Second, the user install URL "
        "(integration_type=1, applications.commands): a member adds the commands for "
        "themselves, to use in DMs and in any server (the Developer Portal's Installation "
        "> Installation Contexts must have User Install on). The application ID comes from "
        "--client-id, else from Discord with DISCORD_TOKEN.",
    )
    invite.add_argument(
        "--client-id",
        metavar="ID",
        help="the application ID (Developer Portal > General Information)",
    )
    invite.set_defaults(func=handler("setup_verbs", "discord_invite"))
    if only in (None, "backup", "restore"):
        from bot.cli.backup_verbs import add_verbs

        add_verbs(verbs, common, handler)
    if only in (None, "review", "export"):
        from bot.cli.review_verbs import add_verbs as add_review_verbs

        add_review_verbs(verbs, common, handler)
    if only in (None, "site"):
        from bot.cli.site_verb import add_verbs as add_site_verb

        add_site_verb(verbs, common, handler)
    return parser
