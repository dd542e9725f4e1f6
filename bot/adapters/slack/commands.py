"""The bolt app: one listener answers every slash command through the core."""

from __future__ import annotations

import json
import logging
import os
import re
from time import perf_counter
from typing import Any, NamedTuple

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot import limits
from bot.adapters import observed
from bot.adapters.slack.bodies import listed_json, quote_json
from bot.adapters.slack.buttons import add_button_listeners
from bot.adapters.slack.direct import DirectCommands, Installed
from bot.adapters.slack.home import add_home_listeners
from bot.adapters.slack.install_flow import install_flow
from bot.adapters.slack.install_pages import first_steps
from bot.adapters.slack.members import Locales
from bot.adapters.slack.messages import add_message_listeners
from bot.adapters.slack.oauth import StoreInstallations
from bot.adapters.slack.qotd import answer_qotd
from bot.adapters.slack.render import rendered_json
from bot.adapters.slack.respond import Responder
from bot.adapters.slack.review_listeners import add_review_listeners
from bot.adapters.slack.reviewing import WORDS, Reviewing
from bot.adapters.slack.settings import SlackSettings
from bot.adapters.slack.workspaces import InstalledOnly, add_uninstall_listeners
from bot.answers import (
    APOLOGY,
    Answerer,
    Miss,
    QuoteAnswer,
    TopicsAnswer,
    another_after,
    say,
)
from bot.community import CommunityBooks
from bot.daily import NO_DESK, QotdDesk
from bot.environment import unset_blank
from bot.errors import SettingsError

log = logging.getLogger("quotebot.slack")


async def _qotd(
    desk: QotdDesk | None, client: AsyncWebClient, command: dict[str, Any], locales: Locales
) -> dict[str, Any]:
    if desk is None:
        locale = await locales.of(client, str(command.get("team_id", "")), command.get("user_id"))
        return {"response_type": "ephemeral", "text": say(NO_DESK, locale)}
    return await answer_qotd(desk, client, command, locales)


def _apology(locale: str) -> str:
    return json.dumps({"response_type": "ephemeral", "text": say(APOLOGY, locale)})


def _books(answerer: Answerer, desk: QotdDesk | None) -> CommunityBooks:
    """The workspaces' books over ``desk``'s store; with none, the shipped book for all."""
    if desk is None:
        return CommunityBooks.shipped_only(answerer)
    return CommunityBooks.over(answerer, desk.store)


# What slack-bolt reads from the environment when it is not told (AsyncApp and
# AsyncOAuthSettings): quotebot tells it everything, but bolt takes a variable set to ""
# as set (SLACK_CLIENT_ID= and SLACK_CLIENT_SECRET= turn on its file-based OAuth), so
# those set to nothing are unset before bolt is made: for quotebot they are not set.
BOLT_VARIABLES = (
    "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET",
    "SLACK_SCOPES", "SLACK_USER_SCOPES", "SLACK_REDIRECT_URI", "SLACK_INSTALL_PATH",
    "SLACK_REDIRECT_URI_PATH", "SLACK_VERIFICATION_TOKEN",
)  # fmt: skip


def _bolt(settings: SlackSettings, **mode: Any) -> AsyncApp:  # noqa: ANN401
    """bolt's app, told everything: the settings every mode shares, and ``mode``'s."""
    return AsyncApp(
        name="quotebot",
        # Passed even when empty so bolt never reads the environment itself.
        signing_secret=settings.signing_secret,
        # HTTP requests are verified before bolt sees them (bot.adapters.slack.http), and
        # Socket Mode requests are not signed: bolt need not check again.
        request_verification_enabled=False,
        # The listener acks with the answer and then has nothing left to do. Without this,
        # bolt runs it in the background and polls for the ack every 10 ms: measured
        # 10.7 ms median per request against 1-2 ms (bench/slack_http.py).
        process_before_response=True,
        # bolt logs under its own name (slack_bolt.AsyncApp); passing ours cost 2.5 µs a request.
        **mode,
    )


class SlackApp(NamedTuple):
    """bolt's app, and the direct path that answers most commands over HTTP without it."""

    bolt: AsyncApp
    direct: DirectCommands


def build_app(
    answerer: Answerer,
    settings: SlackSettings,
    desk: QotdDesk | None = None,
    responder: Responder | None = None,
) -> SlackApp:
    """A bolt app answering every slash command through ``answerer``, and ``/qotd``
    through ``desk``, in the mode ``settings`` say (never one bolt infers); presses and
    shortcuts answered through ``responder`` (whose owner closes it). Beside it, the
    direct path over HTTP for the commands the book answers.

    One listener serves the book's commands, so a director file added needs no code.
    """
    unset_blank(os.environ, BOLT_VARIABLES)
    installations: StoreInstallations | None = None
    installed: Installed | None = None  # with many workspaces: those lately found installed
    if settings.oauth:
        if desk is None:
            raise SettingsError("installing in many workspaces needs the state store")
        # Many workspaces: each request answered with its workspace's token from the
        # state store, where the OAuth flow keeps installations and states.
        installations, installed = StoreInstallations(desk.store), Installed()
        client = AsyncWebClient(base_url=settings.api_url)
        flow = install_flow(
            settings, installations, desk, client, lambda: first_steps(answerer.book)
        )
        app = _bolt(
            settings, client=client, oauth_settings=flow.settings, oauth_flow=flow,
            before_authorize=InstalledOnly(installations, installed),
        )  # fmt: skip
    else:
        # One workspace: its token given as the token (with a client beside it bolt warns
        # that one "will be unused"), the client then pointed at SLACK_API_URL.
        app = _bolt(settings, token=settings.bot_token)
        app.client.base_url = settings.api_url
        if app.oauth_flow is not None:
            raise SettingsError(
                "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are in the process environment but "
                "not in the settings quotebot was given: unset them to serve one workspace"
            )

    qotd, quote = f"/{limits.QOTD_COMMAND}", f"/{limits.GLOBAL_COMMAND}"
    # Members' languages (users.info), remembered briefly: one per app, so per process.
    locales = Locales()
    # Each workspace's book (the shipped one beside the quotes its reviewers approved).
    books = _books(answerer, desk)
    reviewing = None if desk is None else Reviewing(desk, books, locales)

    async def from_book(name: str, text: str, team: str, locale: str) -> str:
        """The ack's JSON body for a command the book answers (a director's, /quote's
        search): bolt's listener's, and the direct path's (bot.adapters.slack.direct)."""
        began = perf_counter()
        try:
            asker = await books.answerer("slack", team)
            answer = asker.answer(name, text)
            # A str body that starts with "{" is sent as JSON by bolt, over HTTP and
            # Socket Mode alike: the body is serialised once per distinct answer (a
            # quote's with its buttons: once per quote and place in its pool).
            if isinstance(answer, QuoteAnswer):
                another = another_after(asker, name, text, answer)
                body = quote_json(answer, another, locale)
            elif isinstance(answer, Miss | TopicsAnswer) and (
                asker.book.by_command(name) is not None
                or (isinstance(answer, Miss) and answer.suggestions)
            ):  # its "did you mean", its director's topic menu
                body = listed_json(answer, name, asker, locale)
            else:
                body = rendered_json(answer, locale)
        except Exception:
            log.exception("answering %s failed", name)
            observed.failed("slack", began)
            return _apology(locale)
        observed.answered("slack", answer, began)
        return body

    # One listener for every command, /qotd included: bolt builds each listener's
    # arguments to see whether it matches, so a second listener in front cost every
    # command about 0.1 ms (measured with bench/slack_http.py).
    @app.command(re.compile(r"^/"))
    async def answer_command(
        ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient
    ) -> None:
        name = str(command.get("command", ""))
        locale = ""
        began = perf_counter()
        try:
            if name == qotd:
                await ack(**await _qotd(desk, client, command, locales))
                observed.answered("slack", "qotd", began)
                return
            team = str(command.get("team_id") or "")
            locale = await locales.of(client, team, command.get("user_id"))
            text = str(command.get("text", ""))
            if (
                reviewing is not None
                and name == quote
                and (made := await reviewing.command(client, command, locale)) is not None
            ):  # suggest, review, review-channel
                await ack(**made)
                observed.answered("slack", "review", began)
                return
        except Exception:
            log.exception("answering %s failed", name)
            observed.failed("slack", began)
            await ack(_apology(locale))
            return
        await ack(await from_book(name, text, team, locale))

    def bolt_only(name: str, text: str) -> bool:
        """Commands the direct path leaves to bolt: /qotd's and /quote's own verbs."""
        verb = text.split(maxsplit=1)[:1]
        return name == qotd or (
            reviewing is not None and name == quote and verb != [] and verb[0].casefold() in WORDS
        )

    direct = DirectCommands(from_book, locales, bolt_only, installed)

    # bolt tries listeners in the order they were added, building each one's arguments
    # to see whether it matches (about 40 µs each): the commands' first, the buttons'
    # next, the rarer after them.
    responder = responder or Responder()
    add_button_listeners(app, books, locales, responder)
    if reviewing is not None:  # after the buttons': their q1| ids are matched first
        add_review_listeners(app, reviewing, responder)
    add_message_listeners(app, books, locales, responder)
    add_home_listeners(app, books, desk, locales)
    if installations is not None and installed is not None and desk is not None:
        add_uninstall_listeners(app, installations, desk, installed)
    return SlackApp(app, direct)
