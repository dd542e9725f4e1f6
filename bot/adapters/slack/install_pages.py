"""The pages of installing quotebot in a Slack workspace (many workspaces): Add to Slack,
installed, already installed, and an install that failed with what to do next.

quotebot's own pages: its name, what it does and what to type first; plain HTML that
needs no JavaScript, every value escaped, sent with a strict Content-Security-Policy
(its one style block allowed by hash) and no Referer (the address holds the OAuth code).
"""

from __future__ import annotations

import base64
import hashlib
from html import escape

from bot import limits
from bot.adapters.slack.manifest import DESCRIPTION
from bot.adapters.slack.oauth import INSTALL_PATH
from bot.book import QuoteBook

NAME = "quotebot"
# The example quotebot's own help gives (/jonze editing), when the first director has it.
EXAMPLE_TOPIC = "editing"

_STYLE = (
    "body{font:1rem/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;"
    "padding:0 1rem;color:#1d1c1d}code{background:#f4f4f4;padding:.1em .3em}"
    "a.button{display:inline-block;padding:.6em 1.2em;background:#4a154b;color:#fff;"
    "text-decoration:none;border-radius:4px}"
)
_STYLE_HASH = base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()
CSP = (
    f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; img-src 'none'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "content-type": "text/html; charset=utf-8",
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}

# Why an install failed: what happened, and what to do (bolt's reasons, Slack's
# access_denied, and quotebot's own for the failures bolt sorts under one name).
_AGAIN = "Start again; if it fails again, tell whoever runs quotebot (its log says why)."
REASONS = {
    "access_denied": (
        "The install was cancelled on Slack's page: nothing was installed.",
        "To add quotebot after all, start again.",
    ),
    "invalid_browser": (
        "This install link was already used or has expired, or it was opened in another "
        "browser than the one the install began in.",
        "If you have just installed quotebot, it is installed: try {example} in any "
        "channel. If not, start again, and finish within ten minutes in the same browser.",
    ),
    "missing_code": ("Slack did not confirm the install (its reply had no code).", _AGAIN),
    "invalid_code": (
        "Slack did not confirm the install: the link's code had expired or was already used.",
        "Start again.",
    ),
    "misconfigured": (
        "Slack refused quotebot's credentials: quotebot is not set up for this Slack app.",
        "Nothing you can do here: tell whoever runs quotebot (its log says what to fix).",
    ),
    "unreachable": ("quotebot could not reach Slack to finish the install.", _AGAIN),
    "storage_error": ("quotebot could not save the installation.", _AGAIN),
    "unavailable": ("quotebot cannot begin an install just now.", _AGAIN),
}
REASONS["invalid_state"] = REASONS["invalid_browser"]


def first_steps(book: QuoteBook) -> str:
    """What to type first: the book's first director's command and one of their topics
    (``editing`` when they have it, else their first), or ``/quote`` for an empty book."""
    for director in book:
        topics = director.topic_names
        if topics:
            topic = EXAMPLE_TOPIC if EXAMPLE_TOPIC in topics else topics[0]
            return f"/{director.command} {topic}"
    return f"/{limits.GLOBAL_COMMAND}"


def _page(title: str, *paragraphs: str) -> str:
    """A page; ``paragraphs`` are HTML made here from escaped values."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><h1>{escape(title)}</h1>{body}</body></html>\n"
    )


def _code(text: str) -> str:
    return f"<code>{escape(text)}</code>"


def _more() -> str:
    return (
        f"{_code('/' + limits.GLOBAL_COMMAND)} asks any director, "
        f"{_code('/' + limits.QOTD_COMMAND)} sets a quote of the day in a channel "
        "(workspace admins)."
    )


def install_page(authorize_url: str, example: str) -> str:
    """Add to Slack: what quotebot is, the link to Slack's consent page, what to type."""
    return _page(
        f"Add {NAME} to Slack",
        f"{escape(NAME)}: {escape(DESCRIPTION)}",
        f'<a class="button" href="{escape(authorize_url)}">Add to Slack</a>',
        f"Once it is installed, type {_code(example)} in any channel. {_more()}",
    )


def installed_page(workspace: str, example: str) -> str:
    """The install worked."""
    where = f" in {escape(workspace)}" if workspace else ""
    return _page(
        f"{NAME} is installed",
        f"{escape(NAME)} is installed{where}. Type {_code(example)} in any channel to try it.",
        _more(),
        "You can close this page.",
    )


def already_installed_page(example: str) -> str:
    """The page that said installed, opened again (a reload: its link is used up)."""
    return _page(
        f"{NAME} is already installed",
        f"This link was already used: {escape(NAME)} is already installed in this "
        f"workspace. Type {_code(example)} in any channel to try it.",
        "You can close this page.",
    )


def failure_page(reason: str, example: str, said: str = "") -> str:
    """An install that failed, why and what to do; ``said``: Slack's own error word when
    the reason is not one of REASONS (shown escaped)."""
    unknown = (f"Slack stopped the install ({said or 'no reason given'}).", _AGAIN)
    happened, todo = REASONS.get(reason, unknown)
    return _page(
        f"{NAME} was not installed",
        escape(happened),
        escape(todo).replace(escape("{example}"), _code(example)),
        f'<a class="button" href="{escape(INSTALL_PATH)}">Start again</a>',
    )
