"""The Slack adapter: slash commands through slack-bolt (Socket Mode or HTTP), the quote
of the day through chat.postMessage, and the app manifest.

One module per concern: ``render`` (Block Kit), ``commands`` (the bolt app), ``messages``
(the Find the source shortcut, and DMs), ``home`` (the App Home tab), ``socket``
and ``http`` (the transports), ``poster``, ``manifest``, ``settings``, and ``service``
(the platform contract); for many workspaces, ``oauth`` (installations and states in the
state store), ``install_flow`` and ``install_pages`` (installing), and ``workspaces``
(uninstalls, and workspaces that never installed).
"""

from bot.adapters.http.replay import ReplayGuard
from bot.adapters.slack.commands import build_app
from bot.adapters.slack.http import http_app, serve_http
from bot.adapters.slack.manifest import manifest
from bot.adapters.slack.poster import PERMANENT_ERRORS, SlackPoster
from bot.adapters.slack.render import chunks, daily_message, escape, render
from bot.adapters.slack.service import PLATFORM, SlackService, check_tokens, run
from bot.adapters.slack.settings import SlackSettings
from bot.adapters.slack.socket import serve_socket_mode
from bot.answers import APOLOGY

__all__ = [
    "APOLOGY",
    "PERMANENT_ERRORS",
    "PLATFORM",
    "ReplayGuard",
    "SlackPoster",
    "SlackService",
    "SlackSettings",
    "build_app",
    "check_tokens",
    "chunks",
    "daily_message",
    "escape",
    "http_app",
    "manifest",
    "render",
    "run",
    "serve_http",
    "serve_socket_mode",
]
