"""The log's two formats: text (the default) and JSON, one object a line, for a machine to
read (``--log-format json`` or ``QUOTEBOT_LOG_FORMAT=json``).

A JSON line holds what the text line holds, and nothing more: the time (ISO 8601, UTC),
the level, the logger, the event (the message as the text log words it), a traceback
where the text log has one, and the structured fields a call passes with ``extra=``
(platform, kind, outcome, duration): only those named here, so a record's other
attributes (a request, a token an object carries) never reach the line.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
FORMATS = ("text", "json")
# The fields a log call may pass as extra= to have them in the JSON line.
FIELDS = ("platform", "kind", "outcome", "duration")


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
        }
        for name in FIELDS:
            value = record.__dict__.get(name)
            if isinstance(value, str | int | float) and not isinstance(value, bool):
                line[name] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def formatter(kind: str) -> logging.Formatter:
    """The formatter of ``kind`` ("text" or "json")."""
    return JsonFormatter() if kind == "json" else logging.Formatter(TEXT_FORMAT)
