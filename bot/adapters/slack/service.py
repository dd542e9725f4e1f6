"""Slack as a platform: its service (Socket Mode or HTTP) and its poster, behind the contract."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Mapping

import aiohttp
from aiohttp import web
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.contract import ServeOptions, run_once
from bot.adapters.http.replay import ReplayGuard, shared_memory
from bot.adapters.http.server import Handler, HttpFront, OnListening
from bot.adapters.slack.commands import BOLT_VARIABLES, build_app
from bot.adapters.slack.http import events_handler, oauth_handler
from bot.adapters.slack.manifest import REDIRECT_PATH
from bot.adapters.slack.oauth import INSTALL_PATH, StoreInstallations
from bot.adapters.slack.poster import SlackPoster
from bot.adapters.slack.respond import Responder
from bot.adapters.slack.settings import SlackSettings
from bot.adapters.slack.socket import serve_socket_mode
from bot.answers import Answerer
from bot.daily import QotdDesk
from bot.environment import unset_blank
from bot.errors import SettingsError
from bot.store import SharedStore, open_store, store_location

log = logging.getLogger("quotebot.slack")


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


class SlackService:
    """Slash commands through bolt, in Socket Mode or over HTTP."""

    name = "slack"

    def __init__(
        self,
        answerer: Answerer,
        settings: SlackSettings,
        http: tuple[str, int] | None = None,
        on_listening: OnListening | None = None,
        desk: QotdDesk | None = None,
        front: HttpFront | None = None,
    ) -> None:
        self.answerer = answerer
        self.settings = settings
        self.http = http
        self.desk = desk
        self._app: AsyncApp | None = None
        self._responder = Responder()  # presses' answers, on one session
        self._events: Handler | None = None
        self._first_url: str | None = None
        # Over HTTP: on the shared server if there is one, else on a server of its own.
        self._own_front = front is None and http is not None
        self.front = front
        if http is not None and front is None:
            self.front = HttpFront(http[0], http[1], on_listening=on_listening)
        if self.front is not None:
            self.front.mount(
                "slack", "POST", "/slack/events", self._on_events, lambda: self._events is not None
            )
            if settings.oauth:
                for step, path in (("install", INSTALL_PATH), ("redirect", REDIRECT_PATH)):
                    self.front.mount("slack", "GET", path, self._oauth_step(step))

    async def _on_events(self, request: web.Request) -> web.StreamResponse:
        events = self._events
        if events is None:  # not started yet, or stopped for good
            return web.Response(status=503, text="Slack is not being served")
        return await events(request)

    def _oauth_step(self, step: str) -> Handler:
        async def handle(request: web.Request) -> web.StreamResponse:
            if self._app is None:
                return web.Response(status=503, text="Slack is not being served")
            return await oauth_handler(self._app, step)(request)

        return handle

    async def start(self) -> None:
        if not self.settings.oauth:  # with OAuth there is no one token to check
            self._first_url = await check_tokens(self.settings, socket_mode=self.http is None)
        built = build_app(self.answerer, self.settings, self.desk, self._responder)
        self._app = built.bolt
        if self.http is not None:
            # Remembered in the state store: a replay to another instance is refused too.
            guard = ReplayGuard(shared=shared_memory(self.desk), kind="slack")
            secret = self.settings.signing_secret
            self._events = events_handler(self._app, secret, guard, direct=built.direct)
            many = " for every workspace that installs it" if self.settings.oauth else ""
            log.info("Slack: answering over HTTP%s", many)
            if self.front is not None:
                self.front.serving_now("slack")

    async def serve(self, stop: asyncio.Event) -> None:
        assert self._app is not None, "start() first"
        if self.http is None:
            await serve_socket_mode(self._app, self.settings, stop, self._first_url)
        elif self._own_front:
            assert self.front is not None
            await self.front.serve(stop)
        else:  # the shared server answers; this service only has to stay up
            await stop.wait()

    async def refresh(self) -> None:
        """Nothing to do: every command reads the answerer's current book."""

    async def close(self) -> None:
        self._app = None
        self._events = None
        if self.front is not None:
            self.front.not_serving("slack")
        await self._responder.close()


async def run(
    answerer: Answerer,
    settings: SlackSettings,
    stop: asyncio.Event,
    http: tuple[str, int] | None = None,
    on_listening: OnListening | None = None,
    desk: QotdDesk | None = None,
) -> None:
    """Check the tokens, then answer slash commands (Socket Mode, or HTTP on ``http``)
    until ``stop`` is set."""
    await run_once(SlackService(answerer, settings, http, on_listening, desk), stop)


class SlackPlatform:
    """The registry's entry point for Slack."""

    name = "slack"

    def service(
        self, answerer: Answerer, env: Mapping[str, str], options: ServeOptions
    ) -> SlackService:
        settings = SlackSettings.from_environ(env, http=options.http is not None)
        # Here, before any thread runs, rather than when bolt is made (build_app does too).
        unset_blank(os.environ, BOLT_VARIABLES)
        return SlackService(
            answerer, settings, options.http, desk=options.desk, front=options.front
        )

    def poster(self, env: Mapping[str, str]) -> SlackPoster:
        settings = SlackSettings.for_posting(env)
        if not settings.oauth:
            return SlackPoster(settings)
        # Each workspace's token, from the installations in the state store.
        shared = SharedStore(lambda: open_store(store_location(env)))
        return SlackPoster(settings, StoreInstallations(shared).token_for, shared.drop)


PLATFORM = SlackPlatform()
