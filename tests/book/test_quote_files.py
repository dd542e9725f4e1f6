"""Only regular files are read as quote files, and only so much of them: a FIFO, a device,
a folder, a link to one, an unreadable folder or a huge file is a clear problem for that
path, never a hang, a MemoryError or a traceback. (`quotebot check` on a FIFO, as its own
process: tests/system/test_cli_process.py.)"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from bot.book.files import FileProblem, find_quote_files, read_quote_file
from bot.book.loader import load_book, load_file
from tests.fixtures import GOOD_FILE, write


def only_problem(path: Path) -> str:
    director, problems = load_file(path)
    assert director is None
    [problem] = problems
    return str(problem)


def test_a_link_to_a_fifo_or_a_device_is_refused(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "pipe.yaml").symlink_to(tmp_path / "pipe")
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    assert "a FIFO, not a file" in only_problem(tmp_path / "pipe.yaml")
    assert "a character device, not a file" in only_problem(tmp_path / "zero.yaml")


def test_a_folder_named_like_a_quote_file_is_refused(tmp_path):
    (tmp_path / "folder.yaml").mkdir()
    write(tmp_path, "varda.yaml", GOOD_FILE)
    loaded = load_book([tmp_path])
    assert [str(p) for p in loaded.problems] == [
        f"{tmp_path}/folder.yaml:1: a folder, not a file: quote files are plain text files"
    ]
    assert [d.command for d in loaded.book] == ["varda"]


def test_a_link_loop_is_a_problem_not_a_traceback(tmp_path):
    (tmp_path / "loop.yaml").symlink_to(tmp_path / "loop.yaml")
    assert "cannot read: Too many levels of symbolic links" in only_problem(tmp_path / "loop.yaml")


def test_a_file_past_the_size_cap_is_refused_unread(tmp_path):
    path = write(tmp_path, "big.yaml", GOOD_FILE)
    with pytest.raises(FileProblem, match="larger than"):
        read_quote_file(path, max_bytes=100)
    assert read_quote_file(path, max_bytes=len(GOOD_FILE.encode())) == GOOD_FILE


def test_a_sparse_file_of_a_gigabyte_costs_nothing(tmp_path):
    # A billion bytes in the file's size, none on disk: refused after reading the cap.
    path = tmp_path / "huge.yaml"
    with path.open("wb") as file:
        file.truncate(1 << 30)
    assert only_problem(path) == f"{path}:1: larger than 20 MB: split it by director"


@pytest.mark.parametrize("line", [1, 7, 20])
def test_a_nul_byte_is_reported_on_its_own_line(tmp_path, line):
    lines = GOOD_FILE.encode().split(b"\n")
    lines[line - 1] += b"\x00"
    path = tmp_path / "nul.yaml"
    path.write_bytes(b"\n".join(lines))
    problem = only_problem(path)
    assert problem.startswith(f"{path}:{line}: a NUL byte"), problem


@pytest.mark.parametrize("line", [2, 13])
def test_invalid_utf8_is_reported_on_its_own_line(tmp_path, line):
    lines = GOOD_FILE.encode().split(b"\n")
    lines[line - 1] += b"\xc3\x28"
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"\n".join(lines))
    problem = only_problem(path)
    assert problem.startswith(f"{path}:{line}: not UTF-8 text"), problem


def problems_as_nobody(folder: Path) -> list[str]:
    """find_quote_files run by an unprivileged user: root reads any folder, so a forked
    child drops to nobody first (when we are root) and reports through a pipe."""
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's coverage is not collected
        try:
            os.close(read_end)
            if os.geteuid() == 0:
                os.setgid(65534)
                os.setuid(65534)
            _files, problems = find_quote_files([folder])
            os.write(write_end, "\n".join(str(p) for p in problems).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        said = pipe.read().decode()
    os.waitpid(child, 0)
    return said.splitlines()


def test_an_unreadable_folder_is_a_problem_for_that_folder():
    # Not under tmp_path: pytest keeps that where only root may pass.
    base = Path(tempfile.mkdtemp())
    locked = base / "locked"
    locked.mkdir()
    write(locked, "varda.yaml", GOOD_FILE)
    base.chmod(0o755)
    locked.chmod(0)
    try:
        assert problems_as_nobody(locked) == [
            f"{locked}:0: cannot list the folder: Permission denied"
        ]
    finally:
        locked.chmod(0o700)
        shutil.rmtree(base)
