"""What Discord and Slack accept, so bad data is refused when it is loaded, not when it is sent."""

from __future__ import annotations

import re

# Discord: 1-32 lowercase letters, digits, - and _ (it also allows ', which Slack does not).
# Slack: lowercase, no spaces, at most 32 characters. This is what both accept.
COMMAND_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")

# The command every book gets beside the directors' own.
GLOBAL_COMMAND = "quote"

# Slack's built-in slash commands: an app cannot take these names.
SLACK_BUILTIN_COMMANDS = frozenset(
    (
        "active", "apps", "archive", "away", "call", "collapse", "dm", "expand", "feed",
        "feedback", "help", "invite", "join", "leave", "me", "msg", "mute", "open", "remind",
        "remove", "rename", "search", "shortcuts", "shrug", "star", "status", "topic", "who",
    )
)  # fmt: skip

# A topic name is offered as a Discord autocomplete choice (1-100 characters).
TOPIC_NAME_MAX = 100
# Said by a user after the command to list topics, so no topic may take it.
TOPICS_WORD = "topics"

# Discord embed author name.
DIRECTOR_NAME_MAX = 256
# A Slack section holds 3,000 characters after escaping; a Discord embed description
# 4,096. The quote goes into both, between quote marks.
QUOTE_TEXT_MAX = 3_000 - 2
# The attribution line goes into a Discord embed footer (2,048) and a Slack context block.
ATTRIBUTION_MAX = 2_048


def slack_escaped_length(text: str) -> int:
    """Length of ``text`` once Slack's mrkdwn escaping (& < >) is applied."""
    return len(text) + 4 * text.count("&") + 3 * text.count("<") + 3 * text.count(">")
