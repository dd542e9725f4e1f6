"""The Slack app manifest: every slash command of the book, the scopes, Socket Mode or HTTP."""

from __future__ import annotations

from typing import Any

from bot import limits
from bot.answers import list_commands
from bot.book import QuoteBook
from bot.errors import SettingsError

# commands: the slash commands; chat:write: the daily quote; chat:write.public: post it
# to a public channel without being invited; channels:history and groups:history: find
# a quote of the day already posted (after a crash) instead of posting it twice, and
# channels:join to be let read a public channel it posted to without being a member;
# users:read: whether the person typing /qotd is an admin or owner, and their time zone;
# im:history: the direct messages people send the bot (the message.im event).
BOT_SCOPES = (
    "commands", "chat:write", "chat:write.public", "channels:history", "groups:history",
    "channels:join", "users:read", "im:history",
)  # fmt: skip
DESCRIPTION = "Film directors' own words, on the topic you ask for."
URL_MAX = 3_000  # a slash command's request URL in a manifest


def check_name(name: str) -> str:
    """The app's display name, or SettingsError when Slack would refuse it."""
    name = " ".join(name.split())
    if not 1 <= len(name) <= limits.SLACK_APP_NAME_MAX:
        raise SettingsError(
            f"--name must be 1 to {limits.SLACK_APP_NAME_MAX} characters (Slack's limit for an "
            f"app's display name); {len(name)} given"
        )
    return name


def check_url(url: str) -> str:
    """The public URL commands are sent to, or SettingsError when Slack would refuse it."""
    url = url.strip()
    if url and (not url.startswith(("https://", "http://")) or len(url) > URL_MAX):
        raise SettingsError(
            f"--url must be the public https://… base URL or its /slack/events (at most {URL_MAX} "
            "characters)"
        )
    return url


EVENTS_PATH = "/slack/events"
REDIRECT_PATH = "/slack/oauth_redirect"
# Sent to every app with event subscriptions that asks: quotebot forgets the workspace.
UNINSTALL_EVENTS = ("app_uninstalled", "tokens_revoked")
# Direct messages to the bot, answered like the commands (needs im:history), and the
# Home tab opened (its view published then).
MESSAGE_EVENTS = ("message.im", "app_home_opened")
BOT_EVENTS = UNINSTALL_EVENTS + MESSAGE_EVENTS
# The message shortcut "Find the source": bot.adapters.slack.messages listens for it.
SOURCE_CALLBACK = "find_the_source"
SHORTCUT = {
    "name": limits.SOURCE_COMMAND,
    "type": "message",
    "callback_id": SOURCE_CALLBACK,
    "description": "Is this quote in the book? Its director and full source, shown to you",
}
# The message shortcut "Suggest as quote": bot.adapters.slack.review_listeners opens the form.
SUGGEST_CALLBACK = "suggest_quote"
SUGGEST_SHORTCUT = {
    "name": "Suggest as quote",
    "type": "message",
    "callback_id": SUGGEST_CALLBACK,
    "description": "Suggest this message as a director's quote, for this workspace's moderators",
}


def manifest(book: QuoteBook, name: str = "quotebot", url: str = "") -> dict[str, Any]:
    """A Slack app manifest with ``/quote`` and as many directors' commands as Slack
    allows: Socket Mode, or with ``url`` (the public base URL, or its /slack/events) the
    commands and events sent there and the OAuth redirect URL for installing in many
    workspaces."""
    name, url = check_name(name), check_url(url)
    base = url.rstrip("/").removesuffix(EVENTS_PATH) if url else ""
    url = base + EVENTS_PATH if url else ""
    commands: list[dict[str, Any]] = []
    for info in list_commands(book, limits.SLACK_COMMANDS_MAX).commands:
        command: dict[str, Any] = {
            "command": f"/{info.name}",
            "description": info.description,
            "usage_hint": info.usage_hint,
            "should_escape": False,
        }
        if url:
            command["url"] = url
        commands.append(command)
    return {
        "display_information": {
            "name": name,
            "description": DESCRIPTION,
            "background_color": "#1d1c1d",
        },
        "features": {
            "bot_user": {"display_name": name, "always_online": True},
            "slash_commands": commands,
            "shortcuts": [SHORTCUT, SUGGEST_SHORTCUT],
            # The Home tab (directors and topics), and the Messages tab, where people DM
            # the bot as they would type a command.
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
        },
        "oauth_config": {
            **({"redirect_urls": [base + REDIRECT_PATH]} if url else {}),
            "scopes": {"bot": list(BOT_SCOPES)},
        },
        "settings": {
            # Socket Mode serves one workspace (no uninstalls to hear of): DMs and Home only.
            "event_subscriptions": (
                {"request_url": url, "bot_events": list(BOT_EVENTS)}
                if url
                else {"bot_events": list(MESSAGE_EVENTS)}
            ),
            # The shortcut: over the websocket, or posted to /slack/events like commands.
            "interactivity": {"is_enabled": True, **({"request_url": url} if url else {})},
            "org_deploy_enabled": False,
            "socket_mode_enabled": not url,
            "token_rotation_enabled": False,
        },
    }
