"""Headless Chromium driven over the DevTools protocol (a websocket, with aiohttp): open a
page at a width, wait for its load event (no sleeping), read values, take a screenshot."""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import aiohttp
import pytest


def chromium_path() -> str:
    """Chromium's path ($QUOTEBOT_TEST_CHROMIUM from .ci/chromium, else PATH); skip
    without it, except under CI=true, where that is a failure."""
    found = os.environ.get("QUOTEBOT_TEST_CHROMIUM") or shutil.which("chromium")
    if not found or not Path(found).exists():
        reason = "no chromium (run .ci/chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return found


class Browser:
    def __init__(self, process: asyncio.subprocess.Process, ws: aiohttp.ClientWebSocketResponse,
                 session: aiohttp.ClientSession, profile: str) -> None:  # fmt: skip
        self.process, self.ws, self.session, self.profile = process, ws, session, profile
        self._ids = itertools.count(1)
        self._events: list[dict[str, Any]] = []

    @classmethod
    async def start(cls, path: str) -> Browser:
        profile = tempfile.mkdtemp(prefix="quotebot-chromium-")
        process = await asyncio.create_subprocess_exec(
            path, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-extensions", "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0", f"--user-data-dir={profile}", "about:blank",
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert process.stderr is not None
        while True:  # the line saying where it listens is the synchronisation
            line = (await asyncio.wait_for(process.stderr.readline(), 30)).decode()
            if not line:
                raise AssertionError("chromium exited before listening")
            found = re.search(r"DevTools listening on (ws://\S+)", line)
            if found:
                break
        _DRAINING.add(asyncio.ensure_future(_drain(process.stderr)))
        session = aiohttp.ClientSession()
        ws = await session.ws_connect(found.group(1), max_msg_size=0)
        return cls(process, ws, session, profile)

    async def call(self, method: str, params: dict[str, Any] | None = None,
                   session_id: str | None = None) -> dict[str, Any]:  # fmt: skip
        number = next(self._ids)
        message: dict[str, Any] = {"id": number, "method": method, "params": params or {}}
        if session_id:
            message["sessionId"] = session_id
        await self.ws.send_str(json.dumps(message))
        while True:
            reply = json.loads((await asyncio.wait_for(self.ws.receive(), 30)).data)
            if reply.get("id") == number:
                assert "error" not in reply, reply
                return dict(reply["result"])
            self._events.append(reply)

    async def event(self, method: str, session_id: str) -> dict[str, Any]:
        while True:
            for seen in self._events:
                if seen.get("method") == method and seen.get("sessionId") == session_id:
                    self._events.remove(seen)
                    return seen
            self._events.append(json.loads((await asyncio.wait_for(self.ws.receive(), 30)).data))

    async def open(self, url: str, width: int, height: int = 800) -> Tab:
        target = (await self.call("Target.createTarget", {"url": "about:blank"}))["targetId"]
        attached = await self.call("Target.attachToTarget", {"targetId": target, "flatten": True})
        tab = Tab(self, attached["sessionId"])
        await tab.call("Page.enable")
        metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600}
        await tab.call("Emulation.setDeviceMetricsOverride", metrics)
        await tab.call("Page.navigate", {"url": url})
        await self.event("Page.loadEventFired", tab.session_id)
        return tab

    async def close(self) -> None:
        await self.ws.close()
        await self.session.close()
        self.process.terminate()
        await self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


class Tab:
    def __init__(self, browser: Browser, session_id: str) -> None:
        self.browser, self.session_id = browser, session_id

    async def call(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return await self.browser.call(method, params, self.session_id)

    async def value(self, expression: str) -> Any:
        result = await self.call(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True}
        )
        return result["result"].get("value")

    async def screenshot(self, path: Path) -> bytes:
        data = base64.b64decode(
            (await self.call("Page.captureScreenshot", {"format": "png"}))["data"]
        )
        path.write_bytes(data)
        return data


_DRAINING: set[asyncio.Future[None]] = set()


async def _drain(stream: asyncio.StreamReader) -> None:
    while await stream.read(65536):
        pass
