"""``quotebot export``: the approved suggestions as quote files, one per director's command,
in the quote book's format, to promote into the curated book (review, then git). Nothing is
invented: a source is its URL, titled with the URL's host; a quote's context is the
member's, else "On <topic>", else "Suggested by a member" (the format requires one).
Also what ``quotebot review`` shares with it: the communities asked for, and text made safe
for a terminal."""

from __future__ import annotations

import io
import re
import time
import unicodedata
from pathlib import Path

from bot.cli.backup_verbs import _open
from bot.cli.context import EXIT_MISS, EXIT_OK, Context

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from bot.store import SuggestionRecord
    from bot.store.postgres import PostgresStore
    from bot.store.sqlite import SQLiteStore

NO_CONTEXT = "Suggested by a member"


def export(context: Context) -> int:
    """Write DIR/<command>.yaml for each director with approved suggestions."""
    from bot.book.model import normalise_text

    args = context.args
    scope_error(context)
    folder: Path = args.dir
    if folder.exists() and not folder.is_dir():
        raise context.fail(f"{folder} is not a folder", EXIT_MISS)
    store = _open(context, uses=())
    try:
        approved: list[SuggestionRecord] = []
        for platform, community in communities(store, args.platform, args.community):
            approved += store.approved(platform, community)
    finally:
        store.close()
    approved.sort(key=lambda r: (r.decided_at or 0.0, r.id))
    by_command: dict[str, list[SuggestionRecord]] = {}
    kept: dict[str, str] = {}  # a folded text -> the suggestion that has it
    for record in approved:
        folded = normalise_text(record.text)
        if folded in kept:
            context.err.write(f"warning: {record.id} left out: the same quote as {kept[folded]}\n")
            continue
        kept[folded] = record.id
        by_command.setdefault(record.command, []).append(record)
    if not by_command:
        raise context.fail("no approved suggestion to export", EXIT_MISS)
    targets = {command: folder / f"{command}.yaml" for command in by_command}
    there = [str(path) for path in targets.values() if path.exists() or path.is_symlink()]
    if there and not args.force:
        raise context.fail(
            f"not replacing {', '.join(there)} (give --force to); nothing written", EXIT_MISS
        )
    from bot.community import quote_of
    from bot.curation.draft import write_checked

    failed = False
    for command, records in by_command.items():
        problems = write_checked(targets[command], director_file(records))
        for problem in problems:
            context.err.write(f"error: {problem}\n")
        if problems:
            failed = True
            continue
        verified = sum(quote_of(r, "").status == "verified" for r in records)
        context.out.write(
            f"wrote {targets[command]}: {len(records)} quote(s), {verified} verified, "
            f"{len(records) - verified} attributed\n"
        )
    context.out.write(f"next: review them, then quotebot check {folder}\n")
    return EXIT_MISS if failed else EXIT_OK


def communities(
    store: SQLiteStore | PostgresStore, platform: str | None, community: str | None
) -> list[tuple[str, str]]:
    """The (platform, community) pairs asked for: those given, else every community that
    ever had a suggestion (its counter row; the store has no listing across communities,
    so its rows are read as a backup reads them)."""
    if community is not None:
        assert platform is not None
        return [(platform, community)]
    rows = store.read_tables({"suggestion_counters": ("platform", "community")})
    return [(str(p), str(c)) for p, c in rows["suggestion_counters"] if platform in (None, p)]


def scope_error(context: Context) -> None:
    """The end of a verb given --community without the platform it is of."""
    if context.args.community is not None and context.args.platform is None:
        raise context.fail("--community needs --platform: a community's ID is one platform's")


def escaped(text: str) -> str:
    """``text`` safe for a terminal: control, format and separator characters (a line
    break, an escape sequence, a bidi override) as Python writes them escaped."""
    return "".join(
        c.encode("unicode_escape").decode("ascii")
        if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp") else c
        for c in text
    )  # fmt: skip


def director_file(records: list[SuggestionRecord]) -> str:
    """One director's quote file (YAML) of ``records``, approved suggestions of one command."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from bot import limits
    from bot.book.model import normalise_key
    from bot.community import quote_of

    first = records[0]
    data = CommentedMap()
    data["director"] = first.director
    data["command"] = first.command
    sources, topics, quotes = CommentedMap(), CommentedMap(), CommentedSeq()
    keys: dict[str, str] = {}  # a URL -> its source's key
    named: dict[str, str] = {}  # a topic's folded name -> the topic
    for record in records:
        quote = quote_of(record, first.director)
        if record.source_url not in keys:
            key = _source_key(quote.source.title, set(sources))
            keys[record.source_url] = key
            sources[key] = CommentedMap({"title": quote.source.title, "url": record.source_url})
        topic = (record.topic or "").strip().lower()
        folded = normalise_key(topic)
        if not folded or folded == limits.TOPICS_WORD or len(topic) > limits.TOPIC_NAME_MAX:
            topic, folded = "suggested", "suggested"
        topic = named.setdefault(folded, topic)
        if topic not in topics:
            aliases = CommentedSeq()
            aliases.fa.set_flow_style()
            topics[topic] = aliases
        entry = CommentedMap()
        entry["topic"] = topic
        entry["text"] = record.text
        entry["context"] = record.context or (f"On {record.topic}" if record.topic else NO_CONTEXT)
        entry["source"] = keys[record.source_url]
        entry["status"] = quote.status
        quotes.append(entry)
        quotes.yaml_set_comment_before_after_key(len(quotes) - 1, before=_said(record), indent=2)
    data["sources"], data["topics"], data["quotes"] = sources, topics, quotes
    data.yaml_set_start_comment(
        f"{escaped(first.director)}: suggestions approved in chat, written by quotebot export "
        f"on {time.strftime('%Y-%m-%d', time.gmtime())}.\nReview each against its source "
        "(add topic aliases, a venue and a date you can vouch for), then quotebot check."
    )
    yaml = YAML()
    yaml.width = 4096  # never fold a quote across lines
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _said(record: SuggestionRecord) -> str:
    """Who suggested it and who approved it, when: a comment line."""
    day = "%Y-%m-%d"
    suggested = time.strftime(day, time.gmtime(record.suggested_at))
    decided = time.strftime(day, time.gmtime(record.decided_at or record.updated_at))
    how = "approved as attributed" if record.as_attributed else "approved"
    return escaped(
        f"{record.id}: suggested by {record.suggester} in {record.platform}:{record.community} "
        f"on {suggested}; {how} by {record.decided_by or '?'} on {decided}"
    )


def _source_key(host: str, taken: set[Any]) -> str:
    base = "-".join(re.findall(r"[a-z0-9]+", host.casefold())) or "source"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key
