"""A button press beside a command: server CPU per request, and memory over many presses.

Not a test: ``python bench/buttons.py``. quotebot runs as two processes on 127.0.0.1
(``quotebot run discord --http 0`` and ``quotebot run slack --http 0``), each on the
servers' core; this process signs and sends real requests: ``/jonze editing`` (Discord:
an Ed25519-signed type 2 interaction; Slack: a signed slash-command form) and presses of
**Another** (Discord: a type 3 interaction; Slack: a signed ``block_actions`` form whose
``payload=`` is JSON). Each worker's first press id is taken from a real answer's buttons,
then chained: each press's answer gives the next id. A Slack press is answered through
its response_url (served here): its wall time runs until that answer has arrived.

Rounds alternate command and press batches on both platforms at each concurrency; each
round's press/command CPU ratio comes from the same round's pair. The target (the
buttons issue): a press's server CPU per request within 1.1x of a command's, on both
platforms. Then the memory check: ``--presses`` (100,000) presses of ids from many
different old messages (different asks, positions and steps), the server's RSS read from
/proc after 1k, 10k, 50k and 100k; flat means within a few MiB (``FLAT_MIB``).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import pin_client, server_cpu, start, stop, summary
from bot.answers.buttons import Another, decode, encode
from tests.fakes.discord import TOKEN, FakeDiscord
from tests.fakes.slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack, form_body, signed_headers

TARGET = 1.1  # a press's server CPU per request over a command's
FLAT_MIB = 4.0  # "within a few MiB"
CHECKPOINTS = (1_000, 10_000, 50_000, 100_000)
# The book served: /jonze with a pool per topic (the bundled book has one quote a topic,
# so its answers to /jonze editing carry no Another). Its asks (and "", any topic) are
# the old messages of the memory check.
TOPICS = {"editing": 60, "cutting": 40, "rehearsal": 25, "music": 12, "actors": 7}
ASKS = [*TOPICS, ""]
TIMEOUT = aiohttp.ClientTimeout(total=15)

# An Ed25519 key as the tests make one: the server is given its public half.
KEY = Ed25519PrivateKey.generate()
PUBLIC_KEY = KEY.public_key().public_bytes_raw().hex()


def discord_signed(body: bytes) -> dict[str, str]:
    when = str(int(time.time()))
    return {
        "X-Signature-Ed25519": KEY.sign(when.encode() + body).hex(),
        "X-Signature-Timestamp": when,
        "Content-Type": "application/json",
    }


def write_book(folder: Path) -> Path:
    """A /jonze quote file (tests/fixtures.py's book_file, with several topics)."""
    lines = ["director: Spike Jonze", "command: jonze",
             "sources:\n  s:\n    title: T\n    document: t.txt", "topics:"]  # fmt: skip
    lines += [f"  {topic}: []" for topic in TOPICS]
    lines.append("quotes:")
    for topic, count in TOPICS.items():
        for n in range(count):
            lines.append(f"  - topic: {topic}\n    text: Quote {n} about {topic} and light.\n"
                         f"    context: On {topic} {n}\n    source: s")  # fmt: skip
    quotes = folder / "quotes"
    quotes.mkdir()
    (quotes / "jonze.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return quotes


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


class Responses:
    """Slack's response_urls, served here: each press gets its own, and waits on it."""

    def __init__(self) -> None:
        self.base = ""
        self._numbers = itertools.count()
        self._waiting: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._runner: web.AppRunner | None = None

    async def start(self) -> Responses:
        app = web.Application()
        app.router.add_post("/r/{n}", self._posted)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.base = f"http://{host}:{port}"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def expect(self) -> tuple[str, asyncio.Future[dict[str, Any]]]:
        n = str(next(self._numbers))
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting[n] = future
        return f"{self.base}/r/{n}", future

    def forget(self, url: str) -> None:
        self._waiting.pop(url.rsplit("/", 1)[1], None)

    async def _posted(self, request: web.Request) -> web.StreamResponse:
        future = self._waiting.pop(request.match_info["n"], None)
        data = await request.json()
        if future is not None and not future.done():
            future.set_result(data)
        return web.Response(text="ok")


def discord_another(response: dict[str, Any]) -> str:
    for row in response.get("data", {}).get("components", []):
        for made in row.get("components", []):
            if str(made.get("custom_id", "")).startswith("q1|a|"):
                return str(made["custom_id"])
    raise RuntimeError(f"no Another in {response}")


def slack_another(message: dict[str, Any]) -> str:
    for block in message.get("blocks", []):
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if str(element.get("value", "")).startswith("q1|a|"):
                return str(element["value"])
    raise RuntimeError(f"no Another in {message}")


class DiscordSide:
    name = "discord"

    def __init__(self, fake: FakeDiscord, url: str, pid: int) -> None:
        self.fake, self.url, self.pid = fake, url, pid

    async def _post(self, session: aiohttp.ClientSession, made: dict[str, Any]) -> Any:
        body = json.dumps(made).encode()
        async with session.post(self.url, data=body, headers=discord_signed(body)) as resp:
            assert resp.status == 200, (resp.status, await resp.text())
            return await resp.json()

    async def command(self, session: aiohttp.ClientSession, topic: str = "editing") -> str:
        """Ask ``/jonze topic``; the Another id of its answer."""
        made = self.fake.command("jonze", **({"topic": topic} if topic else {}))
        return discord_another(await self._post(session, made))

    async def press(self, session: aiohttp.ClientSession, custom_id: str) -> str:
        """Press ``custom_id`` on a public message; the Another id of the answer."""
        return discord_another(await self._post(session, self.fake.component(custom_id)))


class SlackSide:
    name = "slack"

    def __init__(self, fake: FakeSlack, responses: Responses, url: str, pid: int) -> None:
        self.fake, self.responses, self.url, self.pid = fake, responses, url, pid

    async def _post(self, session: aiohttp.ClientSession, body: str) -> bytes:
        async with session.post(self.url, data=body, headers=signed_headers(body)) as resp:
            assert resp.status == 200, (resp.status, await resp.text())
            return await resp.read()

    async def command(self, session: aiohttp.ClientSession, topic: str = "editing") -> str:
        body = form_body(self.fake.command_payload("/jonze", topic))
        return slack_another(json.loads(await self._post(session, body)))

    async def press(self, session: aiohttp.ClientSession, value: str) -> str:
        made = self.fake.message_button("q1:another", value)
        url, answered = self.responses.expect()
        made["response_url"] = url
        try:
            await self._post(session, form_body({"payload": json.dumps(made)}))
            return slack_another(await asyncio.wait_for(answered, 10))
        finally:
            self.responses.forget(url)


Side = DiscordSide | SlackSide


async def batch(side: Side, kind: str, count: int, level: int) -> list[float]:
    """``count`` commands or chained presses, ``level`` at a time; latencies in ms."""
    latencies: list[float] = []
    numbers = iter(range(count))

    async def worker(session: aiohttp.ClientSession) -> None:
        chained = await side.command(session) if kind == "press" else ""
        for _ in numbers:
            sent = time.perf_counter()
            if kind == "press":
                chained = await side.press(session, chained)
            else:
                await side.command(session)
            latencies.append((time.perf_counter() - sent) * 1000)

    async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
        await asyncio.gather(*(worker(session) for _ in range(level)))
    return latencies


async def cpu_rounds(sides: list[Side], args: argparse.Namespace) -> None:
    levels = [int(n) for n in args.levels.split(",")]
    size = args.requests // args.batches
    # results[platform][level][kind] = {"latency": [...], "cpu": [per round]}
    results: dict[str, dict[int, dict[str, dict[str, list[float]]]]] = {
        s.name: {lv: {k: {"latency": [], "cpu": []} for k in ("command", "press")} for lv in levels}
        for s in sides
    }
    for side in sides:  # warm up: imports, caches, the first answers
        for kind in ("command", "press"):
            await batch(side, kind, 200, levels[-1])
    for _ in range(args.rounds):
        for level in levels:
            spent: dict[tuple[str, str], float] = {}
            for _ in range(args.batches):
                # Each platform and kind in turn, a batch at a time: command, press, ...
                for side in sides:
                    for kind in ("command", "press"):
                        # The chain's first command is not a press: measured outside.
                        before = server_cpu(side.pid)
                        latencies = await batch(side, kind, size, level)
                        used = server_cpu(side.pid) - before
                        if kind == "press":
                            used -= await seed_cost(side, level)
                        spent[side.name, kind] = spent.get((side.name, kind), 0.0) + used
                        results[side.name][level][kind]["latency"] += latencies
            for (name, kind), used in spent.items():
                per = used / (size * args.batches) * 1000
                results[name][level][kind]["cpu"].append(per)
    print(f"{args.rounds} alternating rounds x {args.requests} signed requests per platform, "
          f"kind and concurrency; server CPU per request from /proc (user + system)")  # fmt: skip
    print(f"{'platform':<8} {'kind':<8} {'conc':>4} {'p50 ms':>7} {'p99 ms':>7} "
          f"{'CPU ms/req (rounds)':>24}")  # fmt: skip
    for name, by_level in results.items():
        for level in levels:
            for kind, data in by_level[level].items():
                p50, p99 = summary(data["latency"])
                cpu = data["cpu"]
                middle = statistics.median(cpu)
                print(f"{name:<8} {kind:<8} {level:>4} {p50:>7.2f} {p99:>7.2f} "
                      f"{middle:>9.3f} ({min(cpu):.3f}-{max(cpu):.3f})")  # fmt: skip
    for name, by_level in results.items():
        for level in levels:
            press, command = by_level[level]["press"], by_level[level]["command"]
            ratios = [p / c for p, c in zip(press["cpu"], command["cpu"], strict=True)]
            middle = statistics.median(ratios)
            p, c = summary(press["latency"]), summary(command["latency"])
            verdict = "met" if middle <= TARGET else "NOT met"
            print(f"press / command, {name}, concurrency {level}: CPU per request median "
                  f"{middle:.2f}x (rounds {min(ratios):.2f}-{max(ratios):.2f}); latency p50 "
                  f"{p[0] / c[0]:.2f}x, p99 {p[1] / c[1]:.2f}x; target {TARGET}x CPU: "
                  f"{verdict}")  # fmt: skip


_SEED_COST: dict[tuple[str, int], float] = {}


async def seed_cost(side: Side, level: int) -> float:
    """The server CPU of the ``level`` commands that start a press batch's chains (one
    per worker), measured once per platform and level: taken off the presses' CPU."""
    key = (side.name, level)
    if key not in _SEED_COST:
        samples = []
        for _ in range(5):
            before = server_cpu(side.pid)
            await batch(side, "command", level * 20, level)
            samples.append((server_cpu(side.pid) - before) / 20)
        _SEED_COST[key] = statistics.median(samples)
    return _SEED_COST[key]


async def old_messages(side: Side) -> list[str]:
    """Another ids as many different old messages would carry them: every ask in ASKS,
    at many positions (shown) and steps along its pool."""
    ids: list[str] = []
    async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
        for ask in ASKS:
            try:
                found = decode(await side.command(session, ask))
            except RuntimeError:
                continue  # this ask has no Another (a miss, a pool of one)
            if not isinstance(found, Another):
                continue
            for shown in range(found.size):
                for step in range(0, found.size - 1, max(1, (found.size - 1) // 40)):
                    made = encode(Another(found.command, found.text, shown, step, found.size))
                    if made is not None:
                        ids.append(made)
    if not ids:
        raise RuntimeError("no Another ids to press")
    return ids


async def memory(side: Side, presses: int, level: int) -> None:
    ids = await old_messages(side)
    marks = sorted({n for n in CHECKPOINTS if n < presses} | {presses})
    print(f"{side.name}: {presses} presses of {len(ids)} different old messages' Another ids "
          f"({len(ASKS)} asks x positions x steps), {level} in flight; server RSS:")  # fmt: skip
    before = rss_mib(side.pid)
    print(f"  before      {before:8.1f} MiB")
    cycle = itertools.cycle(ids)
    done = 0
    readings: dict[int, float] = {}
    async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
        for mark in marks:
            numbers = iter(range(mark - done))

            async def worker(numbers=numbers) -> None:
                for _ in numbers:
                    await side.press(session, next(cycle))

            began = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(level)))
            took = time.perf_counter() - began
            pressed, done = mark - done, mark
            readings[mark] = rss_mib(side.pid)
            print(f"  {mark:>7} presses {readings[mark]:8.1f} MiB "
                  f"({pressed / took:.0f} presses/s)")  # fmt: skip
    first = readings[marks[0]]
    growth = readings[marks[-1]] - first
    verdict = "met" if growth <= FLAT_MIB else "NOT met"
    print(f"{side.name}: RSS growth from {marks[0]} to {marks[-1]} presses {growth:+.1f} MiB; "
          f"target flat (within {FLAT_MIB:.0f} MiB): {verdict}")  # fmt: skip


async def discord_ready(url: str) -> None:
    """The interactions endpoint answers a signed PING (bounded: 30 s)."""
    ping = json.dumps({"id": "1", "application_id": "1", "type": 1, "token": "t", "version": 1})
    async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
        for _ in range(300):
            body = ping.encode()
            try:
                async with session.post(url, data=body, headers=discord_signed(body)) as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
            ping = ping.replace('"id": "', '"id": "1', 1)  # a new body: no replay refusal
    raise RuntimeError("the Discord endpoint did not answer a PING")


async def serving(url: str) -> None:
    """The server's /readyz says it serves (bounded: 30 s)."""
    ready = url.split("/", 3)
    async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
        for _ in range(300):
            try:
                async with session.get("/".join(ready[:3]) + "/readyz") as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not become ready")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=1200, help="per kind, round, level")
    parser.add_argument("--levels", default="1,16", help="concurrency levels, e.g. 1,16")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds")
    parser.add_argument("--batches", type=int, default=4, help="turns per kind in a round")
    parser.add_argument("--presses", type=int, default=100_000, help="for the memory check")
    parser.add_argument("--platform", choices=["discord", "slack"], action="append")
    parser.add_argument("--skip-cpu", action="store_true", help="the memory check only")
    args = parser.parse_args()
    platforms = args.platform or ["discord", "slack"]
    pin_client()
    discord_fake = await FakeDiscord().start()
    slack_fake = await FakeSlack().start()
    responses = await Responses().start()
    processes = []
    sides: list[Side] = []
    with tempfile.TemporaryDirectory() as folder:
        quotes = str(write_book(Path(folder)))
        try:
            if "discord" in platforms:
                env = {"DISCORD_TOKEN": TOKEN, "DISCORD_API_BASE": discord_fake.api_base,
                       "DISCORD_PUBLIC_KEY": PUBLIC_KEY, "QUOTEBOT_QUOTES": quotes,
                       "QUOTEBOT_DB": str(Path(folder) / "discord.db")}  # fmt: skip
                process, found = await start(
                    ["-m", "bot", "run", "discord", "--http", "0"], env,
                    r"discord: listening on (http://[\d.:]+/discord/interactions)",
                )  # fmt: skip
                processes.append(process)
                await serving(found.group(1))
                await discord_ready(found.group(1))
                sides.append(DiscordSide(discord_fake, found.group(1), process.pid))
            if "slack" in platforms:
                env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                       "SLACK_API_URL": slack_fake.api_url, "QUOTEBOT_QUOTES": quotes,
                       "QUOTEBOT_DB": str(Path(folder) / "slack.db")}  # fmt: skip
                process, found = await start(
                    ["-m", "bot", "run", "slack", "--http", "0"], env,
                    r"listening on (http://[\d.]+:\d+/slack/events)",
                )  # fmt: skip
                processes.append(process)
                await serving(found.group(1))
                sides.append(SlackSide(slack_fake, responses, found.group(1), process.pid))
            if not args.skip_cpu:
                await cpu_rounds(sides, args)
            if args.presses > 0:
                for side in sides:
                    await memory(side, args.presses, 16)
        finally:
            for process in processes:
                await stop(process)
            await responses.stop()
            await slack_fake.stop()
            await discord_fake.stop()


if __name__ == "__main__":
    asyncio.run(main())
