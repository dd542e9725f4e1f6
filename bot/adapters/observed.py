"""What the adapters count for Prometheus (:mod:`bot.metrics`), said once: an answer's
kind and outcome read off the core's answer, a press's action off its decoded id. One call
per answer or press, on the hot path: a few attribute reads and two precomputed children."""

from __future__ import annotations

from time import perf_counter

from bot import metrics
from bot.answers import Miss, QuoteAnswer, TopicsAnswer

# A press's action, by the decoded id's class (bot.answers.button_ids).
_ACTIONS = {"Another": "another", "Onward": "onward", "Ask": "ask", "Menu": "menu"}


def answered(platform: str, answer: object, began: float) -> None:
    """Count an answer on ``platform`` (a core answer, or a kind's name such as "qotd"),
    and the time since ``began`` (a perf_counter reading)."""
    outcome = "ok"
    if isinstance(answer, QuoteAnswer):
        kind: str = answer.how
    elif isinstance(answer, Miss):
        kind = outcome = "miss"
    elif isinstance(answer, TopicsAnswer):
        kind = "topics"
    elif isinstance(answer, str):
        kind = answer
    else:
        kind = "source" if type(answer).__name__ == "SourceAnswer" else metrics.OTHER
    metrics.ANSWERS.inc(platform, kind, outcome)
    metrics.ANSWER_SECONDS.observe(perf_counter() - began, platform)


def failed(platform: str, began: float | None = None) -> None:
    """Count an answer that failed (the member was told sorry), and its time when known."""
    metrics.ANSWERS.inc(platform, "error", "failed")
    if began is not None:
        metrics.ANSWER_SECONDS.observe(perf_counter() - began, platform)


def pressed(platform: str, action: object) -> None:
    """Count a press on ``platform`` by its decoded action (None: not an id of ours)."""
    if action is None:
        name = "foreign"
    else:
        kind = type(action).__name__
        if kind == "Cite":
            name = "post" if getattr(action, "post", False) else "source"
        else:
            name = _ACTIONS.get(kind, metrics.OTHER)
    metrics.PRESSES.inc(platform, name)
