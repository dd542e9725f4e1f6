"""The contract every platform implements, so that the face can run any of them the same way.

A platform (``bot.adapters.<name>.PLATFORM``) makes a :class:`Service` — its connection,
answering commands — and a :class:`~bot.daily.delivery.Poster` for the quote of the day. The
registry (:mod:`bot.adapters.registry`) lists the platforms; nothing outside a platform's
own package names it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from bot.answers import Answerer
from bot.daily import Poster, QotdDesk

TYPE_CHECKING = False
if TYPE_CHECKING:
    from bot.adapters.http.server import HttpFront


@dataclass(frozen=True)
class ServeOptions:
    """How the face asks a platform to serve: over HTTP on ``http`` (host, port), or the
    platform's own connection (Socket Mode, the gateway)."""

    http: tuple[str, int] | None = None
    # Answers /qotd against the state store; None: /qotd says it is not set up.
    desk: QotdDesk | None = None
    # The one HTTP server every platform served over HTTP mounts its paths on; None: a
    # platform given ``http`` serves its own.
    front: HttpFront | None = None


class Service(Protocol):
    """One platform's connection, started, served and stopped by the face."""

    name: str

    async def start(self) -> None:
        """Check the credentials and connect; SettingsError or Fatal when it cannot work."""

    async def serve(self, stop: asyncio.Event) -> None:
        """Answer commands until ``stop`` is set. Fatal stops it for good; any other
        exception is a failure the face restarts it from (close, then start again)."""

    async def refresh(self) -> None:
        """The quote book was reloaded: update whatever depends on it (registered commands)."""

    async def close(self) -> None:
        """Let go of connections; safe to call twice, and after a failed start."""


async def run_once(service: Service, stop: asyncio.Event) -> None:
    """Start ``service`` and serve until ``stop`` is set, closing it however that ends (no
    restarts: ``quotebot run`` supervises; this is for one platform on its own)."""
    await service.start()
    try:
        await service.serve(stop)
    finally:
        await service.close()


class Platform(Protocol):
    """What a platform package offers the face."""

    name: str

    def service(self, answerer: Answerer, env: Mapping[str, str], options: ServeOptions) -> Service:
        """The service, its settings read and checked now (SettingsError names a variable)."""

    def poster(self, env: Mapping[str, str]) -> Poster:
        """The quote of the day's poster (SettingsError names a missing variable)."""
