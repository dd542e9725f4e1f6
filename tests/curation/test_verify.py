"""Quotes traced to their sources: ``check --verify`` finds each in its document, forgiving
typography and nothing else; a status and a locator per quote; misattributed quotes are
kept as a record and never served; every source can be traced."""

from __future__ import annotations

from pathlib import Path

from bot.answers.answerer import Answerer, QuoteAnswer
from bot.book.loader import load_book, load_file
from bot.book.model import fold
from bot.curation.verify import word_diff
from tests.fixtures import QUOTES, write
from tests.fixtures import run_cli as run

DOCUMENT = """\
An interview, as printed.

Q: How did the film come together?

A: I didn’t know what I was making \u2014 I was trying to find it
along the way. We cut for fourteen months, and it was ‘hard’.
"""


def book(folder: Path, text: str, status: str = "", locator: str = "") -> Path:
    extra = (f"    status: {status}\n" if status else "") + (
        f"    locator: {locator}\n" if locator else ""
    )
    return write(
        folder,
        "tester.yaml",
        f"""\
director: Test Director
command: tester
sources:
  talk:
    title: A Talk
    date: 2020-01
    document: docs/talk.txt
  web:
    title: A Page
    url: https://example.org/page
topics:
  craft: []
quotes:
  - topic: craft
    text: {text!r}
    context: On making it
    source: talk
{extra}  - topic: craft
    text: "Said on a web page."
    context: On the web
    source: web
""",
    )


def documented(tmp_path: Path) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "talk.txt").write_text(DOCUMENT, encoding="utf-8")
    quotes = tmp_path / "quotes"
    quotes.mkdir()
    return quotes


def test_the_shipped_book_verifies() -> None:
    code, out, _ = run("check", "--verify", str(QUOTES))
    assert code == 0, out
    assert "verified: 9 quote(s) found in their documents" in out


def test_typography_is_forgiven(tmp_path: Path) -> None:
    quotes = documented(tmp_path)
    # Straight apostrophes and quote marks, "--" for the em dash, one line for two.
    book(quotes, "I didn't know what I was making -- I was trying to find it along the way.")
    code, out, _ = run("check", "--verify", str(quotes))
    assert code == 0, out
    assert "verified: 1 quote(s) found in their documents, 1 with a URL only" in out
    book(quotes, "We cut for fourteen months, and it was 'hard'.")
    assert run("check", "--verify", str(quotes))[0] == 0


def test_a_changed_word_is_reported_with_the_closest_passage_and_a_word_diff(
    tmp_path: Path,
) -> None:
    quotes = documented(tmp_path)
    path = book(quotes, "We edited for fourteen months, and it was 'hard'.")
    code, out, _ = run("check", "--verify", str(quotes))
    assert code == 1
    line = next(li for li in out.splitlines() if "not found" in li)
    assert line.startswith(f"{path}:14: not found in docs/talk.txt; closest passage: “")
    assert "We cut for fourteen months" in line
    assert "[-cut-] {+edited+}" in line
    # Without --verify the file is valid as ever.
    assert run("check", str(quotes))[0] == 0


def test_a_missing_document_is_an_error_once(tmp_path: Path) -> None:
    quotes = tmp_path / "quotes"
    quotes.mkdir()
    path = book(quotes, "Anything at all.")
    code, out, _ = run("check", "--verify", str(quotes))
    assert code == 1
    assert f"{path}:14: document docs/talk.txt not found" in out
    assert out.count("not found") == 1


def test_status_and_locator(tmp_path: Path) -> None:
    quotes = documented(tmp_path)
    book(quotes, "We cut for fourteen months, and it was 'hard'.", "disputed", "paragraph 3")
    loaded = load_book([quotes])
    assert loaded.ok, loaded.problems
    quote = loaded.book.by_command("tester").quotes[0]  # type: ignore[union-attr]
    assert (quote.status, quote.locator) == ("disputed", "paragraph 3")
    assert quote.attribution.endswith("(A Talk, 2020, paragraph 3; attribution disputed)")


def test_a_misattributed_quote_is_kept_but_never_served(tmp_path: Path) -> None:
    quotes = documented(tmp_path)
    path = book(quotes, "Words someone else said.", "misattributed")
    director, problems = load_file(path)
    assert not problems and director is not None
    assert [q.text for q in director.quotes] == ["Said on a web page."]
    answerer = Answerer(load_book([quotes]).book)
    for _ in range(4):
        answer = answerer.answer("tester", "")
        assert isinstance(answer, QuoteAnswer) and answer.quote.text == "Said on a web page."
    # Not checked against the document either: it is a record of a wrong attribution.
    assert run("check", "--verify", str(quotes))[0] == 0


def test_an_unknown_status_and_an_untraceable_source_are_refused(tmp_path: Path) -> None:
    quotes = documented(tmp_path)
    path = book(quotes, "Anything.", "probably")
    _, problems = load_file(path)
    assert [str(p) for p in problems] == [
        f"{path}:18: status 'probably' is not one of verified, attributed, disputed, misattributed"
    ]
    text = path.read_text(encoding="utf-8").replace("    url: https://example.org/page\n", "")
    path.write_text(text.replace("status: probably", "status: verified"), encoding="utf-8")
    _, problems = load_file(path)
    assert any("source 'web' needs a 'document' or a 'url'" in str(p) for p in problems)


def test_folding_and_word_diff() -> None:
    folded = '"It\'s - well - cut"'
    assert fold("“It’s — well —\n  cut”") == fold('"It\'s -- well - cut"') == folded
    theirs = "one two three four five six seven eight nine ten"
    ours = theirs.replace("five", "5")
    assert word_diff(theirs, ours) == "… two three four [-five-] {+5+} six seven eight nine ten"
