"""The floor for bench/slack_http.py: a minimal bolt app on the same aiohttp server
that acks every slash command with a constant string. Prints its URL, serves until killed.
FLOOR_PROCESS_BEFORE_RESPONSE=1 gives it the bolt setting quotebot uses."""

from __future__ import annotations

import asyncio
import os
import re

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient


async def main() -> None:
    client = AsyncWebClient(
        token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]
    )
    app = AsyncApp(
        name="floor",
        client=client,
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        process_before_response=os.environ.get("FLOOR_PROCESS_BEFORE_RESPONSE") == "1",
    )

    @app.command(re.compile(r"^/"))
    async def constant(ack: AsyncAck) -> None:
        await ack("ok")

    async def events(request: web.Request) -> web.StreamResponse:
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    web_app = web.Application()
    web_app.router.add_post("/slack/events", events)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    print(f"listening on http://{host}:{port}/slack/events", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
