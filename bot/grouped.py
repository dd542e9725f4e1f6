"""Store calls grouped: the calls of one kind that come while one is under way are made
together, in one worker thread's hop and one transaction, each caller given its own answer.
The quote of the day's claims, posts and reschedules use it, and the replay guard's
questions to a store over the network (bot.adapters.http.replay).

A burst of posts (10,000 channels due in one minute, 64 in flight) claims, records and
reschedules in transactions of dozens rather than one each; a lone call goes at once. What
each call means is unchanged: a claim is still taken atomically before its post is sent,
and a post is recorded sent once the platform said so (a crash in between is taken over
after the lease, as before). A group that fails fails every call in it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

A = TypeVar("A")
R = TypeVar("R")

# Calls in one group at most, so that one transaction never holds the store for long.
MOST = 256


class Grouped(Generic[A, R]):
    """``many(items)`` (blocking, in a thread) for each group of waiting calls: the answer
    to each is ``many``'s answer at its place (see :func:`each_none` for a call that
    answers nothing). ``here(items)``, if given, is tried first on the event loop itself
    (a SQLite file's write): BlockingIOError from it sends the group to ``many``."""

    def __init__(
        self,
        many: Callable[[Sequence[A]], Sequence[R]],
        here: Callable[[Sequence[A]], Sequence[R]] | None = None,
    ) -> None:
        self._many = many
        self._here = here
        self._waiting: list[tuple[A, asyncio.Future[R]]] = []
        self._draining: asyncio.Task[None] | None = None

    async def __call__(self, item: A) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._draining is None:
            self._draining = asyncio.create_task(self._drain())
        # Shielded: a caller that stops waiting leaves its call in the group (as a call
        # already in its worker thread goes on), and the others' answers with it.
        return await asyncio.shield(future)

    async def _drain(self) -> None:
        try:
            while self._waiting:
                group, self._waiting = self._waiting[:MOST], self._waiting[MOST:]
                try:
                    answers = await self._answers([item for item, _ in group])
                except Exception as exc:  # noqa: BLE001 - each caller is told
                    for _, future in group:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                except BaseException:  # cancelled: nobody waits on an answer forever
                    for _, future in group:
                        future.cancel()
                    raise
                for n, (_, future) in enumerate(group):
                    if not future.done():
                        future.set_result(answers[n])
        finally:
            for _, future in self._waiting:
                future.cancel()
            self._waiting = []
            self._draining = None

    async def _answers(self, items: Sequence[A]) -> Sequence[R]:
        if self._here is not None:
            try:
                return self._here(items)
            except BlockingIOError:  # it would wait: in a thread
                pass
        return await asyncio.to_thread(self._many, items)


def each_none(many: Callable[[Sequence[A]], object]) -> Callable[[Sequence[A]], list[None]]:
    """``many`` for :class:`Grouped`, when it answers nothing: None for each call."""

    def grouped(items: Sequence[A]) -> list[None]:
        many(items)
        return [None] * len(items)

    return grouped
