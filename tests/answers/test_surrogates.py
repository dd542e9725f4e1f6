"""Lone surrogates in what members type (JSON allows "\\udfff"): echoed as U+FFFD by every
answer and by /qotd, never a UnicodeEncodeError."""

from __future__ import annotations

import pytest

from bot.answers.user_text import clean_input
from bot.daily.requests import cut_typed


@pytest.mark.parametrize("typed", ["\udfff", "x\ud800y", "\udcff\udcfe", "edit\udc80ing"])
def test_lone_surrogates_are_echoed_as_replacement_characters(typed: str):
    for cleaned in (clean_input(typed), cut_typed(typed)):
        assert cleaned.encode("utf-8")  # encodable: no UnicodeEncodeError anywhere after
        assert "\ufffd" in cleaned
