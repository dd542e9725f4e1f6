"""A quote looked for in its source document, as check --verify and a suggested quote's
check both do it: found with the passage around it, or the closest passage and a word
diff; in a long document, the closest passage found through the quote's rarest words."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.curation import source_match
from bot.curation.article import IngestError
from bot.curation.source_match import closest_passage, match_quote, page_article, searchable
from bot.curation.verify import closest_passage as verify_closest_passage
from bot.curation.verify import word_diff as verify_word_diff
from tests.fixtures import run_cli, write

_RNG = random.Random(22)
VOCABULARY = [
    "".join(
        _RNG.choice("bcdfghklmnprstvz") + _RNG.choice("aeiou") for _ in range(_RNG.randint(1, 5))
    )
    for _ in range(6000)
]
# 150,000 characters: past the length a document is aligned whole.
WORDS = [_RNG.choice(VOCABULARY) for _ in range(25_000)]
LONG = " ".join(WORDS)


def test_verify_uses_these_very_pieces():
    assert verify_closest_passage is closest_passage
    assert verify_word_diff is source_match.word_diff
    assert len(LONG) > source_match._WHOLE_DOCUMENT


def test_a_found_quote_comes_with_about_200_characters_either_side_in_whole_words():
    document = " ".join(f"word{n}" for n in range(2000))
    quote = " ".join(f"word{n}" for n in range(1000, 1010))
    found = match_quote(quote, document)
    assert found.found and found.diff == ""
    assert found.passage[found.start : found.end] == quote
    before, after = found.passage[: found.start], found.passage[found.end :]
    assert 190 <= len(before) <= 200 and 190 <= len(after) <= 200
    assert before.startswith("word") and before.endswith(" ")
    assert after.startswith(" ") and after.rstrip()[-1].isdigit()
    assert f" {found.passage} " in f" {document} "  # whole words at both ends
    # At the document's ends, what there is.
    first = match_quote("word0 word1", document)
    assert (first.start, first.passage.split()[0]) == (0, "word0")
    last = match_quote("word1999", document)
    assert last.passage.endswith("word1999") and last.end == len(last.passage)


def test_typography_is_forgiven_and_nothing_else():
    document = searchable(
        page_article("<p>I didn’t know what I was making — I was trying.</p>", "u", True)
    )
    assert match_quote("I didn't know what I was making -- I was trying.", document).found
    missed = match_quote("I did not know what I was making - I was trying.", document)
    assert not missed.found
    assert missed.passage == "I didn't know what I was making - I was trying."
    assert missed.diff == "I [-didn't-] {+did not+} know what I …"


def test_a_quote_not_found_is_reported_by_check_verify_exactly_as_matched(tmp_path):
    (tmp_path / "seeds").mkdir()
    text = "Test Director, interviewed.\n\nWe cut for fourteen months, and it was ‘hard’.\n"
    (tmp_path / "seeds" / "talk.txt").write_text(text, encoding="utf-8")
    quote = "We edited for fourteen months, and it was 'hard'."
    quotes = tmp_path / "quotes"
    quotes.mkdir()
    path = write(
        quotes,
        "tester.yaml",
        "director: Test Director\ncommand: tester\nsources:\n  talk:\n    title: T\n"
        "    document: seeds/talk.txt\ntopics:\n  craft: []\nquotes:\n  - topic: craft\n"
        f"    text: {quote!r}\n    context: On it\n    source: talk\n",
    )
    matched = match_quote(quote, searchable(page_article(text, "seeds/talk.txt", False)))
    code, out, _ = run_cli("check", "--verify", str(quotes))
    assert code == 1
    assert (
        f"{path}:10: not found in seeds/talk.txt; closest passage: “{matched.passage}”; "
        f"word diff: {matched.diff}"
    ) in out
    assert "[-cut-] {+edited+}" in matched.diff


def planted(start: int, length: int, changes: list[tuple[int, str]]) -> tuple[str, str]:
    original = WORDS[start : start + length]
    quote = list(original)
    for at, word in changes:
        quote[3 + at % (length - 6)] = word  # inside: the ends stay the document's
    return " ".join(quote), " ".join(original)


@given(
    start=st.integers(0, len(WORDS) - 600),
    length=st.integers(12, 500),
    changes=st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from(VOCABULARY)), max_size=4),
)
@settings(max_examples=40, deadline=None)
def test_in_a_long_document_the_closest_passage_is_the_planted_one(start, length, changes):
    quote, original = planted(start, length, changes)
    if len(quote) <= source_match._SHORT_QUOTE or len(original.split()) < 12:
        return  # RapidFuzz's whole-document alignment, tested by check --verify's tests
    assert closest_passage(quote, LONG) == original


@given(st.lists(st.sampled_from(["zyx", "qwj", "xxq", "jjv"]), min_size=20, max_size=60))
@settings(max_examples=20, deadline=None)
def test_words_the_document_never_has_have_no_closest_passage(words):
    result = match_quote(" ".join(words), LONG)
    assert (result.found, result.passage, result.diff) == (False, "", "")


def test_a_long_quote_in_a_short_document_is_aligned_word_by_word():
    document = " ".join(WORDS[:2000])
    quote, original = planted(700, 300, [(5, "changed"), (90, "changed")])
    assert len(quote) > source_match._RAPIDFUZZ_QUOTE and len(document) < 100_000
    result = match_quote(quote, document)
    assert result.passage == original
    assert result.diff.count("{+changed+}") == 2


def test_a_script_without_spaces_is_aligned_by_characters():
    rng = random.Random(5)
    characters = [chr(c) for c in range(0x4E00, 0x4E00 + 2000)]
    document = "".join(rng.choice(characters) for _ in range(150_000))
    original = document[80_000:80_300]
    quote = original[:150] + "X" + original[151:]
    passage = closest_passage(quote, document)
    assert original in passage and len(passage) <= len(original) + 2 * 40


def test_a_page_is_read_as_a_file_would_be():
    fragment = "<p>Said on a page.</p><script>never()</script>"
    article = page_article(fragment, "https://example.org/a", html=True)
    assert (article.path, article.paragraphs) == ("https://example.org/a", ("Said on a page.",))
    as_text = page_article(fragment, "https://example.org/a.txt", html=False)
    assert as_text.paragraphs == (fragment,)  # plain text, markup and all
    with pytest.raises(IngestError) as caught:
        page_article("  \n", "https://example.org/empty", html=True)
    assert str(caught.value) == "https://example.org/empty: the page is empty"
