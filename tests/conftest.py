"""Shared helpers: quote files written into a temporary folder."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
QUOTES = ROOT / "quotes"

GOOD_FILE = """\
director: Agnès Varda
command: varda
aliases: [agnes, agnès varda]
sources:
  test:
    title: A Test Interview
    venue: Nowhere
    date: 2001-01
topics:
  beaches: [beach, sea]
  cats: [cat]
quotes:
  - topic: beaches
    text: "If we opened people up, we'd find landscapes."
    context: On beaches
    source: test
  - topic: beaches
    text: "The second beach quote, invented for the tests."
    context: On the sea
    source: test
  - topic: cats
    text: "A test quote about cats & <dogs>."
    context: On cats
    source: test
"""


def write(folder: Path, name: str, text: str) -> Path:
    """Write a quote file (dedented) into ``folder`` and return its path."""
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def good_dir(tmp_path: Path) -> Path:
    """A folder holding one valid quote file (Varda) and a copy of the shipped Jonze file."""
    write(tmp_path, "varda.yaml", GOOD_FILE)
    (tmp_path / "jonze.yaml").write_text((QUOTES / "jonze.yaml").read_text("utf-8"), "utf-8")
    return tmp_path
