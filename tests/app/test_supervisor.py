"""The supervisor: a service that fails while serving is restarted with a backoff, and one
that keeps failing is given up alone. (Faults in a whole `quotebot run`:
tests/system/test_isolation.py.)"""

from __future__ import annotations

import asyncio


class Dropping:
    """A service (quotebot's own kind of object) whose connection drops ``drops`` times."""

    name = "dropping"

    def __init__(self, drops: int) -> None:
        self.drops, self.starts, self.closes = drops, 0, 0
        self.serving = asyncio.Event()

    async def start(self) -> None:
        self.starts += 1

    async def serve(self, stop: asyncio.Event) -> None:
        if self.starts <= self.drops:
            raise ConnectionError("the connection dropped")
        self.serving.set()
        await stop.wait()

    async def refresh(self) -> None:
        pass

    async def close(self) -> None:
        self.closes += 1


async def test_a_service_that_fails_while_serving_is_restarted_with_backoff(monkeypatch, caplog):
    import bot.app.supervisor as serve

    monkeypatch.setattr(serve, "FIRST_BACKOFF_S", 0.01)
    stop = asyncio.Event()
    service = Dropping(drops=3)
    task = asyncio.create_task(serve.supervise(service, stop))
    await asyncio.wait_for(service.serving.wait(), 10)
    stop.set()
    assert await task is None
    assert (service.starts, service.closes) == (4, 4)
    assert caplog.text.count("dropping failed (ConnectionError: the connection dropped)") == 3


async def test_a_service_that_keeps_failing_is_given_up_alone(monkeypatch):
    import bot.app.supervisor as serve

    monkeypatch.setattr(serve, "FIRST_BACKOFF_S", 0.001)
    reason = await asyncio.wait_for(serve.supervise(Dropping(drops=100), asyncio.Event()), 10)
    assert reason == "ConnectionError: the connection dropped"
