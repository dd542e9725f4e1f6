"""The terminal adapter: answers rendered as plain text, and a prompt that reads commands
typed as they would be in chat (``/jonze editing``)."""

from __future__ import annotations

from bot.answers import Answer, Answerer, Markup, Miss, QuoteAnswer, TopicsAnswer, miss_text

# Not `from typing import TYPE_CHECKING`: importing typing was a tenth of `quotebot ask`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO


# Plain text: nothing to escape or mark up, and a terminal takes any length.
PLAIN = Markup(max_length=100_000)

PROMPT = "quotebot> "


def render(answer: Answer) -> str:
    """An answer as plain text: the quote and its attribution, a topic list, or a miss."""
    if isinstance(answer, QuoteAnswer):
        quote = answer.quote
        return f"“{quote.text}”\n{quote.attribution}"
    if isinstance(answer, TopicsAnswer):
        blocks = []
        for item in answer.listings:
            width = max((len(name) for name, _ in item.topics), default=0)
            lines = [f"{item.director} (/{item.command}) topics:"]
            for name, aliases in item.topics:
                lines.append(f"  {name:<{width}}  {', '.join(aliases)}".rstrip())
            blocks.append("\n".join(lines))
        return "\n\n".join(blocks)
    return render_miss(answer)


def render_miss(miss: Miss) -> str:
    """A miss: what went wrong, what might have been meant, what there is."""
    return miss_text(miss, PLAIN)


def split_command(line: str) -> tuple[str, str]:
    """``/jonze editing`` -> (``jonze``, ``editing``); the slash is optional."""
    command, _, text = line.strip().partition(" ")
    return command.lstrip("/"), text


def run_prompt(answerer: Answerer, stdin: TextIO, stdout: TextIO) -> None:
    """Answer commands typed at a prompt until end of input or ``/exit``."""
    commands = ", ".join(f"/{d.command}" for d in answerer.book)
    stdout.write(f"Type a command as you would in chat ({commands}, /quote); /exit to leave.\n")
    while True:
        stdout.write(PROMPT)
        stdout.flush()
        line = stdin.readline()
        if not line:
            stdout.write("\n")
            return
        command, text = split_command(line)
        if not command:
            continue
        if command in ("exit", "quit"):
            return
        stdout.write(render(answerer.answer(command, text)) + "\n")
