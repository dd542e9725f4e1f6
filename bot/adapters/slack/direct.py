"""Slash commands over HTTP answered without bolt's dispatch, when everything their answer
needs is already in memory: the commonest request quotebot gets, at a fraction of bolt's
cost.

bolt's dispatch of a command (its middleware chain, building the listener's arguments to
see whether it matches, a new Web API client in every request's context, the ack) cost more
CPU than all of quotebot's own work on it (bench/slack_http.py). A verified form body whose
``command`` the book answers (a director's command, or ``/quote`` searching) is answered
here, by the same function bolt's listener calls, when the member's language is remembered
and, serving many workspaces, the workspace was found installed within
:data:`INSTALLED_S`. Anything else (``/qotd``, ``/quote suggest``, a member not known yet,
interactivity, events) goes to bolt as before, and the next request from that member comes
here. Socket Mode is all bolt's.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from urllib.parse import unquote_plus

from slack_bolt.request.internals import (
    extract_enterprise_id,
    extract_is_enterprise_install,
    extract_team_id,
)

from bot.adapters.slack.members import Locales

FORM = "application/x-www-form-urlencoded"
# A workspace found installed is taken as installed for this long without asking the store
# again (Slack sends no command for an app a workspace removed).
INSTALLED_S = 60.0
# Workspaces remembered as installed at most (the oldest forgotten first).
INSTALLED_MAX = 10_000

# The fields the direct path reads of a command's form.
READ = frozenset(
    {"command", "text", "team_id", "user_id", "enterprise_id", "is_enterprise_install"}
)
# Fields that make a form something else (interactivity, Slack's SSL check), or that bolt's
# reading of the workspace would take first: such a form goes to bolt, as it always did.
OTHERS = frozenset(
    {"payload", "ssl_check", "enterprise", "team", "authorizations", "event", "user", "view"}
)
NAMES = READ | OTHERS

# (command, text, workspace, language) -> the ack's JSON body.
FromBook = Callable[[str, str, str, str], Awaitable[str]]
Key = tuple[str | None, str | None, bool | None]


def form_fields(form: str, names: frozenset[str] = NAMES) -> dict[str, str]:
    """The fields of ``form`` named in ``names``, as ``dict(parse_qsl(form,
    keep_blank_values=True))`` has them (the last of a repeated name; ``+`` a space,
    percent-escapes UTF-8 with errors replaced), decoding only those: parse_qsl decoded
    all fourteen of a command's, 22 us against 7."""
    found: dict[str, str] = {}
    for pair in form.split("&"):
        name, _, value = pair.partition("=")
        if "%" in name or "+" in name:
            name = unquote_plus(name)
        if name in names:
            found[name] = unquote_plus(value) if "%" in value or "+" in value else value
    return found


def installation_key(body: Mapping[str, object]) -> Key:
    """The installation a request is from, read as bolt's authorization reads it (with bolt's
    own functions)."""
    fields = dict(body)
    return (
        extract_enterprise_id(fields),
        extract_team_id(fields),
        extract_is_enterprise_install(fields),
    )


class Installed:
    """Workspaces (and organisations) lately found installed, by :func:`installation_key`."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._until: dict[Key, float] = {}

    def found(self, key: Key) -> None:
        """``key`` has an installation (just looked up)."""
        self._until.pop(key, None)
        while len(self._until) >= INSTALLED_MAX:
            del self._until[next(iter(self._until))]
        self._until[key] = self._clock() + INSTALLED_S

    def forget(self, enterprise_id: str | None, team_id: str | None) -> None:
        """An uninstall: the workspace's keys, or (``team_id`` None) the organisation's."""
        for key in list(self._until):
            if key[1] == team_id if team_id is not None else key[0] == enterprise_id:
                del self._until[key]

    def lately(self, key: Key) -> bool:
        until = self._until.get(key)
        return until is not None and until > self._clock()


class DirectCommands:
    """Answers a verified request body itself when it can (its JSON body), else None (for
    bolt). ``bolt_only(command, text)``: commands that need bolt (a client, a modal);
    ``installed``: serving many workspaces, the ones known installed."""

    def __init__(
        self,
        from_book: FromBook,
        locales: Locales,
        bolt_only: Callable[[str, str], bool],
        installed: Installed | None = None,
    ) -> None:
        self._from_book = from_book
        self._locales = locales
        self._bolt_only = bolt_only
        self._installed = installed

    async def answer(self, content_type: str, body: bytes) -> str | None:
        """The ack's body for ``body`` (verified, all of it), or None to hand it to bolt."""
        if content_type != FORM or not body.isascii():  # a form's bytes are all ASCII
            return None
        fields = form_fields(body.decode("ascii"))
        name = fields.get("command", "")
        if not name.startswith("/") or not OTHERS.isdisjoint(fields):
            return None
        text, team = fields.get("text", ""), fields.get("team_id", "")
        if self._bolt_only(name, text):
            return None
        locale = self._locales.known(team, fields.get("user_id", ""))
        if locale is None:
            return None
        if self._installed is not None and not self._installed.lately(installation_key(fields)):
            return None
        return await self._from_book(name, text, team, locale)
