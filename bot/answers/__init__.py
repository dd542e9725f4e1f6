"""Answering: what a member types in, a platform-neutral answer out — the answerer,
cleaning what users type, planned asks, matching, rotation, the wording of replies, the
command catalogue and autocomplete, and the fact-check of a posted quote (source_check);
buttons and menus (buttons: what a press means, carried in its id; menus: a director's
topics as a menu, the most quoted first past a cap, a choice read back strictly);
the member's language (language: every answer's chrome translated, never a quote).

The catalogue, autocomplete and the fact-check are loaded on first use: ``quotebot ask``
needs none of them, and importing them (and ``typing``, which the catalogue needs) was
5 ms of it.
"""

from __future__ import annotations

from bot.answers.answerer import Answerer
from bot.answers.language import ENGLISH, LANGUAGES, N_, language_of, say, translate
from bot.answers.replies import (
    AND_MORE,
    APOLOGY,
    MORE_TOPICS,
    Answer,
    Markup,
    Miss,
    QuoteAnswer,
    TopicsAnswer,
    cut,
    miss_lines,
    miss_text,
    topic_heading,
    topic_lines,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from bot.answers.autocomplete import (
        Choice,
        director_choices,
        quote_topic_choices,
        topic_choices,
    )
    from bot.answers.buttons import (
        EXPIRED,
        LABEL_ANOTHER,
        LABEL_POST,
        LABEL_SOURCE,
        NOT_MINE,
        SHARED_BY,
        Action,
        Another,
        Ask,
        Cite,
        Menu,
        Next,
        Onward,
        another_after,
        another_after_quote,
        decode,
        encode,
        meant,
        next_quote,
        quote_of,
    )
    from bot.answers.catalogue import Catalogue, CommandInfo, list_commands
    from bot.answers.menus import TopicMenu, chosen, topic_menu
    from bot.answers.source_check import (
        SourceAnswer,
        check_source,
        source_lines,
        source_text,
    )

_LATER = {
    "Action": "buttons",
    "Another": "buttons",
    "Ask": "buttons",
    "Cite": "buttons",
    "Menu": "buttons",
    "Next": "buttons",
    "Onward": "buttons",
    "TopicMenu": "menus",
    "chosen": "menus",
    "topic_menu": "menus",
    "EXPIRED": "buttons",
    "LABEL_ANOTHER": "buttons",
    "LABEL_POST": "buttons",
    "LABEL_SOURCE": "buttons",
    "NOT_MINE": "buttons",
    "SHARED_BY": "buttons",
    "another_after": "buttons",
    "another_after_quote": "buttons",
    "meant": "buttons",
    "decode": "buttons",
    "encode": "buttons",
    "next_quote": "buttons",
    "quote_of": "buttons",
    "Choice": "autocomplete",
    "director_choices": "autocomplete",
    "quote_topic_choices": "autocomplete",
    "topic_choices": "autocomplete",
    "Catalogue": "catalogue",
    "CommandInfo": "catalogue",
    "list_commands": "catalogue",
    "SourceAnswer": "source_check",
    "check_source": "source_check",
    "source_lines": "source_check",
    "source_text": "source_check",
}


def __getattr__(name: str) -> object:
    """What is loaded on first use (see above), then kept as an ordinary attribute."""
    module = _LATER.get(name)
    if module is None:
        raise AttributeError(f"module 'bot.answers' has no attribute {name!r}")
    from importlib import import_module

    value: object = getattr(import_module(f"bot.answers.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "AND_MORE",
    "APOLOGY",
    "ENGLISH",
    "EXPIRED",
    "LABEL_ANOTHER",
    "LABEL_POST",
    "LABEL_SOURCE",
    "LANGUAGES",
    "MORE_TOPICS",
    "NOT_MINE",
    "N_",
    "SHARED_BY",
    "Action",
    "Another",
    "Answer",
    "Answerer",
    "Ask",
    "Catalogue",
    "Choice",
    "Cite",
    "CommandInfo",
    "Markup",
    "Menu",
    "Miss",
    "Next",
    "Onward",
    "QuoteAnswer",
    "SourceAnswer",
    "TopicMenu",
    "TopicsAnswer",
    "another_after",
    "another_after_quote",
    "check_source",
    "chosen",
    "cut",
    "decode",
    "director_choices",
    "encode",
    "language_of",
    "list_commands",
    "meant",
    "miss_lines",
    "miss_text",
    "next_quote",
    "quote_of",
    "quote_topic_choices",
    "say",
    "source_lines",
    "source_text",
    "topic_choices",
    "topic_heading",
    "topic_lines",
    "topic_menu",
    "translate",
]
