"""What Discord and Slack accept: the one place for the platforms' maxima, so that bad
data is refused when it is loaded and every message is cut to fit before it is sent."""

from __future__ import annotations

import re

# ---- command names -------------------------------------------------------------------
# Discord: 1-32 lowercase letters, digits, - _ and '. Slack: at most 32 characters
# *including* the slash, lowercase, no spaces. This is what both accept.
COMMAND_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,30}")
COMMAND_NAME_MAX = 31

# The command every book gets beside the directors' own.
GLOBAL_COMMAND = "quote"
# The quote of the day's own command (set up from chat): no director may take it.
QOTD_COMMAND = "qotd"

# Slack's built-in slash commands: an app cannot take these names.
SLACK_BUILTIN_COMMANDS = frozenset(
    (
        "active", "apps", "archive", "away", "call", "collapse", "dm", "expand", "feed",
        "feedback", "help", "invite", "join", "leave", "me", "msg", "mute", "open", "remind",
        "remove", "rename", "search", "shortcuts", "shrug", "star", "status", "topic", "who",
    )
)  # fmt: skip

# ---- how many commands an app may have -------------------------------------------------
SLACK_COMMANDS_MAX = 50  # slash commands per Slack app
DISCORD_COMMANDS_MAX = 100  # global chat-input commands per Discord application
COMMAND_DESCRIPTION_MAX = 100  # Discord; Slack allows more

# ---- the book --------------------------------------------------------------------------
# A topic name is offered as a Discord autocomplete choice (1-100 characters).
TOPIC_NAME_MAX = 100
# Said by a user after the command to list topics, so no topic may take it.
TOPICS_WORD = "topics"
# Discord embed author name and title.
DIRECTOR_NAME_MAX = 256
# A Slack section holds 3,000 characters after escaping; a Discord embed description
# 4,096. The quote goes into both, between quote marks.
QUOTE_TEXT_MAX = 3_000 - 2
# The attribution line goes into a Discord embed footer (2,048) and a Slack context block.
ATTRIBUTION_MAX = 2_048
# A quote file larger than this is refused unread (the whole shipped book is 5 KB).
QUOTE_FILE_MAX_BYTES = 20 * 1024 * 1024

# ---- Discord messages ------------------------------------------------------------------
DISCORD_CONTENT_MAX = 2_000
DISCORD_TITLE_MAX = 256
DISCORD_DESCRIPTION_MAX = 4_096
DISCORD_FOOTER_MAX = 2_048
DISCORD_EMBEDS_TOTAL_MAX = 6_000
DISCORD_EMBEDS_PER_MESSAGE = 10
CHOICES_MAX = 25  # autocomplete results
CHOICE_NAME_MAX = 100
AUTOCOMPLETE_INPUT_MAX = 100  # a string option's value is at most this long
DISCORD_ALT_TEXT_MAX = 1_024  # an attachment's description (a quote card's alt text)

# ---- Slack messages --------------------------------------------------------------------
SLACK_SECTION_MAX = 3_000  # characters in a section's text
SLACK_BLOCKS_MAX = 50  # blocks in one message
SLACK_APP_NAME_MAX = 35  # the manifest's display name
SLACK_ALT_TEXT_MAX = 2_000  # an image block's alt_text
SLACK_IMAGE_URL_MAX = 3_000  # an image block's image_url


def slack_escaped_length(text: str) -> int:
    """Length of ``text`` once Slack's mrkdwn escaping (& < >) is applied."""
    return len(text) + 4 * text.count("&") + 3 * text.count("<") + 3 * text.count(">")


# ---- message commands --------------------------------------------------------------------
# The message command (Discord's context menu; later Slack's message shortcut) that looks
# for a message's text in the quote book.
SOURCE_COMMAND = "Find the source"
# A message's text is read up to this long (Discord's longest message, with Nitro).
MESSAGE_TEXT_MAX = 4_000
