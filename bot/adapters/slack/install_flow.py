"""Installing quotebot in a Slack workspace (many workspaces): bolt's OAuth flow, given
every setting (so bolt reads none from the environment), with quotebot's pages
(:mod:`bot.adapters.slack.install_pages`) and a log line for each install and each
failure with its reason, never a secret nor the OAuth code.

A reload of the page that said "installed" asks again with a code and a state already
used: the installed page leaves a cookie, an HMAC of that state keyed with the client
secret, and a failure that comes with it says "already installed" instead.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Callable
from contextvars import ContextVar
from http.cookies import CookieError, SimpleCookie

import aiohttp
from slack_bolt.error import BoltError
from slack_bolt.oauth.async_callback_options import (
    AsyncCallbackOptions,
    AsyncFailureArgs,
    AsyncSuccessArgs,
)
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack import install_pages as pages
from bot.adapters.slack.manifest import BOT_SCOPES, REDIRECT_PATH
from bot.adapters.slack.oauth import INSTALL_PATH, STATE_EXPIRES_S, StoreInstallations, StoreStates
from bot.adapters.slack.settings import SlackSettings
from bot.daily import QotdDesk

log = logging.getLogger("quotebot.slack")

DONE_COOKIE = "quotebot-installed"
DONE_S = 86_400  # how long a reload of the installed page still says so
# oauth.v2.access errors that mean quotebot's own client ID or secret is wrong.
CREDENTIALS = frozenset({"invalid_client_id", "bad_client_secret", "invalid_client"})
# What went wrong in oauth.v2.access, for the failure that follows in the same request.
_exchange: ContextVar[str] = ContextVar("slack_install_exchange", default="")
# Slack's own error words (the redirect's ?error=): anything else is not shown as given.
_WORD = re.compile(r"[a-z0-9_]{1,60}")


def _one(request: AsyncBoltRequest, name: str) -> str:
    values = request.query.get(name) or [""]
    return str(values[0])


def _shown(text: str | None) -> str:
    """A name Slack gave (a workspace's), safe on one log line."""
    return "".join(c if c.isprintable() else "?" for c in (text or ""))[:80]


class InstallFlow(AsyncOAuthFlow):
    """bolt's OAuth flow with quotebot's pages, headers and log lines."""

    def __init__(
        self, *, client: AsyncWebClient, settings: AsyncOAuthSettings, secret: str,
        example: Callable[[], str],
    ) -> None:  # fmt: skip
        settings.callback_options = AsyncCallbackOptions(self._installed, self._failed)
        super().__init__(client=client, settings=settings)
        self._key = secret.encode()
        self._example = example

    async def handle_installation(self, request: AsyncBoltRequest) -> BoltResponse:
        try:
            response = await super().handle_installation(request)
        except Exception as exc:  # noqa: BLE001 - the state store out of reach: say so
            log.error("Slack: the install page failed: the state store failed (%s)",
                      exc.__class__.__name__)  # fmt: skip
            return self._page(503, pages.failure_page("unavailable", self._example()))
        response.headers.update({k: [v] for k, v in pages.HEADERS.items()})
        return response

    async def build_install_page_html(self, url: str, request: AsyncBoltRequest) -> str:
        return pages.install_page(url, self._example())

    async def handle_callback(self, request: AsyncBoltRequest) -> BoltResponse:
        _exchange.set("")
        return await super().handle_callback(request)

    async def run_installation(self, code: str) -> Installation | None:
        """oauth.v2.access, then auth.test for the bot's ID, as bolt does; a refusal is
        remembered for the failure page and the log (bolt's own line shows the code).
        Only the bot's token is kept: quotebot asks for no user scopes."""
        try:
            # The app's credentials in the form, as Slack allows (slack-sdk's own
            # oauth_v2_access sends them through aiohttp's deprecated BasicAuth).
            form = {"code": code, "client_id": self.settings.client_id,
                    "client_secret": self.settings.client_secret}  # fmt: skip
            if self.settings.redirect_uri:
                form["redirect_uri"] = self.settings.redirect_uri
            got = await self.client.api_call("oauth.v2.access", data=form)
            token = got.get("access_token")
            me = await self.client.auth_test(token=token) if token else None
        except SlackApiError as exc:
            said = str(exc.response.get("error") or "")
            _exchange.set(said if _WORD.fullmatch(said) else "an error it did not name")
            return None
        except (TimeoutError, aiohttp.ClientError) as exc:
            _exchange.set(f"unreachable:{exc.__class__.__name__}")
            return None
        org, team = got.get("enterprise") or {}, got.get("team") or {}
        whole_org = bool(got.get("is_enterprise_install"))
        return Installation(
            app_id=got.get("app_id"), enterprise_id=org.get("id"), enterprise_name=org.get("name"),
            enterprise_url=me.get("url") if me is not None and whole_org else None,
            team_id=team.get("id"), team_name=team.get("name"), bot_token=token,
            bot_id=me.get("bot_id") if me is not None else None,
            bot_user_id=got.get("bot_user_id"), bot_scopes=got.get("scope") or "",
            bot_refresh_token=got.get("refresh_token"), bot_token_expires_in=got.get("expires_in"),
            user_id=str((got.get("authed_user") or {}).get("id") or ""),
            is_enterprise_install=whole_org, token_type=got.get("token_type"),
        )  # fmt: skip

    async def store_installation(
        self, request: AsyncBoltRequest, installation: Installation
    ) -> None:
        """Saved in the state store; bolt sorts only its own BoltError under storage_error,
        so the store's failure becomes one (named by its class, never its message)."""
        try:
            await super().store_installation(request, installation)
        except Exception as exc:  # sqlite3's and psycopg's errors alike
            raise BoltError(exc.__class__.__name__) from exc

    # ---- the callback's two ends ----------------------------------------------------

    async def _installed(self, args: AsyncSuccessArgs) -> BoltResponse:
        done = args.installation
        if done.is_enterprise_install:
            where = f"organisation {done.enterprise_id} ({_shown(done.enterprise_name)}), org-wide"
        else:
            where = f"workspace {done.team_id} ({_shown(done.team_name)})"
        log.info("Slack: quotebot installed in %s by %s", where, done.user_id or "someone")
        mark = self._mark(_one(args.request, "state"))
        cookies = [
            self.settings.state_utils.build_set_cookie_for_deletion(),
            f"{DONE_COOKIE}={mark}; Secure; HttpOnly; Path={REDIRECT_PATH}; Max-Age={DONE_S}",
        ]
        name = (done.enterprise_name if done.is_enterprise_install else done.team_name) or ""
        return self._page(200, pages.installed_page(name, self._example()), cookies)

    async def _failed(self, args: AsyncFailureArgs) -> BoltResponse:
        reason, status, example = args.reason, args.suggested_status_code, self._example()
        if reason in ("invalid_browser", "invalid_state") and self._done(args.request):
            log.info("Slack: the installed page was opened again (a reload): said so again")
            return self._page(200, pages.already_installed_page(example))
        reason, status, why, said = self._why(reason, status, args.error)
        log.warning("Slack: an install failed: %s", why)
        return self._page(status, pages.failure_page(reason, example, said))

    @staticmethod
    def _why(reason: str, status: int, error: Exception | None) -> tuple[str, int, str, str]:
        """The page's reason, its status, the log's words, and Slack's own word to show.
        bolt passes the redirect's ?error= as the reason, with status 200: anything."""
        exchange = _exchange.get()
        if status == 200 and reason == "access_denied":
            return reason, status, "the installer cancelled it on Slack's page", ""
        if status == 200:
            said = reason if _WORD.fullmatch(reason) else "an error it did not name"
            return "slack_error", status, f"Slack said {said}", said
        if reason == "invalid_code" and exchange.startswith("unreachable:"):
            return "unreachable", 502, f"Slack could not be reached ({exchange[12:]})", ""
        if reason == "invalid_code" and exchange in CREDENTIALS:
            why = (f"Slack refused SLACK_CLIENT_ID or SLACK_CLIENT_SECRET ({exchange}); check "
                   "them against the app's Basic Information")  # fmt: skip
            return "misconfigured", 500, why, ""
        if reason == "invalid_code":
            return reason, status, f"Slack refused the code ({exchange or 'no reason given'})", ""
        if reason == "storage_error":
            return reason, status, f"the state store failed ({error})", ""
        return reason, status, reason.replace("_", " "), ""

    def _mark(self, state: str) -> str:
        digest = hmac.new(self._key, b"installed:" + state.encode(), hashlib.sha256)
        return digest.hexdigest()[:40]

    def _done(self, request: AsyncBoltRequest) -> bool:
        """Whether the browser holds the mark of this very state's install."""
        state = _one(request, "state")
        for header in request.headers.get("cookie") or []:
            try:
                jar = SimpleCookie(header)
            except CookieError:
                continue
            mark = jar.get(DONE_COOKIE)
            if state and mark is not None and hmac.compare_digest(mark.value, self._mark(state)):
                return True
        return False

    @staticmethod
    def _page(status: int, html: str, cookies: list[str] | None = None) -> BoltResponse:
        headers: dict[str, str | list[str]] = dict(pages.HEADERS)
        if cookies:
            headers["set-cookie"] = cookies
        return BoltResponse(status=status, body=html, headers=headers)  # type: ignore[arg-type]


def install_flow(
    settings: SlackSettings,
    installations: StoreInstallations,
    desk: QotdDesk,
    client: AsyncWebClient,
    example: Callable[[], str],
) -> InstallFlow:
    """The OAuth flow with the manifest's scopes and no user scopes, its installations and
    states in the state store, every setting given so bolt falls back on no variable."""
    oauth = AsyncOAuthSettings(
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=installations,
        installation_store_bot_only=True,
        state_store=StoreStates(desk.store),
        state_expiration_seconds=STATE_EXPIRES_S,
    )
    secret = settings.client_secret
    return InstallFlow(client=client, settings=oauth, secret=secret, example=example)
