"""A suggestion as a member fills it in (a Discord modal, a Slack view), checked before
anything is kept: every field is outside input. The rules are the quote file's (a
command Discord and Slack both accept, a quote that fits an answer, a topic's length),
plus the source: an http(s) URL without credentials in it.

A director may be one of the book's (named by command, name or alias) or a new one: then
its command comes from the form, or is made from the name. Problems are said in the
member's language, one line each, and nothing of the form is lost: the member's words go
back into the modal they are asked to correct.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot import limits
from bot.answers import N_, say
from bot.book import QuoteBook
from bot.store import NewSuggestion

# Fields' sizes: a modal's inputs are capped to these, and checked again here.
DIRECTOR_MAX, TEXT_MAX, URL_MAX, CONTEXT_MAX = 100, 1_500, 1_000, 300
TEXT_MIN = 8

NO_DIRECTOR = N_("Say whose words these are.")
LONG_DIRECTOR = N_("A director's name is at most {n} characters.")
BAD_COMMAND = N_(
    "“{command}” cannot be a command: 1-31 lowercase letters, digits, - or _ (and not "
    "quote or qotd)."
)
SHORT_TEXT = N_("The quote is too short: at least {n} characters.")
LONG_TEXT = N_("The quote is too long: at most {n} characters.")
BAD_URL = N_("The source must be a web address (http:// or https://) where the quote can be read.")
LONG_CONTEXT = N_("The context is at most {n} characters.")
LONG_TOPIC = N_("A topic is at most {n} characters.")
_SPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Form:
    """What was typed, field by field, as it came (any text, any length)."""

    director: str
    text: str
    source_url: str
    context: str = ""
    topic: str = ""
    command: str = ""


class FormProblems(Exception):
    """The form cannot be kept: each problem in the member's language."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def clean(text: object, keep_lines: bool = False) -> str:
    """A field's text: NFC, no control or invisible formatting characters, runs of
    spaces as one (a quote keeps its line breaks)."""
    if not isinstance(text, str):
        return ""
    text = _CONTROL.sub("", unicodedata.normalize("NFC", text))
    if keep_lines:
        return "\n".join(" ".join(line.split()) for line in text.strip().splitlines()).strip()
    return _SPACE.sub(" ", text).strip()


def command_for(name: str) -> str:
    """A new director's command made from their name: ``Agnès Varda`` -> ``varda``."""
    last = name.split()[-1] if name.split() else ""
    ascii_ = unicodedata.normalize("NFKD", last).encode("ascii", "ignore").decode().casefold()
    return re.sub(r"[^a-z0-9_-]", "", ascii_)[: limits.COMMAND_NAME_MAX]


def checked(
    form: Form, book: QuoteBook, platform: str, community: str, suggester: str, locale: str
) -> NewSuggestion:
    """The suggestion ``form`` makes; FormProblems, in ``locale``'s language, if any field
    is not what a quote needs."""
    problems: list[str] = []
    director = clean(form.director)
    text = clean(form.text, keep_lines=True).strip("\"“”'‘’ ")
    url = clean(form.source_url)
    context, topic = clean(form.context), clean(form.topic)
    known = book.director(director) if director else None
    command = known.command if known else (clean(form.command).lstrip("/").casefold())
    if not director:
        problems.append(say(NO_DIRECTOR, locale))
    elif len(director) > DIRECTOR_MAX:
        problems.append(say(LONG_DIRECTOR, locale, n=DIRECTOR_MAX))
    elif known is None:
        command = command or command_for(director)
        reserved = {limits.GLOBAL_COMMAND, limits.QOTD_COMMAND, *limits.SLACK_BUILTIN_COMMANDS}
        if not limits.COMMAND_NAME.fullmatch(command) or command in reserved:
            problems.append(say(BAD_COMMAND, locale, command=command[:40]))
    if len(text) < TEXT_MIN:
        problems.append(say(SHORT_TEXT, locale, n=TEXT_MIN))
    elif len(text) > TEXT_MAX:
        problems.append(say(LONG_TEXT, locale, n=TEXT_MAX))
    if not _web_address(url):
        problems.append(say(BAD_URL, locale))
    if len(context) > CONTEXT_MAX:
        problems.append(say(LONG_CONTEXT, locale, n=CONTEXT_MAX))
    if len(topic) > limits.TOPIC_NAME_MAX:
        problems.append(say(LONG_TOPIC, locale, n=limits.TOPIC_NAME_MAX))
    if problems:
        raise FormProblems(problems)
    name = known.name if known else director
    return NewSuggestion(
        platform, community, suggester, name, command, text, url, context or None, topic or None
    )


def _web_address(url: str) -> bool:
    if len(url) > URL_MAX or any(c.isspace() for c in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and "@" not in parts.netloc


__all__ = ["Form", "FormProblems", "checked", "clean", "command_for"]
