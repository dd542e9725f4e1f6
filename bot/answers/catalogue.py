"""The command catalogue: every slash command a book gives, as the platforms register them.

``/quote`` and ``/qotd`` first, then one command per director in file order, as many as a platform's
cap allows; the directors past it are still reached through ``/quote``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

from bot import limits
from bot.answers.language import ENGLISH, N_, say
from bot.answers.replies import cut
from bot.book.quote_book import QuoteBook

QUOTE_DESCRIPTION = N_("A film director's own words, on the topic you ask for")
QUOTE_USAGE = "[director] [topic]"
DIRECTOR_USAGE = "[topic] or topics"
QOTD_DESCRIPTION = N_("The quote of the day in this channel: set it up, show it, switch it off")
DIRECTOR_DESCRIPTION = N_("{name}, in their own words")
QOTD_USAGE = "[09:00 Europe/Paris [weekdays] [director] | off | list]"


@dataclass(frozen=True)
class CommandInfo:
    """One slash command: its name, what it says of itself, and whose it is."""

    name: str
    description: str
    usage_hint: str
    director: str | None = None  # the director's command; None for /quote and /qotd
    kind: Literal["quote", "qotd", "director"] = "director"
    # The description's msgid and the values it takes (a director's name); the
    # description itself is its English.
    template: str = ""
    values: tuple[tuple[str, str], ...] = ()

    def description_in(self, locale: str | None = ENGLISH) -> str:
        """The description in ``locale``'s language, within Discord's 100 characters."""
        said = say(self.template or self.description, locale, **dict(self.values))
        return cut(said, limits.COMMAND_DESCRIPTION_MAX)


@dataclass(frozen=True)
class Catalogue:
    """The commands to register, and the directors left without one."""

    commands: tuple[CommandInfo, ...]
    left_out: tuple[str, ...]  # directors' names, reachable only through /quote

    def note(self, platform: str) -> str:
        """One line for the log when directors were left out, else ""."""
        if not self.left_out:
            return ""
        names = ", ".join(self.left_out[:5]) + (", …" if len(self.left_out) > 5 else "")
        return (
            f"{platform} allows {len(self.commands)} commands: {len(self.left_out)} "
            f"director(s) are reached through /{limits.GLOBAL_COMMAND} only ({names})"
        )


def director_description(name: str) -> str:
    """A director command's description, within Discord's 100 characters."""
    return cut(DIRECTOR_DESCRIPTION.format(name=name), limits.COMMAND_DESCRIPTION_MAX)


def list_commands(book: QuoteBook, max_commands: int) -> Catalogue:
    """``/quote`` and as many directors' commands as fit in ``max_commands``."""
    commands = [
        CommandInfo(limits.GLOBAL_COMMAND, QUOTE_DESCRIPTION, QUOTE_USAGE, kind="quote"),
        CommandInfo(limits.QOTD_COMMAND, QOTD_DESCRIPTION, QOTD_USAGE, kind="qotd"),
    ]
    room = max_commands - len(commands)
    directors = list(book)
    for director in directors[:room]:
        commands.append(
            CommandInfo(
                director.command,
                director_description(director.name),
                DIRECTOR_USAGE,
                director.command,
                template=DIRECTOR_DESCRIPTION,
                values=(("name", director.name),),
            )
        )
    return Catalogue(tuple(commands), tuple(d.name for d in directors[max(room, 0) :]))


CAPS = {"Slack": limits.SLACK_COMMANDS_MAX, "Discord": limits.DISCORD_COMMANDS_MAX}


def cap_warnings(book: QuoteBook, platforms: Collection[str] | None = None) -> list[str]:
    """What ``quotebot check`` warns of, and ``quotebot run`` logs at start and on every
    reload: platforms (of ``platforms``, any case; None: all) whose command cap the book
    goes past, and who is then reachable only through ``/quote``."""
    wanted = None if platforms is None else {p.casefold() for p in platforms}
    return [
        note
        for name, cap in CAPS.items()
        if (wanted is None or name.casefold() in wanted)
        and (note := list_commands(book, cap).note(name))
    ]
