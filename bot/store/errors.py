"""The state store's errors, a suggestion refused, and store locations made safe to show."""

from __future__ import annotations

from typing import Literal

Refusal = Literal["member_hourly", "queue_full"]


class StoreError(Exception):
    """The state store cannot be used as it is; the message says what was found."""


class StoreUnwritable(StoreError):
    """quotebot may not write the state store (a read-only file or folder, a role without
    grants): found when it is opened. The message is one line naming QUOTEBOT_DB, what was
    found and the fix: ``QUOTEBOT_DB=/srv/state.db: read-only (…); chmod u+w /srv/state.db``."""

    def __init__(self, where: str, found: str, fix: str) -> None:
        super().__init__(f"QUOTEBOT_DB={without_password(where)}: {found}; {fix}")


class SuggestionRefused(Exception):
    """A suggestion the store would not take: not a failure of the store, a cap reached.
    ``reason`` is "member_hourly" (the member's suggestions of the last hour; may suggest
    again in ``retry_after`` seconds) or "queue_full" (the community's open queue)."""

    def __init__(self, reason: Refusal, retry_after: float = 0.0) -> None:
        said = {
            "member_hourly": "this member made as many suggestions as an hour allows",
            "queue_full": "this community's review queue is full",
        }
        super().__init__(said[reason])
        self.reason: Refusal = reason
        self.retry_after = retry_after


class StoreUnavailable(ConnectionError):
    """The serving side's store is out of reach just now (it failed to open a moment ago;
    another attempt is under way): the message is that failure's, without a password."""


_SECRET_PARAMS = frozenset({"password", "passfile", "sslpassword", "sslkey"})


def without_password(url: str) -> str:
    """The URL for messages: a password, in the user part or the query, replaced by ***;
    a URL that cannot be read at all is not shown."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    if "://" not in url:  # a SQLite path
        return url
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if parts.password is not None:
            user, _, host = netloc.rpartition("@")
            netloc = f"{user.partition(':')[0]}:***@{host}"
        query = [
            (key, "***" if key.casefold() in _SECRET_PARAMS else value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
        ]
        return urlunsplit(parts._replace(netloc=netloc, query=urlencode(query, safe="*")))
    except ValueError:
        scheme = url.partition(":")[0] if url[:12].isascii() else ""
        return f"{scheme}://… (not a readable URL)" if scheme.isalpha() else "(not a readable URL)"
