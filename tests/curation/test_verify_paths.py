"""``check --verify`` reads source documents only inside the quote book's tree (the quote
folder and the folders beside it), as regular files of a sane size, and never prints
anything of a file it refused: a contributor's quote file cannot make CI show a secret."""

from __future__ import annotations

import codecs
import io
import os
from pathlib import Path

import pytest

from bot import cli
from bot.curation.book_tree import Refused, check_name
from tests.fixtures import hang_guard

ROOT = Path(__file__).resolve().parents[2]
# What a deploy file holds: a quote file naming it must never get this printed.
SECRET = "DEPLOY_TOKEN=xoxb-1234-secret the words a quote can claim were said here"
# The quote claims words of the secret line, so a closest passage would be that line.
CLAIMED = "the words a quote can claim were said here"
DOCUMENT = "Test Director said: the words a quote can claim were said here, in Toronto.\n"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), environ={}, stdin=io.StringIO(), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def tree(tmp_path: Path, document: str, text: str = CLAIMED) -> tuple[Path, Path]:
    """A checkout: quotes/tester.yaml citing ``document``, seeds/ beside it, and secrets
    where deploy files live (its top level, a hidden folder, outside the checkout)."""
    checkout = tmp_path / "checkout"
    (checkout / "quotes").mkdir(parents=True)
    (checkout / "seeds").mkdir()
    (checkout / "seeds" / "talk.txt").write_text(DOCUMENT, encoding="utf-8")
    (checkout / ".ci").mkdir()
    for secret in (tmp_path / "outside.txt", checkout / ".env", checkout / "deploy.txt"):
        secret.write_text(SECRET + "\n", encoding="utf-8")
    (checkout / ".ci" / "deploy.txt").write_text(SECRET + "\n", encoding="utf-8")
    (checkout / "quotebot.toml").write_text(SECRET + "\n", encoding="utf-8")
    quote_file = checkout / "quotes" / "tester.yaml"
    quote_file.write_text(
        "director: Test Director\ncommand: tester\nsources:\n  talk:\n    title: A Talk\n"
        f"    document: {document!r}\ntopics:\n  craft: []\nquotes:\n  - topic: craft\n"
        f"    text: {text!r}\n    context: On making it\n    source: talk\n",
        encoding="utf-8",
    )
    return checkout, quote_file


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        ("../../outside.txt", "outside the quote book's tree"),
        ("seeds/../../outside.txt", "outside the quote book's tree"),
        ("quotes/../deploy.txt", "outside the quote book's tree"),
        ("{tmp}/outside.txt", "an absolute path"),
        ("~/outside.txt", "an absolute path"),
        ("C:/outside.txt", "an absolute path"),
        ("..\\..\\outside.txt", "a backslash"),
        (".env", "a hidden file or folder"),
        (".ci/deploy.txt", "a hidden file or folder"),
        ("quotebot.toml", "not a document by its name"),
        ("deploy.txt", "a file at the top of the quote book's tree"),
        ("seeds/talk\x1b[2J.txt", "a control character"),
    ],
)
def test_a_document_outside_the_tree_is_refused_unread(
    tmp_path: Path, document: str, reason: str
) -> None:
    document = document.replace("{tmp}", str(tmp_path))
    _, quote_file = tree(tmp_path, document)
    code, out, err = run("check", "--verify", str(quote_file))
    assert code == 1
    assert f"{quote_file}:10: document " in out and " refused: " in out and reason in out, out
    assert "xoxb" not in out + err and "DEPLOY_TOKEN" not in out + err
    assert "\x1b" not in out  # the name itself is shown escaped, never as a control


@pytest.mark.parametrize(
    "target",
    ["{tmp}/outside.txt", "{checkout}/.env", "{checkout}/deploy.txt", "/dev/zero"],
)
def test_a_link_out_of_the_tree_is_refused_where_it_leads(tmp_path: Path, target: str) -> None:
    checkout, quote_file = tree(tmp_path, "seeds/linked.txt")
    real = target.replace("{tmp}", str(tmp_path)).replace("{checkout}", str(checkout))
    (checkout / "seeds" / "linked.txt").symlink_to(real)
    with hang_guard():
        code, out, err = run("check", "--verify", str(quote_file))
    assert code == 1
    assert "document seeds/linked.txt refused:" in out, out
    assert "xoxb" not in out + err and "closest passage" not in out


def test_a_link_within_the_tree_and_a_document_beside_the_quote_file_are_read(
    tmp_path: Path,
) -> None:
    checkout, quote_file = tree(tmp_path, "seeds/linked.txt")
    (checkout / "seeds" / "linked.txt").symlink_to(checkout / "seeds" / "talk.txt")
    code, out, _ = run("check", "--verify", str(quote_file))
    assert code == 0 and "verified: 1 quote(s) found" in out, out
    (checkout / "quotes" / "beside.txt").write_text(DOCUMENT, encoding="utf-8")
    quote_file.write_text(quote_file.read_text().replace("seeds/linked.txt", "beside.txt"))
    code, out, _ = run("check", "--verify", str(quote_file))
    assert code == 0 and "verified: 1 quote(s) found" in out, out


def test_a_fifo_is_an_error_not_a_hang(tmp_path: Path) -> None:
    checkout, quote_file = tree(tmp_path, "seeds/pipe.txt")
    os.mkfifo(checkout / "seeds" / "pipe.txt")
    with hang_guard():
        code, out, _ = run("check", "--verify", str(quote_file))
    assert code == 1
    assert "document seeds/pipe.txt cannot be read: a FIFO, not a regular file" in out


def test_a_huge_document_is_refused_before_it_is_read(tmp_path: Path) -> None:
    checkout, quote_file = tree(tmp_path, "seeds/huge.txt")
    with open(checkout / "seeds" / "huge.txt", "wb") as huge:
        huge.write(CLAIMED.encode())
        huge.truncate(6_000_000)  # sparse: its size says it all
    code, out, _ = run("check", "--verify", str(quote_file))
    assert code == 1 and "document seeds/huge.txt cannot be read: over 5 MB" in out


def test_a_document_in_utf16_with_its_mark_is_read(tmp_path: Path) -> None:
    checkout, quote_file = tree(tmp_path, "seeds/wide.txt")
    wide = codecs.BOM_UTF16_LE + DOCUMENT.encode("utf-16-le")
    (checkout / "seeds" / "wide.txt").write_bytes(wide)
    code, out, _ = run("check", "--verify", str(quote_file))
    assert code == 0 and "verified: 1 quote(s) found" in out, out


def test_an_html_document_is_read_as_ingest_reads_it(tmp_path: Path) -> None:
    checkout, quote_file = tree(tmp_path, "seeds/talk.html", "I didn’t know what I was making.")
    page = (
        "<html><head><title>Test Director</title><script>var x = 1;</script></head><body>"
        "<p>Test Director: &ldquo;I didn&rsquo;t know <em>what</em> I was making.&rdquo;</p>"
    )
    (checkout / "seeds" / "talk.html").write_text(page, encoding="utf-8")
    code, out, _ = run("check", "--verify", str(quote_file))
    assert code == 0 and "verified: 1 quote(s) found" in out, out


def test_a_closest_passage_never_prints_a_control_or_bidi_character(tmp_path: Path) -> None:
    checkout, quote_file = tree(tmp_path, "seeds/talk.txt", "quote can claim were said thereabouts")
    text = DOCUMENT.replace("said here", "said \u202ethere")
    (checkout / "seeds" / "talk.txt").write_text(text, encoding="utf-8")
    code, out, _ = run("check", "--verify", str(quote_file))
    assert code == 1 and "closest passage" in out
    assert "\u202e" not in out and "\\u202e" in out


def test_a_document_that_never_names_the_director_is_a_warning(tmp_path: Path) -> None:
    checkout, quote_file = tree(tmp_path, "seeds/talk.txt")
    text = DOCUMENT.replace("Test Director", "Agnès Varda")
    (checkout / "seeds" / "talk.txt").write_text(text, encoding="utf-8")
    code, out, _ = run("check", "--verify", str(quote_file))
    assert code == 0, out
    assert f"warning: {quote_file}:10: document seeds/talk.txt never names Test Director" in out


@pytest.mark.parametrize(
    "name", ["/etc/passwd", "../x.txt", "a/../../x.txt", ".git/config", "a\\b.txt", "x.yaml"]
)
def test_the_name_rule_alone(name: str) -> None:
    with pytest.raises(Refused):
        check_name(name)
    assert str(check_name("seeds/2013-09-talk.txt")) == "seeds/2013-09-talk.txt"


def test_the_shipped_book_still_verifies() -> None:
    code, out, _ = run("check", "--verify", str(ROOT / "quotes"))
    assert code == 0 and "verified: 9 quote(s) found in their documents" in out, out
    assert "warning" not in out
