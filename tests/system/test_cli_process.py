"""The quotebot command line as its own process, as a user's shell runs it: `quotebot
check` on a FIFO does not wait for a writer; `quotebot ask` imports no platform library."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.fixtures import ATTRIBUTION


def check_in_a_process(*paths: Path) -> subprocess.CompletedProcess[str]:
    """`quotebot check` as its own process, with a deadline: a hang fails the test."""
    return subprocess.run(
        [sys.executable, "-m", "bot", "check", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    done = check_in_a_process(tmp_path)
    assert done.returncode == 1
    assert f"{fifo}:1: a FIFO, not a file" in done.stdout
    assert "Traceback" not in done.stderr


def test_console_entry_point_runs_without_platform_libraries(tmp_path: Path):
    # The real process, as a user's shell runs it; quotebot ask must not import discord or slack.
    script = (
        "import sys, runpy; sys.argv = ['quotebot', 'ask', 'jonze', 'editing'];\n"
        "try:\n    runpy.run_module('bot', run_name='__main__')\n"
        "except SystemExit as exc:\n"
        "    platforms = ('discord', 'slack_bolt', 'slack_sdk')\n"
        "    loaded = [m for m in sys.modules if m.split('.')[0] in platforms]\n"
        "    print(exc.code, loaded)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert done.stdout.endswith(f"{ATTRIBUTION}\n0 []\n"), done.stdout + done.stderr
