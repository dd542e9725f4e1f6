"""--log-format json and QUOTEBOT_LOG_FORMAT=json: one JSON object a line, with the time,
level, logger, event and the structured fields a call passes; the same events as the text
log; never a field the call did not name (a token an object carries stays out)."""

from __future__ import annotations

import argparse
import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.cli.context import Context

TOKEN = "xoxb-1234-5678-secret"


NAME = "quotebot.slack"


@pytest.fixture(autouse=True)
def keep_logging() -> Iterator[None]:
    root, ours = logging.getLogger(), logging.getLogger(NAME)
    handlers, level, own = root.handlers[:], root.level, (ours.level, ours.propagate)
    ours.setLevel(logging.INFO)  # whatever another test left it at
    ours.propagate = True
    yield
    root.handlers[:], root.level = handlers, level
    ours.level, ours.propagate = own


def logged(env: dict[str, str], given: str | None = None) -> list[str]:
    err = io.StringIO()
    args = argparse.Namespace(log_format=given)
    context = Context(args, env, io.StringIO(), io.StringIO(), err)
    context.configure_logging()
    log = logging.getLogger(NAME)
    log.info("Slack: answering over HTTP", extra={"platform": "slack", "token": TOKEN})
    log.info(
        "answered %s", "/jonze",
        extra={"platform": "slack", "kind": "exact", "outcome": "ok", "duration": 0.0012},
    )  # fmt: skip
    try:
        raise RuntimeError("the gateway closed")
    except RuntimeError:
        log.exception("slack failed; restarting in %d s", 1)
    return err.getvalue().splitlines()


@pytest.mark.parametrize(("env", "given"), [({"QUOTEBOT_LOG_FORMAT": "json"}, None), ({}, "json")])
def test_each_line_is_an_object_with_its_fields(env: dict[str, str], given: str | None) -> None:
    lines = logged(env, given)
    parsed = [json.loads(line) for line in lines if line.startswith("{")]
    assert len(parsed) == 3  # and the traceback is inside the third, not lines of its own
    assert all(line.startswith("{") for line in lines)
    first, second, third = parsed
    assert {"time", "level", "logger", "event"} <= set(first)
    assert first["level"] == "INFO" and first["logger"] == "quotebot.slack"
    assert first["event"] == "Slack: answering over HTTP" and first["platform"] == "slack"
    assert second["event"] == "answered /jonze"
    assert (second["kind"], second["outcome"], second["duration"]) == ("exact", "ok", 0.0012)
    assert third["level"] == "ERROR" and "RuntimeError: the gateway closed" in third["exception"]
    assert TOKEN not in "\n".join(lines)


def test_text_stays_the_default_with_the_same_events() -> None:
    lines = logged({})
    assert not lines[0].startswith("{")
    assert "INFO quotebot.slack: Slack: answering over HTTP" in lines[0]
    assert "answered /jonze" in lines[1]
    assert TOKEN not in "\n".join(lines)


def test_an_unknown_format_is_refused() -> None:
    context = Context(argparse.Namespace(), {"QUOTEBOT_LOG_FORMAT": "xml"}, *[io.StringIO()] * 3)
    assert context.log_format() is None
