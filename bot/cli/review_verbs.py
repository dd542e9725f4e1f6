"""``quotebot review``: the queue of members' suggested quotes that moderators see in chat,
listed, shown and decided from the terminal (by "operator"), through the same
compare-and-set steps as the chat's buttons; and the parser of ``quotebot export``
(:mod:`bot.cli.export_verb`)."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from bot.cli.arguments import Verbs
from bot.cli.backup_verbs import _open
from bot.cli.context import EXIT_MISS, EXIT_OK, Context
from bot.cli.export_verb import communities, escaped, scope_error

# Not `from typing import TYPE_CHECKING`, as the parser: it imports this module to build
# these verbs' parsers (the store's and the community's modules are imported when a verb runs).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from bot.community.review import Verb
    from bot.store import SuggestionRecord, SuggestionStatus

Handler = Callable[[Context], int]

ACTIONS = ("list", "show", "approve", "reject", "remove")
BY = "operator"  # who the terminal's decisions are by
QUOTE_SHOWN = 60  # characters of a quote a list line shows
OUTCOME_WORDS = {"found": "found", "not_found": "not found", "unfetched": "could not fetch",
                 "pending": "pending"}  # fmt: skip
_NOT_SERVED = "the review post in chat is not edited"
# The options each action takes, besides its ID.
_TAKES = {"list": ("--platform", "--community", "--status"), "show": (), "remove": (),
          "approve": ("--as-attributed",), "reject": ("--reason",)}  # fmt: skip


def add_verbs(
    verbs: Verbs, common: argparse.ArgumentParser, handler: Callable[[str, str], Handler]
) -> None:
    """The parsers of quotebot review and export (the parser's ``handler`` imports their
    verbs when they run)."""
    review = verbs.add_parser(
        "review",
        parents=[common],
        help="list, show and decide members' suggested quotes (the moderators' queue)",
        description="The suggestions members made in chat, from the state store "
        "($QUOTEBOT_DB). With no ACTION, list them (open ones of every community unless "
        "--status, --platform or --community say otherwise). show ID prints every field "
        "and what checking its source found; approve, reject and remove decide as the chat's "
        "buttons do, by 'operator', once (exit 1 when it was already decided or is not "
        "there). The community's book serves the change within 10 s; the review post in "
        "chat is not edited.",
    )
    review.add_argument("action", metavar="ACTION", nargs="?", choices=ACTIONS,
                        help=", ".join(ACTIONS) + " (default: list)")  # fmt: skip
    review.add_argument("id", metavar="ID", nargs="?", help="a suggestion's id")
    review.add_argument("--platform", choices=("discord", "slack"), help="list one platform's")
    review.add_argument(
        "--community", metavar="ID", help="list one community's: a Discord server or Slack team ID"
    )
    review.add_argument("--status", choices=("open", "approved", "rejected", "removed"),
                        help="list the suggestions of this status (default: open)")  # fmt: skip
    review.add_argument("--limit", metavar="N", type=int, default=200,
                        help="list at most N (default 200)")  # fmt: skip
    review.add_argument(
        "--as-attributed",
        action="store_true",
        help="approve: one its source did not show, on your word (served as attributed)",
    )
    review.add_argument("--reason", metavar="TEXT", help="reject: why (the suggester is told)")
    review.add_argument("--remove", metavar="ID", help="the same as: remove ID")
    review.set_defaults(func=handler("review_verbs", "review"))
    export = verbs.add_parser(
        "export",
        parents=[common],
        help="write the approved suggestions as quote files, to promote into the book",
        description="Write the approved suggestions (of every community, or of --platform "
        "and --community) into DIR as quote files, one per director's command, as quotes/ "
        "holds them: each source its URL with the URL's host as its title, each quote "
        "verified when its source showed it, else attributed, and a comment saying who "
        "suggested and approved it and when. Every file passes quotebot check before it is "
        "written; an existing file is never replaced unless --force.",
    )
    export.add_argument("dir", metavar="DIR", type=Path, help="where to write the files")
    export.add_argument("--platform", choices=("discord", "slack"), help="one platform's")
    export.add_argument("--community", metavar="ID", help="one community's (with --platform)")
    export.add_argument("--force", action="store_true", help="replace files already in DIR")
    export.set_defaults(func=handler("export_verb", "export"))


def review(context: Context) -> int:
    """List the suggestions, show one, or decide one."""
    args = context.args
    action, id = args.action or "list", args.id
    if args.remove is not None:
        if args.action is not None:
            raise context.fail("--remove ID is remove ID: give one or the other, not an ACTION")
        action, id = "remove", args.remove
    given = {"--platform": args.platform, "--community": args.community, "--status": args.status,
             "--as-attributed": args.as_attributed or None, "--reason": args.reason}  # fmt: skip
    for option, value in given.items():
        if value is not None and option not in _TAKES[action]:
            raise context.fail(f"{option} is not for review {action}")
    if action == "list":
        if id is not None:
            raise context.fail("an ID is for show, approve, reject or remove (review ACTION ID)")
        return _list(context)
    if id is None:
        raise context.fail(f"review {action} needs the suggestion's ID (review lists them)")
    from bot.store import is_suggestion_id

    if not is_suggestion_id(id):
        raise context.fail(f"“{escaped(id[:40])}” is not a suggestion's id (10 of a-z and 2-7)")
    if action == "reject" and not (args.reason or "").strip():
        raise context.fail("review reject needs --reason TEXT: the suggester is told it")
    if action == "show":
        return _show(context, id)
    return _decide(context, action, id)


def _list(context: Context) -> int:
    args = context.args
    scope_error(context)
    if args.limit < 1:
        raise context.fail("--limit must be at least 1")
    status: SuggestionStatus = args.status or "open"
    store = _open(context, uses=())
    try:
        found: list[SuggestionRecord] = []
        for platform, community in communities(store, args.platform, args.community):
            found += store.suggestions(platform, community, status, limit=args.limit + 1)
    finally:
        store.close()
    found.sort(key=lambda r: (r.suggested_at, r.id), reverse=status != "open")
    if not found:
        context.out.write(f"no {status} suggestions\n")
        return EXIT_OK
    rows = [("id", "community", "director", "quote", "source check")]
    for r in found[: args.limit]:
        quote = escaped(r.text)
        quote = quote if len(quote) <= QUOTE_SHOWN else quote[: QUOTE_SHOWN - 1].rstrip() + "…"
        rows.append((r.id, escaped(f"{r.platform}:{r.community}"), escaped(r.director),
                     f"“{quote}”", OUTCOME_WORDS.get(r.outcome, r.outcome)))  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = (cell.ljust(w) for cell, w in zip(row, widths, strict=True))
        context.out.write("  ".join(cells).rstrip() + "\n")
    if len(found) > args.limit:
        context.err.write(f"note: more than {args.limit} {status}: give a larger --limit\n")
    return EXIT_OK


def _show(context: Context, id: str) -> int:
    from dataclasses import fields

    from bot.community import detail_of, verification_line

    store = _open(context, uses=())
    try:
        record = store.suggestion(id)
    finally:
        store.close()
    if record is None:
        raise context.fail(f"no suggestion {id}", EXIT_MISS)
    for field in fields(record):
        value = getattr(record, field.name)
        shown = _when(value) if field.name.endswith("_at") and value is not None else value
        context.out.write(f"{field.name}: {escaped(str(shown))}\n")
    context.out.write(f"source check: {verification_line(record, 'en')}\n")
    detail = detail_of(record.verification)
    for part in ("passage", "diff"):
        if detail.get(part):
            context.out.write(f"{part}: {escaped(detail[part])}\n")
    return EXIT_OK


def _decide(context: Context, action: str, id: str) -> int:
    from bot.community import Press, Review, decision_line, verification_line
    from bot.store import SharedStore

    args = context.args
    verb: dict[str, Verb] = {
        "approve": "aa" if args.as_attributed else "ap",
        "reject": "rj",
        "remove": "rm",
    }
    store = _open(context, uses=("suggestions", "suggestion_counters"))
    shared = SharedStore(lambda: store, networked=not store.local)
    try:
        moved, now = Review(shared).decide(Press(verb[action], id), BY, (args.reason or "").strip())
    finally:
        shared.drop()
        store.close()
    if now is None:
        raise context.fail(f"no suggestion {id}", EXIT_MISS)
    if moved:
        where = f"{now.platform}:{now.community}"
        context.out.write(f"{id}: {decision_line(now, BY, 'en')} ({escaped(where)}, within "
                          f"10 s; {_NOT_SERVED})\n")  # fmt: skip
        return EXIT_OK
    if action == "remove" and now.status != "approved":
        said = "an open one is rejected, not removed" if now.status == "open" else _decided(now)
        raise context.fail(f"{id} is not approved ({said}): nothing removed", EXIT_MISS)
    if now.status != "open" and action != "remove":
        raise context.fail(f"{id} was already decided: {_decided(now)}", EXIT_MISS)
    if action == "approve" and now.outcome != "found":
        raise context.fail(
            f"{id}: {verification_line(now, 'en')} Give --as-attributed to approve it on your "
            "word (it is then served as attributed)",
            EXIT_MISS,
        )
    raise context.fail(f"{id} was not moved (decided meanwhile? see review show {id})", EXIT_MISS)


def _decided(record: SuggestionRecord) -> str:
    by = escaped(record.decided_by or "?")
    when = _when(record.decided_at) if record.decided_at is not None else "?"
    reason = f": {escaped(record.reason)}" if record.reason else ""
    return f"{record.status} by {by} at {when}{reason}"


def _when(moment: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(moment))
