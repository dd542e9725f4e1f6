"""The Slack adapter: slash commands through slack-bolt, in Socket Mode or over HTTP.

Thin by design: a command's text goes to :meth:`Answerer.answer`, the answer comes back
as Block Kit in the ack itself (the core answers in microseconds, well inside Slack's
three seconds).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot import limits
from bot.answers import Answer, Answerer, Miss, QuoteAnswer, TopicsAnswer
from bot.book import Quote
from bot.daily import DeliveryError, day_label
from bot.settings import SettingsError, SlackSettings

log = logging.getLogger("quotebot.slack")

SECTION_MAX = 3_000  # characters in a section's text
BLOCKS_MAX = 50  # blocks in one message
# Slack rejects requests signed more than five minutes ago (bolt checks this); a replay
# inside those five minutes is refused by ReplayGuard.
SIGNATURE_WINDOW_S = 300
APOLOGY = "Sorry, something went wrong on our side. Please try again in a moment."


def escape(text: str) -> str:
    """Escape text for mrkdwn: ``&``, ``<`` and ``>``, and nothing else (Slack's rule).

    ``<!channel>`` becomes ``&lt;!channel&gt;``, which Slack shows and never pings.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _mrkdwn(text: str) -> dict[str, Any]:
    # verbatim: no auto-linking of names, channels or URLs written without markup.
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": _mrkdwn(text)}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [_mrkdwn(text)]}


def render(answer: Answer) -> dict[str, Any]:
    """An answer as a slash-command response: ``response_type``, ``text`` and ``blocks``."""
    if isinstance(answer, QuoteAnswer):
        quote = answer.quote
        text = f"“{escape(quote.text)}”"
        attribution = escape(quote.attribution)
        return {
            "response_type": "in_channel",
            "text": f"{text} {attribution}",
            "blocks": [_section(text), _context(attribution)],
        }
    if isinstance(answer, TopicsAnswer):
        return _render_topics(answer)
    return _render_miss(answer)


def _render_miss(miss: Miss) -> dict[str, Any]:
    lines = [escape(miss.message)]
    if miss.suggestions:
        lines.append("Did you mean " + ", ".join(f"*{escape(s)}*" for s in miss.suggestions) + "?")
    blocks = [_section("\n".join(lines))]
    if miss.available:
        blocks.append(_context("Try: " + escape(", ".join(miss.available))))
    blocks.append(_context(f"Usage: `{escape(miss.usage)}`"))
    return {"response_type": "ephemeral", "text": lines[0], "blocks": blocks}


def _render_topics(answer: TopicsAnswer) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = []
    for item in answer.listings:
        lines = [f"*{escape(item.director)}*  `/{escape(item.command)} [topic]`"]
        for name, aliases in item.topics:
            also = f" ({escape(', '.join(aliases))})" if aliases else ""
            lines.append(f"• *{escape(name)}*{also}")
        blocks.extend(_section(chunk) for chunk in _chunks(lines, SECTION_MAX))
    if len(blocks) > BLOCKS_MAX:
        more = len(blocks) - (BLOCKS_MAX - 1)
        blocks = [
            *blocks[: BLOCKS_MAX - 1],
            _context(f"…and {more} more: ask one director's topics"),
        ]
    names = ", ".join(item.command for item in answer.listings)
    return {"response_type": "ephemeral", "text": f"Topics for {escape(names)}", "blocks": blocks}


def _chunks(lines: list[str], size: int) -> list[str]:
    """Join lines into texts of at most ``size`` characters (a longer line is cut)."""
    chunks: list[str] = []
    current = ""
    for line in lines:
        line = line[:size]
        if current and len(current) + 1 + len(line) > size:
            chunks.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        chunks.append(current)
    return chunks


def daily_message(quote: Quote, day: date) -> dict[str, Any]:
    """The quote of the day as a chat.postMessage payload: blocks and a text fallback."""
    text = f"“{escape(quote.text)}”"
    attribution = escape(quote.attribution)
    return {
        "text": f"Quote of the day: {text} {attribution}",
        "blocks": [
            _context(f"*Quote of the day* · {day_label(day)}"),
            _section(text),
            _context(attribution),
        ],
    }


# chat.postMessage errors that trying again will not cure.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found", "not_in_channel", "is_archived", "missing_scope", "not_authed",
        "invalid_auth", "account_inactive", "token_revoked", "no_permission",
        "restricted_action", "restricted_action_read_only_channel", "team_access_not_granted",
        "ekm_access_denied", "msg_too_long", "invalid_blocks", "no_text", "access_denied",
    }
)  # fmt: skip


class SlackPoster:
    """Posts the quote of the day with chat.postMessage."""

    def __init__(self, settings: SlackSettings) -> None:
        self.client = AsyncWebClient(token=settings.bot_token, base_url=settings.api_url)

    async def post(self, channel: str, quote: Quote, day: date) -> str:
        try:
            response = await self.client.chat_postMessage(
                channel=channel, unfurl_links=False, unfurl_media=False, **daily_message(quote, day)
            )
        except SlackApiError as exc:
            status = exc.response.status_code
            error = str(exc.response.get("error") or f"HTTP {status}")
            if status == 429:
                retry_after = exc.response.headers.get("Retry-After", "1")
                raise DeliveryError("rate limited (429)", False, _seconds(retry_after)) from None
            raise DeliveryError(error, error in PERMANENT_ERRORS) from None
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise DeliveryError(f"network: {exc.__class__.__name__}", False) from None
        return str(response.get("ts"))

    async def close(self) -> None:
        """Nothing to close: slack-sdk opens a session per request."""


def _seconds(value: str | list[str]) -> float:
    try:
        return max(0.0, float(value if isinstance(value, str) else value[0]))
    except (IndexError, ValueError):
        return 1.0


def build_app(answerer: Answerer, settings: SlackSettings) -> AsyncApp:
    """A bolt app answering every slash command through ``answerer``.

    One listener serves them all, so a director file added to the book needs no code.
    """
    client = AsyncWebClient(token=settings.bot_token, base_url=settings.api_url)
    app = AsyncApp(
        name="quotebot",
        client=client,
        # Passed even when empty so bolt never reads the environment itself.
        signing_secret=settings.signing_secret,
        # Socket Mode requests are not signed; bolt skips verification for them.
        request_verification_enabled=bool(settings.signing_secret),
        # The listener acks with the answer and then has nothing left to do. Without this,
        # bolt runs it in the background and polls for the ack every 10 ms: measured
        # 10.7 ms median per request against 1-2 ms (bench/slack_http.py).
        process_before_response=True,
        # bolt logs under its own name (slack_bolt.AsyncApp); passing ours cost 2.5 µs a request.
    )

    @app.command(re.compile(r"^/"))
    async def answer_command(ack: AsyncAck, command: dict[str, Any]) -> None:
        try:
            answer = answerer.answer(str(command.get("command", "")), str(command.get("text", "")))
            payload = render(answer)
        except Exception:
            log.exception("answering %s failed", command.get("command"))
            payload = {"response_type": "ephemeral", "text": APOLOGY}
        await ack(**payload)

    return app


async def check_tokens(settings: SlackSettings, socket_mode: bool) -> str | None:
    """Ask Slack whether the tokens work before serving; the Socket Mode URL if asked for.

    Raises SettingsError naming the variable (never its value) when Slack refuses one.
    """
    client = AsyncWebClient(token=settings.bot_token, base_url=settings.api_url)
    try:
        await client.auth_test()
    except SlackApiError as exc:
        raise SettingsError(
            f"Slack refused SLACK_BOT_TOKEN ({exc.response.get('error')})"
        ) from None
    except (TimeoutError, aiohttp.ClientError) as exc:
        raise SettingsError(
            f"cannot reach Slack at {settings.api_url} ({exc.__class__.__name__}); "
            "check the network, or SLACK_API_URL if it is set"
        ) from None
    if not socket_mode:
        return None
    try:
        opened = await client.apps_connections_open(app_token=settings.app_token)
    except SlackApiError as exc:
        error = exc.response.get("error")
        raise SettingsError(
            f"Slack refused SLACK_APP_TOKEN ({error}); it needs the connections:write scope "
            "and Socket Mode enabled"
        ) from None
    return str(opened["url"])


async def serve_socket_mode(
    app: AsyncApp, settings: SlackSettings, stop: asyncio.Event, first_url: str | None = None
) -> None:
    """Hold a Socket Mode connection open until ``stop`` is set."""
    handler = AsyncSocketModeHandler(app, settings.app_token)
    if first_url:
        handler.client.wss_uri = first_url  # issued by check_tokens; saves a round trip
    await handler.connect_async()  # type: ignore[no-untyped-call]
    log.info("Slack: connected in Socket Mode")
    try:
        await stop.wait()
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]
        log.info("Slack: disconnected")


class ReplayGuard:
    """Refuses a signed request seen before, while its signature could still be valid.

    Bolt checks the signature and its age; it does not remember what it has seen, so a
    captured request could be played again within the five minutes.
    """

    def __init__(
        self, window_s: float = SIGNATURE_WINDOW_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._window = window_s
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()

    def first_time(self, signature: str) -> bool:
        """True the first time ``signature`` is offered within the window."""
        now = self._clock()
        while self._seen and next(iter(self._seen.values())) < now - self._window:
            self._seen.popitem(last=False)
        if signature in self._seen:
            return False
        self._seen[signature] = now
        return True

    def forget(self, signature: str) -> None:
        """Let ``signature`` through again (its request failed verification)."""
        self._seen.pop(signature, None)


def http_app(app: AsyncApp, guard: ReplayGuard | None = None) -> web.Application:
    """An aiohttp application: POST /slack/events to bolt, GET /healthz."""
    replay = guard or ReplayGuard()

    async def events(request: web.Request) -> web.StreamResponse:
        signature = request.headers.get("X-Slack-Signature", "")
        if signature and not replay.first_time(signature):
            return web.Response(status=401, text="replayed request")
        response = await app.async_dispatch(await to_bolt_request(request))
        if response.status == 401:
            replay.forget(signature)
        return await to_aiohttp_response(response)

    async def healthz(_: web.Request) -> web.StreamResponse:
        return web.json_response({"ok": True})

    web_app = web.Application()
    web_app.router.add_post("/slack/events", events)
    web_app.router.add_get("/healthz", healthz)
    return web_app


async def serve_http(
    app: AsyncApp,
    host: str,
    port: int,
    stop: asyncio.Event,
    on_listening: Callable[[str, int], Awaitable[None] | None] | None = None,
) -> None:
    """Serve bolt over HTTP on ``host:port`` until ``stop`` is set."""
    runner = web.AppRunner(http_app(app), handle_signals=False, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = runner.addresses[0]
    log.info("Slack: listening on http://%s:%s/slack/events", bound[0], bound[1])
    if on_listening is not None:
        result = on_listening(bound[0], bound[1])
        if result is not None:
            await result
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
        log.info("Slack: stopped listening")


def manifest(answerer: Answerer, name: str = "quotebot", url: str = "") -> dict[str, Any]:
    """A Slack app manifest with every slash command of the book: Socket Mode, or with
    ``url`` (https://…/slack/events) the commands sent to that URL."""
    commands: list[dict[str, Any]] = [
        {
            "command": f"/{limits.GLOBAL_COMMAND}",
            "description": "A film director's own words, on the topic you ask for",
            "usage_hint": "[director] [topic]",
            "should_escape": False,
        }
    ]
    for director in answerer.book:
        commands.append(
            {
                "command": f"/{director.command}",
                "description": f"{director.name}, in their own words"[:100],
                "usage_hint": "[topic] or topics",
                "should_escape": False,
            }
        )
    if url:
        for command in commands:
            command["url"] = url
    return {
        "display_information": {
            "name": name,
            "description": "Film directors' own words, on the topic you ask for.",
            "background_color": "#1d1c1d",
        },
        "features": {
            "bot_user": {"display_name": name, "always_online": True},
            "slash_commands": commands,
        },
        "oauth_config": {
            "scopes": {
                # commands: the slash commands; chat:write: the daily quote;
                # chat:write.public: post it to a public channel without being invited.
                "bot": ["commands", "chat:write", "chat:write.public"],
            }
        },
        "settings": {
            "interactivity": {"is_enabled": False},
            "org_deploy_enabled": False,
            "socket_mode_enabled": not url,
            "token_rotation_enabled": False,
        },
    }


async def run(
    answerer: Answerer,
    settings: SlackSettings,
    stop: asyncio.Event,
    http: tuple[str, int] | None = None,
    on_listening: Callable[[str, int], Awaitable[None] | None] | None = None,
) -> None:
    """Check the tokens, then answer slash commands (Socket Mode, or HTTP on ``http``)
    until ``stop`` is set."""
    first_url = await check_tokens(settings, socket_mode=http is None)
    app = build_app(answerer, settings)
    if http is not None:
        await serve_http(app, http[0], http[1], stop, on_listening)
    else:
        await serve_socket_mode(app, settings, stop, first_url)
