"""Deadlines for store calls: each thread's own (set with ``within``, so that the serving
side's calls give up within a fraction of a second), and the watchdog that enforces one
on a network database: when it passes, the connection's socket is shut, so the call
blocked on it fails at once instead of waiting for a server that does not answer (libpq
has no time-out of its own once connected: a frozen server, or one behind a network
partition, is otherwise waited for forever)."""

from __future__ import annotations

import heapq
import itertools
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field


@dataclass(order=True)
class Alarm:
    """One armed deadline; :attr:`fired` once the socket was shut."""

    at: float
    order: int
    sock: socket.socket = field(compare=False)
    done: bool = field(default=False, compare=False)
    fired: bool = field(default=False, compare=False)


class Watchdog:
    """One thread for every deadline of the process, sleeping until the next one."""

    def __init__(self) -> None:
        self._wake = threading.Condition()
        self._alarms: list[Alarm] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None
        self._ended = 0  # ended alarms still in the heap, about

    @contextmanager
    def cut_after(self, fileno: int, seconds: float) -> Iterator[Alarm]:
        """Shut the socket ``fileno`` if the block has not ended after ``seconds``. Once
        the block has ended it is never shut (ending and firing take the same lock)."""
        # A duplicate of the socket: if the driver closes its own on an error, the number
        # may be another socket's by the time the deadline passes; this one stays ours.
        mine = socket.socket(fileno=os.dup(fileno))
        alarm = Alarm(time.monotonic() + seconds, next(self._order), mine)
        with self._wake:
            heapq.heappush(self._alarms, alarm)
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, name="watchdog", daemon=True)
                self._thread.start()
            if self._alarms[0] is alarm:  # sooner than the watchdog sleeps for
                self._wake.notify()
        try:
            yield alarm
        finally:
            with self._wake:
                alarm.done = True
                self._ended += 1
                if self._ended > 64 and 2 * self._ended > len(self._alarms):
                    # Ended alarms wait in the heap for their time: weed them out now and
                    # then, so the heap holds about what is still armed.
                    self._alarms = [a for a in self._alarms if not a.done]
                    heapq.heapify(self._alarms)
                    self._ended = 0
            mine.close()

    def _watch(self) -> None:
        while True:
            with self._wake:
                while self._alarms and self._alarms[0].done:
                    heapq.heappop(self._alarms)
                    self._ended = max(0, self._ended - 1)
                if not self._alarms:
                    self._wake.wait()
                    continue
                left = self._alarms[0].at - time.monotonic()
                if left > 0:
                    self._wake.wait(left)
                    continue
                alarm = heapq.heappop(self._alarms)
                alarm.fired = True
                with suppress(OSError):  # closed by the other side already
                    alarm.sock.shutdown(socket.SHUT_RDWR)


WATCHDOG = Watchdog()


class Deadlines:
    """What a store's calls may wait, per thread: set by :meth:`within`, read by the back
    end's transactions (:meth:`_remaining`)."""

    where: str
    # Whether a call never waits on a network (a file on this machine): the event loop may
    # then make it itself, under within(0), where a worker thread would cost more.
    local = False

    @contextmanager
    def within(self, seconds: float | None) -> Iterator[None]:
        """Calls made by this thread in the block give up after ``seconds`` altogether
        (TimeoutError), or at once, for 0, when they would have to wait (BlockingIOError);
        None: the store's own waits."""
        mine: threading.local | None = self.__dict__.get("_deadline")
        if mine is None:  # made once: a threading.local costs more than the rest of this
            mine = self.__dict__.setdefault("_deadline", threading.local())
        before = getattr(mine, "now", None)
        mine.now = None if seconds is None else (time.monotonic() + seconds, seconds)
        try:
            yield
        finally:
            mine.now = before

    def _remaining(self) -> float | None:
        """What is left of this thread's deadline (0.0: never wait), or None if it has none;
        TimeoutError once it has passed."""
        mine = self.__dict__.get("_deadline")
        now: tuple[float, float] | None = getattr(mine, "now", None)
        if now is None:
            return None
        at, seconds = now
        if seconds == 0:
            return 0.0
        left = at - time.monotonic()
        if left <= 0:
            raise self._timed_out()
        return left

    def _timed_out(self, seconds: float | None = None) -> TimeoutError:
        """The error of a call that gave up: after ``seconds``, or this thread's deadline."""
        if seconds is None:
            now = getattr(self.__dict__.get("_deadline"), "now", None)
            seconds = now[1] if now else 0.0
        return TimeoutError(f"{self.where} did not answer within {seconds:.2g} s")
