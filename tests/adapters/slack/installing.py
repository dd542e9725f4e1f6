"""Slack for many workspaces in this process, for the install and uninstall tests: the fake
Slack with organisation-wide (Enterprise Grid) installs added, quotebot's Slack service
over HTTP with its installations in a real SQLite store, and a browser: a cookie jar
that keeps and sends cookies as a browser does (Secure ones included, on 127.0.0.1)."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
from aiohttp import web

from bot.adapters.slack import SlackService, SlackSettings
from bot.answers.answerer import Answerer
from bot.book.quote_book import QuoteBook
from bot.daily.desk import QotdDesk
from bot.daily.settings_file import DailyConfig
from bot.store.roles import Store
from bot.store.sqlite import SQLiteStore
from tests.fakes.slack import (
    CLIENT_ID,
    CLIENT_SECRET,
    SIGNING_SECRET,
    FakeSlack,
    form_body,
    signed_headers,
)


@dataclass
class GridSlack(FakeSlack):
    """The fake Slack, with organisations: a code from :meth:`authorize_org` installs
    the app org-wide, and oauth.v2.access answers as Slack documents it for that case
    (``team`` null, an ``enterprise`` object, ``is_enterprise_install`` true)."""

    org_codes: dict[str, str] = field(default_factory=dict)
    # Workspaces' names, as oauth.v2.access gives them (else "Team <ID>").
    team_names: dict[str, str] = field(default_factory=dict)

    def authorize_org(self, enterprise: str) -> str:
        code = f"code-{enterprise}-{next(self._ids)}"
        self.org_codes[code] = enterprise
        return code

    def _oauth_access(self, request: web.Request, data: dict[str, Any]) -> web.Response:
        enterprise = self.org_codes.pop(str(data.get("code")), None)
        if enterprise is None:
            answer = super()._oauth_access(request, data)
            got = json.loads(answer.text or "{}")
            if got.get("ok") and got["team"]["id"] in self.team_names:
                got["team"]["name"] = self.team_names[got["team"]["id"]]
            return web.json_response(got)
        token = f"xoxb-{enterprise}-{next(self._ids)}-fake"
        self.tokens[token] = enterprise
        return web.json_response({
            "ok": True, "app_id": "A0QUOTEBOT", "authed_user": {"id": "U0ADMIN01"},
            "scope": "commands,chat:write,users:read", "token_type": "bot",
            "access_token": token, "bot_user_id": "U0QUOTEBOT", "team": None,
            "enterprise": {"id": enterprise, "name": f"Org {enterprise}"},
            "is_enterprise_install": True,
        })  # fmt: skip


def event_body(event: dict[str, Any], **envelope: Any) -> str:
    """An Events API request as Slack sends it: the envelope around ``event``."""
    return json.dumps({
        "token": "gIkuvaNzQIHg97ATvDxqgjtO", "api_app_id": "A0QUOTEBOT", "event": event,
        "type": "event_callback", "event_id": f"Ev{time.time_ns()}",
        "event_time": int(time.time()), "is_ext_shared_channel": False, **envelope,
    })  # fmt: skip


@dataclass
class Many:
    """quotebot serving many workspaces over HTTP, at ``base``."""

    slack: GridSlack
    base: str
    db: Path

    @asynccontextmanager
    async def browser(self) -> AsyncIterator[Browser]:
        jar = aiohttp.CookieJar(unsafe=True, treat_as_secure_origin=[self.base])
        async with aiohttp.ClientSession(cookie_jar=jar) as session:
            yield Browser(self, session)

    async def command(self, text: str = "editing", **fields: str) -> tuple[int, str]:
        """A signed ``/jonze TEXT`` from the workspace ``fields`` say; status and body."""
        body = form_body(self.slack.command_payload("/jonze", text, **fields))
        return await self.post(body, signed_headers(body))

    async def event(self, body: str) -> tuple[int, str]:
        return await self.post(body, {**signed_headers(body), "Content-Type": "application/json"})

    async def post(self, body: str, headers: dict[str, str]) -> tuple[int, str]:
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"{self.base}/slack/events", data=body, headers=headers) as response,
        ):
            return response.status, await response.text()

    def installation(self, enterprise: str, team: str) -> str | None:
        store = SQLiteStore(self.db)
        try:
            return store.installation(enterprise, team)
        finally:
            store.close()


@dataclass
class Page:
    status: int
    html: str
    headers: Any  # aiohttp's CIMultiDictProxy
    url: str = ""


class Browser:
    """One person's browser: it keeps the cookies quotebot sets, and sends them back."""

    def __init__(self, many: Many, session: aiohttp.ClientSession) -> None:
        self.many = many
        self.session = session

    async def open(self, url: str) -> Page:
        async with self.session.get(url, allow_redirects=False) as response:
            return Page(response.status, await response.text(), response.headers, url)

    async def install_page(self) -> tuple[Page, str]:
        """/slack/install, and the state its Add to Slack link carries."""
        page = await self.open(f"{self.many.base}/slack/install")
        found = re.search(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]+)"', page.html)
        assert found is not None, page.html
        query = parse_qs(urlsplit(found.group(1).replace("&amp;", "&")).query)
        assert query["client_id"] == [CLIENT_ID]
        return page, query["state"][0]

    async def install(self, team: str = "", org: str = "") -> Page:
        """Add to Slack, agree on Slack's page (in ``team``, or org-wide in ``org``), and
        come back to quotebot with Slack's code: the page quotebot shows then."""
        _, state = await self.install_page()
        code = self.many.slack.authorize_org(org) if org else self.many.slack.authorize(team)
        return await self.open(f"{self.many.base}/slack/oauth_redirect?code={code}&state={state}")


@asynccontextmanager
async def serving(
    tmp_path: Path,
    book: QuoteBook,
    slack: GridSlack | None = None,
    store: type[SQLiteStore] = SQLiteStore,
    client_secret: str = CLIENT_SECRET,
) -> AsyncIterator[Many]:
    """quotebot's Slack service for many workspaces, over HTTP on 127.0.0.1, until the
    block ends; ``store``: the state store's class (a subclass can fail on purpose)."""
    fake = slack or GridSlack()
    await fake.start()
    db = tmp_path / "state.db"

    def opened() -> Store:
        return store(db)

    desk = QotdDesk(opened, DailyConfig(), lambda: book)
    settings = SlackSettings(
        "", signing_secret=SIGNING_SECRET, api_url=fake.api_url, client_id=CLIENT_ID,
        client_secret=client_secret,
    )  # fmt: skip
    listening: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    service = SlackService(
        Answerer(book), settings, ("127.0.0.1", 0),
        lambda host, port: listening.set_result(f"http://{host}:{port}"), desk,
    )  # fmt: skip
    stop = asyncio.Event()
    await service.start()
    task = asyncio.create_task(service.serve(stop))
    try:
        yield Many(fake, await asyncio.wait_for(listening, 10), db)
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
        await service.close()
        desk.close()
        await fake.stop()
