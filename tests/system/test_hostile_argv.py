"""What reaches the command line from outside, in the process a shell starts: bytes that
are not UTF-8 in argv, and a SIGHUP sent while ``quotebot run`` is still importing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_argv_that_is_not_utf8_answers_like_any_other_odd_text(tmp_path: Path):
    # The shell's bytes, as a user's terminal would pass them: Python decodes them with
    # surrogateescape, and both streams must still write the answer.
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    for words in ([b"jonze", b"\xff\xfe"], [b"quote", b"caf\xe9"], [b"\xc3", b"editing"]):
        done = subprocess.run(
            [sys.executable.encode(), b"-m", b"bot", b"ask", *words],
            capture_output=True,
            cwd=tmp_path,
            env=env,
            check=False,
        )
        assert done.returncode == 1, done.stderr
        assert b"Traceback" not in done.stderr
        assert "\ufffd".encode() in done.stderr  # echoed, as the replacement character


def test_a_sighup_while_run_imports_what_it_serves_is_not_fatal(tmp_path: Path):
    # The SIGHUP arrives at the worst moment found by hand: as the supervisor (and with it
    # aiohttp and the platforms' contract) is first imported, before any loop exists.
    script = (
        "import os, signal, sys\n"
        "class Hangup:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'bot.app.supervisor':\n"
        "            sys.meta_path.remove(self)\n"
        "            os.kill(os.getpid(), signal.SIGHUP)\n"
        "        return None\n"
        "sys.meta_path.insert(0, Hangup())\n"
        "from bot.cli import main\n"
        "sys.exit(main(['run', 'terminal']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        input="/exit\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, (done.returncode, done.stderr)
