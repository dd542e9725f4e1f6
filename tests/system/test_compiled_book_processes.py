"""Several processes compiling one quote book at once agree on it, and leave no half-written
compiled book behind."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.book import fingerprint


def compiled(folder: Path) -> Path:
    return fingerprint.location([folder])


def test_processes_compiling_at_once_agree(good_dir: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from bot.book.loader import load_book; "
        "r = load_book([Path(sys.argv[1])]); print(r.ok, len(r.book.quotes))"
    )
    runs = [
        subprocess.Popen([sys.executable, "-c", code, str(good_dir)], stdout=subprocess.PIPE)
        for _ in range(4)
    ]
    assert [run.communicate()[0].split() for run in runs] == [[b"True", b"12"]] * 4
    assert not list(compiled(good_dir).parent.glob(compiled(good_dir).name + ".*.part"))
