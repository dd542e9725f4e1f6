"""``quotebot ask``, ``topics`` and ``check``: the quote book from the terminal."""

from __future__ import annotations

from bot import limits
from bot.adapters import terminal
from bot.answers.answerer import Miss
from bot.book.loader import load_book
from bot.cli.context import EXIT_MISS, EXIT_OK, Context


def ask(context: Context) -> int:
    """The answer to ``/DIRECTOR TOPIC``; a miss goes to stderr with exit 1."""
    return _answer(context, context.args.director, " ".join(context.args.topic))


def topics(context: Context) -> int:
    """One director's topics, or every director's."""
    return _answer(context, context.args.director or limits.GLOBAL_COMMAND, "topics")


def _answer(context: Context, director: str, text: str) -> int:
    answerer = context.answerer()
    # The terminal takes a director's name or alias where chat needs the command.
    found = answerer.book.director(director)
    command = found.command if found is not None else director
    answer = answerer.answer(command, text)
    if isinstance(answer, Miss):
        context.err.write(terminal.render(answer) + "\n")
        return EXIT_MISS
    context.out.write(terminal.render(answer) + "\n")
    return EXIT_OK


def check(context: Context) -> int:
    """Every problem as ``path:line: message`` (exit 1), then the platforms' caps."""
    from bot.answers.catalogue import cap_warnings

    loaded = load_book(context.args.paths or [context.quotes])
    out = context.out
    problems = list(loaded.problems)
    checked = None
    if context.args.verify:
        from bot.curation.verify import verify

        checked = verify(loaded.book)
        problems += checked.problems
    for problem in problems:
        out.write(f"{problem}\n")
    for unsure in checked.warnings if checked is not None else []:
        out.write(f"warning: {unsure}\n")
    for warning in cap_warnings(loaded.book):
        out.write(f"warning: {warning}\n")
    if problems:
        out.write(f"{len(problems)} problem(s) in {len(loaded.files)} file(s)\n")
        return EXIT_MISS
    quotes = len(loaded.book.quotes)
    out.write(f"ok: {len(loaded.files)} file(s), {len(loaded.book)} director(s), {quotes} quotes\n")
    if checked is not None:
        out.write(
            f"verified: {checked.found} quote(s) found in their documents"
            f"{f', {checked.unchecked} with a URL only' if checked.unchecked else ''}\n"
        )
    return EXIT_OK
