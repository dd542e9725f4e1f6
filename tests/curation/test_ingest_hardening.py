"""Ingest against hostile and awkward input: only regular files of a sane size are read,
in the encoding they declare; time stays linear in the article's length; quotes are never
pinned on a director the article does not name; prose is read across paragraphs, and a
book's own topics are reused."""

from __future__ import annotations

import codecs
import io
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import pytest

from bot import cli
from bot.book.loader import load_book
from bot.curation.article import Article, read_article
from bot.curation.ingest import IngestError, find_quotes, propose_topic
from bot.curation.naming import naming
from tests.fixtures import hang_guard

ROOT = Path(__file__).resolve().parents[2]
QUOTES = ROOT / "quotes"
SEED = ROOT / "seeds" / "2013-09-tiff-in-conversation-spike-jonze.txt"
CURATION = str(ROOT / "bot" / "curation")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), environ={}, stdin=io.StringIO(), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def article(*paragraphs: str, title: str = "") -> Article:
    return Article("article.txt", title or paragraphs[0], "", paragraphs)


# ---- what is read, and how --------------------------------------------------------------


def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "article.txt"
    os.mkfifo(fifo)
    with hang_guard():
        code, out, err = run("ingest", str(fifo), "--director", "Spike Jonze")
    assert code == 2 and "a FIFO, not a regular file" in err and out == ""


def test_a_device_is_refused_unread() -> None:
    with hang_guard():
        code, _, err = run("ingest", "/dev/zero", "--director", "Spike Jonze")
    assert code == 2 and "/dev/zero: a character device, not a regular file" in err


def test_a_huge_file_is_refused_by_its_size(tmp_path: Path) -> None:
    huge = tmp_path / "article.txt"
    with open(huge, "wb") as file:
        file.truncate(900_000_000)  # sparse: nothing to read, if it were read
    with pytest.raises(IngestError, match="over 5 MB"):
        read_article(huge)


TEXT = (
    "In conversation with Agnès Varda\n\n"
    "On beaches: “If we opened people up, we’d find landscapes.”\n"
)
PAGE = (
    '<html><head><meta charset="{charset}"><title>Agnès Varda</title></head>'
    "<body><p>On beaches: “If we opened people up, we’d find landscapes.”</p></body></html>"
)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("le.txt", codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le")),
        ("be.txt", codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be")),
        ("u32.txt", codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le")),
        ("sig.txt", codecs.BOM_UTF8 + TEXT.encode()),
        ("cp.html", PAGE.format(charset="windows-1252").encode("cp1252")),
        # Browsers read a page labelled Latin-1 as windows-1252: its curly quotes are there.
        ("latin.html", PAGE.format(charset="iso-8859-1").encode("cp1252")),
        ("wide.html", codecs.BOM_UTF16_LE + PAGE.format(charset="utf-16").encode("utf-16-le")),
    ],
)
def test_declared_encodings_are_read(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    found = find_quotes(read_article(path), "Agnès Varda")
    assert [f.text for f in found] == ["If we opened people up, we’d find landscapes."]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("nobom.txt", TEXT.encode("utf-16-le"), "a binary file"),
        ("unknown.html", PAGE.format(charset="x-unheard-of").encode(), "not a text encoding"),
        ("escape.html", PAGE.format(charset="unicode_escape").encode(), "no page uses"),
        ("wrong.html", PAGE.format(charset="utf-8").encode("cp1252"), "not utf-8 text"),
        ("ansi.txt", b"Jonze said \x1b]0;owned\x07 hello\n", "a control character (U+001B)"),
    ],
)
def test_undecodable_text_is_refused_without_repeating_it(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    code, out, err = run("ingest", str(path), "--director", "Agnès Varda", "--dry-run")
    assert code == 2 and message in err, err
    assert len(err.splitlines()) == 1 and "landscapes" not in err and "owned" not in err + out


# ---- linear in the article's length -----------------------------------------------------

N = 226_000
SHAPES: dict[str, Callable[[int], tuple[str, ...]]] = {
    "said after": lambda n: ('"I like to work with people," Spike Jonze said. ' * (n // 48),),
    "said before": lambda n: ('Jonze said, "I like to work with people I know." ' * (n // 49),),
    "pronoun": lambda n: ('Varda sat. Asked, she said, "They are useful, really." ' * (n // 55),),
    "names": lambda n: ('Tom Cruise said "a b c d". ' * (n // 27),),
    "no punctuation": lambda n: ("word " * (n // 5),),
    "quote marks": lambda n: ('"' * n,),
    "unclosed": lambda n: ("“ some words here " * (n // 18),),
    "short paragraphs": lambda n: ("“A short paragraph with words",) * (n // 30),
    "many paragraphs": lambda n: ('Jonze said, "a b c d e."',) * (n // 25),
}


@pytest.mark.system  # a quarter of a megabyte of text each: seconds in all
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_226_kb_article_of_any_shape_ingests(shape: str) -> None:
    # Each took from 6 s to minutes when an attribution was searched for in all the text
    # before every quote; now each is a fraction of a second. The guard only stops a hang.
    with hang_guard():
        find_quotes(article(*SHAPES[shape](N)), "Spike Jonze", ("spike",))


def calls(shape: str, size: int) -> int:
    """How many functions (of bot.curation, and built-ins like a regex search) finding
    the quotes calls: a count that doubles with the text when the work is linear."""
    counted = 0
    paragraphs = SHAPES[shape](size)

    def profile(frame: FrameType, event: str, _arg: object) -> None:
        nonlocal counted
        if event == "c_call" or frame.f_code.co_filename.startswith(CURATION):
            counted += event in ("call", "c_call")

    sys.setprofile(profile)
    try:
        find_quotes(article(*paragraphs), "Spike Jonze")
    finally:
        sys.setprofile(None)
    return counted


@pytest.mark.system  # a quarter of a megabyte of text each: seconds in all
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_the_work_grows_with_the_text_not_faster(shape: str) -> None:
    small, large = calls(shape, 20_000), calls(shape, 80_000)
    assert large <= 4.4 * small, (small, large)


PAGES = ["<a", "</", "<?", "<!", "<![", "<!--", '<a b="', "<script>", "<p>", "<nav>"]


@pytest.mark.parametrize("unit", PAGES)
def test_a_hostile_page_is_read_in_one_pass(tmp_path: Path, unit: str) -> None:
    # The standard library's HTMLParser takes minutes over these (and raises on <![<![).
    path = tmp_path / "page.html"
    path.write_text("<html><p>Spike Jonze said hi.</p>" + unit * (N // len(unit)), "utf-8")
    with hang_guard():
        try:
            read_article(path)
        except IngestError as exc:
            assert "no text" in str(exc)


# ---- never pinned on the wrong person ---------------------------------------------------


def test_an_article_that_never_names_the_director_is_refused(tmp_path: Path) -> None:
    code, out, err = run("ingest", str(SEED), "--director", "Agnès Varda", "--quotes",
                         str(tmp_path), "--dry-run")  # fmt: skip
    assert code == 2 and out == ""
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: {SEED} never names Agnès Varda (full name, surname or an alias): not "
        "drafting its quotes as theirs (or --force)"
    ]
    assert list(tmp_path.iterdir()) == []


def test_force_drafts_them_marked_attributed_with_a_warning(tmp_path: Path) -> None:
    code, _, err = run("ingest", str(SEED), "--director", "Agnès Varda", "--quotes",
                       str(tmp_path), "--force")  # fmt: skip
    assert code == 0, err
    assert "warning:" in err and "--force: drafted with status: attributed" in err
    draft = (tmp_path / "varda.yaml").read_text("utf-8")
    assert draft.count("status: attributed") == 9 == draft.count("- topic:")
    assert run("check", str(tmp_path))[0] == 0


@pytest.mark.parametrize(
    ("director", "paragraphs"),
    [
        # The seed names Spike Jonze: "Spike" there is someone else's first name.
        ("Spike Lee", SEED.read_text("utf-8").split("\n\n")),
        # Coppola, but Francis Ford Coppola: not a word of it is Sofia's.
        (
            "Sofia Coppola",
            [
                "Francis Ford Coppola at 80",
                'On wine: "I make wine because it outlasts films."',
                '"It was hard, harder than anything," Coppola said.',
            ],
        ),
        # "lean" is not a name: David Lean is never named.
        ("David Lean", ["A lean year", 'On money: "It was a lean year for all of us."']),
    ],
)
def test_a_name_that_is_someone_elses_or_no_name_does_not_count(
    director: str, paragraphs: list[str]
) -> None:
    text = article(*[" ".join(p.split()) for p in paragraphs if p.strip()])
    assert not naming(text, director).named
    assert find_quotes(text, director) == []


def test_a_transcript_about_someone_else_gives_the_director_nothing() -> None:
    # Scarlett Johansson's interview names Jonze: her answers, labelled SJ, are not his.
    interview = article(
        "Scarlett Johansson on HER",
        "Johansson voiced Samantha for Spike Jonze. Johansson was candid about it all.",
        "Q: What was it like?",
        "SJ: It was strange to act with no body at all.",
        "Q: And working with him?",
        "SJ: He is kind and very patient with everyone.",
    )
    assert naming(interview, "Spike Jonze").named
    assert find_quotes(interview, "Spike Jonze") == []
    assert len(find_quotes(interview, "Scarlett Johansson")) == 2


# ---- prose as people write it; the book's own topics ------------------------------------


def test_a_pronoun_is_the_director_named_in_an_earlier_paragraph() -> None:
    found = find_quotes(
        article(
            "Agnès Varda at Eighty",
            "Varda sat by the window, as she always does at her home in Paris.",
            'Asked about critics, she said, "They are useful when they are curious."',
        ),
        "Agnès Varda",
    )
    assert [(f.text, f.context) for f in found] == [
        ("They are useful when they are curious.", "Asked about critics")
    ]


@pytest.mark.parametrize(
    "between",
    ["Jacques Demy came in later.", "Her producer remembers it differently."],
)
def test_no_pronoun_is_the_director_once_someone_else_was_named_since(between: str) -> None:
    found = find_quotes(
        article(
            "Agnès Varda at Eighty",
            "Varda sat by the window.",
            between,
            'Asked about money, he said, "It was never the point of any of it."',
        ),
        "Agnès Varda",
    )
    assert found == []


def test_the_seed_lands_on_the_shipped_topics_nine_of_nine() -> None:
    jonze = load_book([QUOTES]).book.director("jonze")
    assert jonze is not None
    found = find_quotes(read_article(SEED), jonze.name, jonze.aliases)
    topics = [propose_topic(f.context, f.text, dict(jonze.topic_keys)) for f in found]
    assert topics == [(q.topic, True) for q in jonze.quotes]


def test_drafting_the_seed_into_the_book_lists_the_shipped_topics(tmp_path: Path) -> None:
    folder = tmp_path / "quotes"
    shutil.copytree(QUOTES, folder)
    code, out, _ = run("ingest", str(SEED), "--director", "Spike Jonze", "--quotes",
                       str(folder), "--dry-run")  # fmt: skip
    assert code == 0
    jonze = load_book([folder]).book.director("jonze")
    assert jonze is not None
    listed = [line.split()[0] for line in out.splitlines() if "(already in the book)" in line]
    assert listed == [q.topic for q in jonze.quotes]


def test_an_ingested_article_is_named_from_the_tree_and_verifies(tmp_path: Path) -> None:
    quotes, seeds = tmp_path / "quotes", tmp_path / "seeds"
    quotes.mkdir()
    seeds.mkdir()
    (seeds / "varda.txt").write_bytes(codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"))
    code, out, err = run("ingest", str(seeds / "varda.txt"), "--director", "Agnès Varda",
                         "--quotes", str(quotes))  # fmt: skip
    assert code == 0, err
    assert "outside the quote book's tree" not in out
    assert "document: seeds/varda.txt" in (quotes / "varda.yaml").read_text("utf-8")
    code, out, _ = run("check", "--verify", str(quotes))
    assert code == 0 and "verified: 1 quote(s) found in their documents" in out, out


def test_an_article_outside_the_tree_is_drafted_with_a_note(tmp_path: Path) -> None:
    code, out, _ = run("ingest", str(SEED), "--director", "Spike Jonze", "--command", "spike",
                       "--quotes", str(tmp_path / "quotes"), "--dry-run")  # fmt: skip
    assert code == 0
    assert "note: the article is outside the quote book's tree" in out
