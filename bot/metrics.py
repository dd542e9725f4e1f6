"""What quotebot counts for Prometheus: every metric, named once, with bounded labels.

Every layer records through the families below (``ANSWERS.inc("slack", "exact", "ok")``),
and none of them imports prometheus_client: until :func:`start` (``quotebot run`` calls
it) every family is a no-op costing one attribute test, so ``quotebot ask``, the other
verbs and most tests never load the library. ``QUOTEBOT_METRICS=off`` keeps them so.

A label takes only the values its family lists (a platform, a kind, an outcome: never a
user, a channel, a workspace or a text); any other value is counted as ``other``, so no
input can add a series. Each label set's child is made once and kept (no per-call look-up
by name), the table bounded by the product of the lists.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.environment import setting

TYPE_CHECKING = False  # not typing's: the families cost nothing to import
if TYPE_CHECKING:
    from typing import Any

OTHER = "other"
# Services as the supervisor names them (a platform, the HTTP server, the daily).
PLATFORMS = ("slack", "discord", "web", "terminal", "http", "daily", "metrics", OTHER)
KINDS = (
    "exact", "alias", "prefix", "typo", "search", "any", "miss", "topics", "unknown",
    "source", "qotd", "suggest", "review", "error", OTHER,
)  # fmt: skip
ANSWER_OUTCOMES = ("ok", "miss", "failed", OTHER)
ACTIONS = ("another", "onward", "ask", "source", "post", "menu", "expired", "foreign", OTHER)
SUGGESTION_EVENTS = ("submitted", "refused", OTHER)
VERIFY_OUTCOMES = ("found", "not_found", "unfetched", OTHER)
DECISIONS = ("approved", "rejected", "removed", "edited", "conflict", OTHER)
POST_OUTCOMES = (
    "posted", "already_there", "claimed_elsewhere", "failed", "retrying", "paused", OTHER,
)  # fmt: skip
ROUND_OUTCOMES = ("ok", "failed", OTHER)
STATES = ("serving", "restarting", "stopped")
STORE_ERRORS = ("unavailable", "timeout", "failed", OTHER)
RELOAD_OUTCOMES = ("ok", "failed", OTHER)
REFUSAL_REASONS = ("slow_or_idle", "unreadable", "client_gone", OTHER)

# Answers take milliseconds; Slack and Discord give up at 3 s.
ANSWER_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
STORE_BUCKETS = (0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0)


class Family:
    """One metric and its labels' allowed values; a no-op until :func:`start`."""

    def __init__(
        self,
        kind: str,
        name: str,
        doc: str,
        labels: Mapping[str, tuple[str, ...]] | None = None,
        buckets: tuple[float, ...] = (),
    ) -> None:
        self.kind, self.name, self.doc, self.buckets = kind, name, doc, buckets
        self.labels = dict(labels or {})
        self._allowed = [frozenset(values) for values in self.labels.values()]
        self.live: Any = None  # the prometheus_client metric, once started
        self._children: dict[tuple[str, ...], Any] = {}

    def _make(self, registry: Any, client: Any) -> None:  # noqa: ANN401 - the library's types
        made = {"counter": client.Counter, "gauge": client.Gauge, "histogram": client.Histogram}
        extra = {"buckets": self.buckets} if self.kind == "histogram" else {}
        names = tuple(self.labels)
        self.live = made[self.kind](self.name, self.doc, names, registry=registry, **extra)
        self._children = {}

    def child(self, values: tuple[str, ...]) -> Any:  # noqa: ANN401
        """The child of ``values`` (those not allowed read as ``other``), made once."""
        found = self._children.get(values)
        if found is not None:
            return found
        if not self.labels:
            found = self.live
        else:
            values = tuple(
                v if v in allowed else OTHER
                for v, allowed in zip(values, self._allowed, strict=True)
            )
            found = self._children.get(values) or self.live.labels(*values)
        self._children[values] = found
        return found

    def inc(self, *values: str, amount: float = 1.0) -> None:
        if self.live is not None:
            self.child(values).inc(amount)

    def dec(self, *values: str) -> None:
        if self.live is not None:
            self.child(values).dec()

    def set(self, value: float, *values: str) -> None:
        if self.live is not None:
            self.child(values).set(value)

    def observe(self, value: float, *values: str) -> None:
        if self.live is not None:
            self.child(values).observe(value)

    def state(self, current: str, *values: str, states: tuple[str, ...] = STATES) -> None:
        """A one-hot gauge: 1 for ``current``, 0 for the other states (the last label)."""
        if self.live is not None:
            for each in states:
                self.child((*values, each)).set(1.0 if each == current else 0.0)


def _counter(name: str, doc: str, **labels: tuple[str, ...]) -> Family:
    return Family("counter", name, doc, labels)


def _gauge(name: str, doc: str, **labels: tuple[str, ...]) -> Family:
    return Family("gauge", name, doc, labels)


ANSWERS = _counter(
    "quotebot_answers", "Answers given, by platform, kind of match and outcome",
    platform=PLATFORMS, kind=KINDS, outcome=ANSWER_OUTCOMES,
)  # fmt: skip
ANSWER_SECONDS = Family(
    "histogram", "quotebot_answer_seconds", "Time from a command's arrival to its answer",
    {"platform": PLATFORMS}, ANSWER_BUCKETS,
)  # fmt: skip
PRESSES = _counter(
    "quotebot_button_presses", "Buttons and menus pressed, by platform and action",
    platform=PLATFORMS, action=ACTIONS,
)  # fmt: skip
SUGGESTIONS = _counter(
    "quotebot_suggestions", "Suggestions submitted or refused at the form",
    platform=PLATFORMS, event=SUGGESTION_EVENTS,
)  # fmt: skip
SUGGESTIONS_VERIFIED = _counter(
    "quotebot_suggestions_verified", "Suggestions checked against their source, by outcome",
    outcome=VERIFY_OUTCOMES,
)  # fmt: skip
SUGGESTIONS_DECIDED = _counter(
    "quotebot_suggestions_decided", "Suggestions decided by a moderator, by status",
    platform=PLATFORMS, status=DECISIONS,
)  # fmt: skip
DAILY_POSTS = _counter(
    "quotebot_daily_posts", "Quote-of-the-day posts tried, by platform and outcome",
    platform=PLATFORMS, outcome=POST_OUTCOMES,
)  # fmt: skip
DAILY_ROUNDS = _counter(
    "quotebot_daily_rounds", "Passes of the daily scheduler, by outcome", outcome=ROUND_OUTCOMES
)
DAILY_LAST_GOOD = _gauge(
    "quotebot_daily_last_good_round_timestamp_seconds",
    "When the daily scheduler last passed with no failure (Unix time)",
)
PLATFORM_STATE = _gauge(
    "quotebot_platform_state", "Each service's state: 1 for the one it is in",
    platform=PLATFORMS, state=STATES,
)  # fmt: skip
RESTARTS = _counter(
    "quotebot_platform_restarts", "Services restarted after a failure", platform=PLATFORMS
)
STORE_ERRORS_TOTAL = _counter(
    "quotebot_store_errors", "State store calls that failed, by how", error=STORE_ERRORS
)
STORE_SECONDS = Family(
    "histogram", "quotebot_store_call_seconds", "State store calls' time, failures included",
    buckets=STORE_BUCKETS,
)  # fmt: skip
STORE_UP = _gauge("quotebot_store_up", "1 when the state store's last call or ping answered")
BOOK_QUOTES = _gauge("quotebot_book_quotes", "Quotes in the quote book being served")
BOOK_DIRECTORS = _gauge("quotebot_book_directors", "Directors in the quote book being served")
RELOADS = _counter("quotebot_book_reloads", "Reloads of the quote files", outcome=RELOAD_OUTCOMES)
RELOAD_OK = _gauge("quotebot_book_last_reload_ok", "1 when the last reload was kept, 0 if not")
RELOAD_AT = _gauge(
    "quotebot_book_last_reload_timestamp_seconds", "When the quote files were last reloaded"
)
REPLAYS = _counter(
    "quotebot_replay_refusals", "Signed requests refused as seen before", platform=PLATFORMS
)
HTTP_OPEN = _gauge("quotebot_http_connections", "HTTP connections open now")
HTTP_REFUSALS = _counter(
    "quotebot_http_refusals", "HTTP requests or connections refused", reason=REFUSAL_REASONS
)

FAMILIES = tuple(v for v in tuple(globals().values()) if isinstance(v, Family))
_state: dict[str, Any] = {}


def enabled(env: Mapping[str, str]) -> bool:
    """Whether metrics are on: unless QUOTEBOT_METRICS says off (off, 0, false, no)."""
    return setting(env, "QUOTEBOT_METRICS").lower() not in ("off", "0", "false", "no")


def start(env: Mapping[str, str] | None = None) -> bool:
    """Turn every family on, in a fresh registry (the process's CPU and memory beside
    them); False, leaving them off, when ``env`` says QUOTEBOT_METRICS=off."""
    if env is not None and not enabled(env):
        stop()
        return False
    import prometheus_client as client

    registry = client.CollectorRegistry()
    client.ProcessCollector(registry=registry)
    client.PlatformCollector(registry=registry)
    for family in FAMILIES:
        family._make(registry, client)
    STORE_UP.set(1.0)  # until a call says otherwise
    _state["registry"], _state["client"] = registry, client
    return True


def stop() -> None:
    """Every family back to a no-op (for tests, and a run with metrics off)."""
    for family in FAMILIES:
        family.live, family._children = None, {}
    _state.clear()


def is_on() -> bool:
    return "registry" in _state


def exposition() -> tuple[bytes, str]:
    """Every metric in Prometheus' text format (prometheus_client's own), and its
    content type; an empty page when metrics are off."""
    if not is_on():
        return b"# metrics are off (QUOTEBOT_METRICS=off)\n", "text/plain; charset=utf-8"
    client = _state["client"]
    return client.generate_latest(_state["registry"]), client.CONTENT_TYPE_LATEST
