"""Discord over HTTP: interactions POSTed to ``/discord/interactions`` instead of arriving
on the gateway, so any instance behind a load balancer can answer any of them.

Every request is verified before anything parses it: exactly one ``X-Signature-Ed25519``
and one ``X-Signature-Timestamp``, each in its one form, the timestamp within five
minutes, the Ed25519 signature of timestamp + raw body by the application's public key
(Discord sends requests with bad signatures to check that an endpoint refuses them, and
drops one that does not), and the signature never seen before. A body not all there
within its deadline, too large or broken in transit is refused unread (408, 413, 400:
body.py); a verified body that is not a JSON object quotebot reads is a 400.
PING is answered with PONG; commands (type 2), buttons (type 3: components.py),
autocomplete (type 4) and suggestions' modals and review (review.py) in the HTTP response,
through the same core as the gateway's, well inside Discord's 3 s, from each server's
book; from a DM or a server the bot is not in (a user's install), from the shipped one.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from time import perf_counter
from typing import Any

import aiohttp
import discord
from aiohttp import web

from bot.adapters import observed
from bot.adapters.discord.choices import choices_of
from bot.adapters.discord.components import MESSAGE_COMPONENT, press, with_buttons
from bot.adapters.discord.payload import (
    InteractionSignature,
    as_object,
    asker_of,
    lacking_note_of,
    locale_of,
    message,
    options_of,
    private,
    subcommand_of,
    target_text_of,
)
from bot.adapters.discord.qotd import NO_SUCH_ACTION, WORDING, refusal
from bot.adapters.discord.render import NO_MENTIONS, safe
from bot.adapters.discord.review import ReviewDesk, answerer_of
from bot.adapters.http.body import Unread, json_object, read_body
from bot.adapters.http.replay import ReplayGuard, shared_memory
from bot.adapters.http.throttle import Throttle
from bot.answers import (
    APOLOGY,
    Answerer,
    another_after,
    another_after_quote,
    check_source,
    say,
    translate,
)
from bot.daily import NO_DESK, QotdDesk, QotdError, QotdRequest, request_from_options

log = logging.getLogger("quotebot.discord")

PING, APPLICATION_COMMAND, AUTOCOMPLETE = 1, 2, 4
PONG, CHANNEL_MESSAGE, AUTOCOMPLETE_RESULT = 1, 4, 8


class InteractionsEndpoint:
    """``POST /discord/interactions``, answering through ``answerer`` and ``desk``."""

    def __init__(
        self,
        answerer: Answerer,
        public_key: str,
        application_id: int,
        desk: QotdDesk | None = None,
        clock: Callable[[], float] = time.time,
        review: ReviewDesk | None = None,
    ) -> None:
        self.answerer, self.desk, self.review = answerer, desk, review
        self.application_id = application_id
        self.signature = InteractionSignature(public_key, clock)
        self.replays = ReplayGuard(clock=clock, shared=shared_memory(desk), kind="discord")
        self._throttle = Throttle()
        self._session: aiohttp.ClientSession | None = None
        self._follow_ups: set[asyncio.Task[None]] = set()

    def _warn(self, reason: str) -> None:
        count = self._throttle.due(reason)
        if count:
            also = f" (and {count - 1} more since the last line)" if count > 1 else ""
            log.warning("Discord: refused a request to /discord/interactions: %s%s", reason, also)

    def _refuse(self, reason: str) -> web.Response:
        self._warn(reason)
        return web.Response(status=401, text="invalid request signature")

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        try:
            body = await read_body(request)
        except Unread as unread:
            self._warn(unread.reason)
            return await unread.answer(request)
        headers = request.headers
        reason, key = self.signature.check(lambda name: headers.getall(name, []), body)
        if reason is not None:
            return self._refuse(reason)
        if not await self.replays.first_time_anywhere(key):
            return self._refuse("replayed (the same signed request was seen in the last 5 min)")
        payload = json_object(body)
        if payload is None:  # only Discord, or someone holding its key, could send one
            self._warn("signed, but not a JSON object quotebot reads")
            return web.Response(status=400, text="not an interaction quotebot answers")
        kind = payload.get("type")
        if isinstance(kind, bool):  # JSON's true is no interaction type, though True == 1
            kind = None
        if kind == PING:
            return web.json_response({"type": PONG})
        if self.review is not None and (reply := await self.review.handle(payload)) is not None:
            return web.json_response(reply)
        if kind == AUTOCOMPLETE:
            try:
                here = await answerer_of(self.review, self.answerer, payload)
                choices = choices_of(here.book, payload)
            except Exception:  # a suggestion failing is no reason for a 500: offer none
                log.exception("autocomplete failed")
                choices = []
            return web.json_response({"type": AUTOCOMPLETE_RESULT, "data": {"choices": choices}})
        if kind == MESSAGE_COMPONENT:  # a button pressed: its custom_id says it all
            try:
                here = await answerer_of(self.review, self.answerer, payload)
                return web.json_response(press(here, payload))
            except Exception:
                log.exception("answering a button failed")
                return web.json_response(
                    {
                        "type": CHANNEL_MESSAGE,
                        "data": private(translate(APOLOGY, locale_of(payload))),
                    }
                )
        if kind != APPLICATION_COMMAND:
            return web.Response(status=400, text="not an interaction quotebot answers")
        public: str | None = None
        began = perf_counter()
        try:
            data, public = await self._command(payload, began)
        except Exception:
            observed.failed("discord", began)
            log.exception("answering /%s failed", as_object(payload.get("data")).get("name"))
            data = private(translate(APOLOGY, locale_of(payload)))
        response = web.json_response({"type": CHANNEL_MESSAGE, "data": data})
        if public is None:
            return response
        # The public line follows the answer: Discord takes follow-ups once it has it.
        await response.prepare(request)
        await response.write_eof()
        task = asyncio.create_task(self._follow_up(str(payload.get("token")), public))
        self._follow_ups.add(task)
        task.add_done_callback(self._follow_ups.discard)
        return response

    async def _command(
        self, payload: dict[str, Any], began: float
    ) -> tuple[dict[str, Any], str | None]:
        data = as_object(payload.get("data"))
        name = str(data.get("name", ""))
        options = options_of(data)
        answerer = await answerer_of(self.review, self.answerer, payload)
        book = answerer.book
        text = target_text_of(data)
        locale = locale_of(payload)
        if text is not None:  # a message command: Find the source, the only one
            found = await asyncio.to_thread(check_source, book, text, locale=locale)
            observed.answered("discord", found, began)
            return message(found), None
        if name == "quote":
            who, topic = options.get("director"), options.get("topic")
            asked = answerer.answer_quote(who, topic)
            more = another_after_quote(answerer, who, topic, asked)
            observed.answered("discord", asked, began)
            return with_buttons(message(asked, locale=locale), asked, more, locale), None
        if name == "qotd":
            observed.answered("discord", "qotd", began)
            return await self._qotd(payload, subcommand_of(data))
        if book.by_command(name) is None:
            observed.answered("discord", "unknown", began)
            return message(answerer.unknown_command(name), locale=locale), None
        topic = options.get("topic", "")
        answer = answerer.answer(name, topic)
        another = another_after(answerer, name, topic, answer)
        made = message(answer, locale=locale)
        observed.answered("discord", answer, began)
        return with_buttons(made, answer, another, locale, name, answerer), None

    async def _qotd(
        self, payload: dict[str, Any], sub: dict[str, Any]
    ) -> tuple[dict[str, Any], str | None]:
        locale = locale_of(payload)
        if self.desk is None:
            return private(say(NO_DESK, locale)), None
        action = str(sub.get("name", "show"))
        if action == "set":
            options = options_of(sub)
            directors = {d.command for d in self.answerer.book}
            try:
                request = request_from_options(
                    options.get("time", ""), options.get("timezone", ""), options.get("days"),
                    options.get("director"), directors,
                )  # fmt: skip
            except QotdError as exc:
                return private(refusal(exc, locale)), None
        elif action in ("show", "off", "list"):
            request = QotdRequest(action)  # type: ignore[arg-type]
        else:
            return private(say(NO_SUCH_ACTION, locale, action=safe(action[:32]))), None
        asker = asker_of(payload)
        reply = await asyncio.to_thread(self.desk.handle, request, asker, WORDING, locale)
        text = reply.private
        if action == "set" and reply.public is not None:
            text += lacking_note_of(payload, locale)
        return private(text), reply.public

    async def _follow_up(self, token: str, line: str) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        webhook = discord.Webhook.partial(self.application_id, token, session=self._session)
        try:
            await webhook.send(line, allowed_mentions=NO_MENTIONS)
        except (discord.HTTPException, aiohttp.ClientError) as exc:
            log.warning("/qotd: could not post the public line (%s)", exc.__class__.__name__)

    async def close(self) -> None:
        for task in list(self._follow_ups):
            await asyncio.gather(task, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None
