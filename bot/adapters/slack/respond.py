"""Answers sent to a Slack ``response_url`` (button presses, the Find the source shortcut)
over one long-lived HTTP session with its connections kept alive.

bolt's ``respond`` opens a new aiohttp session (a new connection pool, TLS and all) for
every call: measured with bench/buttons.py, that made a press cost 2.7 times a command's
server CPU. Here the body is serialised by the caller (once per distinct answer, as the
commands' are) and posted as it is; the session is made on first use, on the loop that
uses it, and closed with the Slack service.
"""

from __future__ import annotations

import logging

import aiohttp

log = logging.getLogger("quotebot.slack")

TIMEOUT = aiohttp.ClientTimeout(total=10)  # Slack takes a response_url post at once
_JSON = {"Content-Type": "application/json; charset=utf-8"}


class Responder:
    """Posts JSON bodies to response URLs, on one session; never raises for Slack's sake."""

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None

    async def post(self, url: str, body: str) -> bool:
        """Post ``body`` (JSON) to ``url``; True when Slack took it. A failure is logged
        (without the URL, which is a capability) and reported, never raised."""
        if not url.startswith(("https://", "http://")):
            log.warning("a response_url that is not a URL was not answered")
            return False
        session = self._session
        if session is None or session.closed:
            session = self._session = aiohttp.ClientSession(timeout=TIMEOUT, trust_env=False)
        try:
            async with session.post(url, data=body.encode(), headers=_JSON) as response:
                await response.read()
                if response.status != 200:
                    log.warning("Slack refused an answer to a response_url (%s)", response.status)
                return response.status == 200
        except (TimeoutError, aiohttp.ClientError) as exc:
            log.warning("answering a response_url failed (%s)", exc.__class__.__name__)
            return False

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


__all__ = ["Responder"]
