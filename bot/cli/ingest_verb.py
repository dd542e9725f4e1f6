"""``quotebot ingest``: draft quotes from an interview article into the quote book: a
file, or a page fetched from an http(s) URL (as :mod:`bot.curation.fetch` fetches, its
policy from the environment), whose source in the draft is the URL."""

from __future__ import annotations

from pathlib import Path

from bot import limits
from bot.book.model import Director
from bot.cli.context import EXIT_MISS, EXIT_OK, EXIT_USAGE, Context
from bot.curation import draft as drafting
from bot.curation.book_tree import document_name
from bot.curation.ingest import Article, IngestError, find_quotes, read_article
from bot.curation.naming import naming
from bot.curation.source_file import shown


def ingest(context: Context) -> int:
    """Find the director's quotes in the article; draft or merge them, checked first. An
    article that never names the director is refused: its quotes would be pinned on
    someone it does not name (``--force`` drafts them, marked ``status: attributed``)."""
    args, quotes, out, err = context.args, context.quotes, context.out, context.err
    # An empty folder is where a first file is drafted.
    answerer = context.answerer(allow_empty=True)

    article, url = _article(context)
    where = url or str(args.file)
    existing = answerer.book.director(args.director)
    name = existing.name if existing else " ".join(args.director.split())
    command = existing.command if existing else (args.command or name.split()[-1]).casefold()
    if existing is None and not limits.COMMAND_NAME.fullmatch(command):
        raise context.fail(f"{command!r} cannot be a slash command; give --command")
    aliases = existing.aliases if existing else ()
    status = _attribution(context, article, name, aliases)
    if existing is not None:
        target = args.out or Path(existing.path)
    else:
        target = args.out or quotes / f"{command}.yaml"
    found = find_quotes(article, name, aliases, force=args.force)
    plan = drafting.plan(
        article, found, name, command, existing, args.title, args.date, target, status
    )
    if url:
        _cite_url(plan, url, existing)
    if not (args.title or article.title):
        out.write("note: no title in the article's heading: the file name was used (--title)\n")
    if not (args.date or article.date):
        out.write("note: no date in the article's heading or dateline: none set (--date)\n")
    if not url and document_name(args.file, target) is None:
        out.write(
            "note: the article is outside the quote book's tree: check --verify will not "
            "read it there (copy it into a folder beside the quotes folder, e.g. seeds/)\n"
        )
    for entry in plan.entries:
        words = " ".join(entry.text.split()[:6])
        mark = "  (already in the book)" if entry.present else ""
        topic = entry.topic + (" (new)" if entry.new_topic else "")
        out.write(f"{topic:<18} {shown(words[:44]):<46} {shown(entry.context[:60])}{mark}\n")
    new = len(plan.new_entries)
    out.write(
        f"{len(plan.entries)} quote(s) by {shown(name)} found in {shown(where)}; {new} new, "
        f"{len(plan.entries) - new} already in the book\n"
    )
    if not plan.entries:
        return EXIT_MISS
    if args.dry_run or not new:
        if args.dry_run:
            out.write("dry run: nothing written\n")
        return EXIT_OK
    if existing is not None:
        text = drafting.merged(Path(existing.path), plan)
    else:
        if target.exists():
            raise context.fail(f"{target} exists; give --out for the draft")
        text = drafting.new_file(plan)
    problems = drafting.write_checked(target, text)
    for problem in problems:
        err.write(f"{problem}\n")
    if problems:
        err.write("error: the draft did not pass the checks; nothing written\n")
        return EXIT_MISS
    out.write(f"wrote {target}: review it, then quotebot check\n")
    return EXIT_OK


def _attribution(context: Context, article: Article, name: str, aliases: tuple[str, ...]) -> str:
    """Refuse an article that never names the director: its quotes would be pinned on
    someone it does not name. Under ``--force``, a warning and the status the draft's
    entries get ("attributed": for review), or "" when nothing was forced."""
    args, out, err = context.args, context.out, context.err
    named = naming(article, name, aliases)
    if not named.named:
        reason = f"{shown(article.path)} never names {shown(name)} (full name, surname or an alias)"
        if named.shared:
            reason += f"; {', '.join(map(shown, named.shared))} is someone else's name there"
        if not args.force:
            raise context.fail(f"{reason}: not drafting its quotes as theirs (or --force)")
        err.write(f"warning: {reason}; --force: drafted with status: attributed\n")
        return "attributed"
    if not named.subject:
        if args.force:
            err.write(f"warning: the article is not about {shown(name)}; --force: all taken\n")
            return "attributed"
        out.write(
            f"note: the article names {shown(name)} but is not about them: quotes it does "
            "not attribute in words (On …: lists, A: answers) are left out\n"
        )
    return ""


def _article(context: Context) -> tuple[Article, str]:
    """The article ingest was given, and its URL ("" for a file): a file read, or a page
    fetched and read as a file would be. A refusal (the address, the size, the type) is
    a usage error; a failure of the network or the server, a miss; one line each."""
    given = context.args.file
    if isinstance(given, Path):
        try:
            return read_article(given), ""
        except IngestError as exc:
            raise context.fail(str(exc)) from None
    import asyncio

    from bot.curation.fetch import FetchFailed, FetchPolicy, FetchRefused, fetch
    from bot.curation.source_match import page_article
    from bot.errors import SettingsError

    try:
        policy = FetchPolicy.from_env(context.env)
    except SettingsError as exc:
        raise context.fail(str(exc)) from None
    # The URL itself is never repeated: it may hold a password, refused unsent.
    try:
        page = asyncio.run(fetch(given, policy))
    except FetchRefused as exc:
        raise context.fail(f"not fetching the article: {exc}", EXIT_USAGE) from None
    except FetchFailed as exc:
        raise context.fail(f"cannot fetch the article: {exc}", EXIT_MISS) from None
    try:
        return page_article(page.text, page.url, page.html), page.url
    except IngestError as exc:
        raise context.fail(str(exc)) from None


class _CitedByUrl(dict[str, str]):
    """A drafted source that is a page: ``url``, no ``document``. (The draft's opening
    comment names the source's document; a page's is its URL.)"""

    def __missing__(self, key: str) -> str:
        if key == "document":
            return self["url"]
        raise KeyError(key)


def _cite_url(plan: drafting.Draft, url: str, existing: Director | None) -> None:
    """The draft's source as a page: its URL, and the key of the director's source that
    already cites it, if one does (new quotes are then added to that source)."""
    source = _CitedByUrl((k, v) for k, v in plan.source.items() if k != "document")
    source["url"] = url
    plan.source = source
    for quote in existing.quotes if existing else ():
        if quote.source.url == url:
            plan.source_key, plan.new_source = quote.source.key, False
            break
