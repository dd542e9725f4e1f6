"""Ingest: quotes found in articles of every common form, drafted and merged safely."""

from __future__ import annotations

import difflib
import io
import shutil

import pytest

from bot import cli
from bot.book.loader import load_book
from bot.curation.ingest import IngestError, find_quotes, propose_topic, read_article
from tests.fixtures import QUOTES, ROOT

SEED = ROOT / "seeds" / "2013-09-tiff-in-conversation-spike-jonze.txt"
ARTICLES = ROOT / "tests" / "articles"
JONZE = load_book([QUOTES]).book.director("jonze")

# What each test article attributes to Spike Jonze, and only that (the interviewer's
# questions and other people's words are in the articles too, and must not be found).
EXPECTED = {
    "q-and-a.txt": [
        "Not really. The cut kept changing what the movie was about, and I had to let it.",
        "That's fair. I rewrite in the edit, I rewrite on set, I rewrite in my head on the "
        "drive home.",
        "We talk a lot before we shoot, mostly not about the scenes.\n\nIt's more about "
        "getting to know each other, so that on the day nobody is performing for me.",
        "I'd probably be more scared. Back then I didn't know enough to be scared.",
    ],
    "profile.txt": [
        "I'd rather talk about the work",
        "Every movie starts as a feeling I can't explain yet",
        "Making the film is how I find out what the feeling was.",
        "We cut a version that was two and a half hours and it was a completely different film.",
        "I think it's both. It connects us and it keeps us apart.\n\nThat tension is what the "
        "movie is about",
    ],
    "page.html": [
        "Maurice told me to make it dangerous.",
        "You can't direct a nine-year-old, you can only make room for them.",
        "We built the creatures for real because the kids needed something to hug.",
    ],
    "no-quotes.txt": [],
}


def found_in(name: str) -> list[str]:
    article = read_article(ARTICLES / name)
    return [f.text for f in find_quotes(article, "Spike Jonze", ("spike",))]


def test_the_seed_article_yields_all_nine_quotes_with_their_contexts_and_topics():
    assert JONZE is not None
    found = find_quotes(read_article(SEED), "Spike Jonze", JONZE.aliases)
    shipped = {q.text: q for q in JONZE.quotes}
    assert [f.text for f in found] == [q.text for q in JONZE.quotes]
    assert [f.context for f in found] == [q.context for q in JONZE.quotes]
    topics = [propose_topic(f.context, f.text, dict(JONZE.topic_keys))[0] for f in found]
    agree = sum(t == shipped[f.text].topic for t, f in zip(topics, found, strict=True))
    assert agree >= 7


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_statement_by_the_director_and_nothing_else(name):
    assert found_in(name) == EXPECTED[name]


def test_q_and_a_answers_keep_the_question_as_context():
    article = read_article(ARTICLES / "q-and-a.txt")
    first = find_quotes(article, "Spike Jonze")[0]
    assert first.context == (
        "You spent fourteen months editing HER. Did you know what the film was when you started?"
    )
    assert first.form == "q-and-a"


def test_html_is_read_with_a_parser_not_its_scripts_navigation_or_footer():
    article = read_article(ARTICLES / "page.html")
    text = "\n".join(article.paragraphs)
    assert "never be found" not in text and "Subscribe" not in text and "News" not in text
    assert article.title == "Spike Jonze on Where the Wild Things Are"
    assert article.date == "2009-10"
    contexts = [f.context for f in find_quotes(article, "Spike Jonze")]
    assert contexts == ["On adapting Sendak", "On working with kids", "On the suits"]


@pytest.mark.parametrize(
    ("lead_in", "topic"),
    [
        ("On the 14-month editing period for HER", "editing"),
        ("On developing characters", "characters"),  # a gerund's object
        ("On which of his movies is his favourite", "favourite"),  # what is asked for
        ("On getting BEING JOHN MALKOVICH made", "malkovich"),  # the title's telling word
        ("On his approach to rehearsing", "rehearsing"),
        ("On his relationship with technology and how that figures into HER", "technology"),
        ("On working with kids", "working"),  # no object: the gerund itself
        ("On his process", "process"),
    ],
)
def test_a_new_directors_topics_name_what_the_lead_in_is_about(lead_in, topic):
    assert propose_topic(lead_in, "…", {}) == (topic, False)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n\n ", "empty"),
        (b"\x89PNG\r\n\x1a\n\0\0\0", "binary"),
        (b"caf\xe9 au lait", "UTF-8"),
    ],
)
def test_empty_binary_or_undecodable_files_are_refused_clearly(tmp_path, content, message):
    path = tmp_path / "article.txt"
    path.write_bytes(content)
    with pytest.raises(IngestError, match=message):
        read_article(path)


# ---- the CLI: review, dry run, merging ---------------------------------------------------


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(args), {}, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_dry_run_on_the_seed_lists_nine_quotes_already_in_the_book_and_writes_nothing(tmp_path):
    folder = tmp_path / "quotes"
    shutil.copytree(QUOTES, folder)
    before = (folder / "jonze.yaml").read_text()
    code, out, _ = run("ingest", str(SEED), "--director", "Spike Jonze", "--quotes", str(folder),
                       "--dry-run")  # fmt: skip
    assert code == 0
    assert "9 quote(s) by Spike Jonze found" in out and "0 new, 9 already in the book" in out
    assert out.count("On ") >= 9 and "dry run: nothing written" in out
    assert (folder / "jonze.yaml").read_text() == before


def test_merging_adds_only_new_quotes_and_keeps_the_curators_comments(tmp_path):
    folder = tmp_path / "quotes"
    shutil.copytree(QUOTES, folder)
    original = (folder / "jonze.yaml").read_text()
    curated = original.replace("topics:\n", "topics:  # curated by hand, keep\n")
    (folder / "jonze.yaml").write_text(curated)
    code, out, err = run("ingest", str(ARTICLES / "q-and-a.txt"), "--director", "jonze",
                         "--quotes", str(folder))  # fmt: skip
    assert code == 0, err
    merged = (folder / "jonze.yaml").read_text()
    # Everything that was there is untouched: the merge only inserted lines.
    changes = difflib.SequenceMatcher(None, curated.splitlines(), merged.splitlines())
    assert {op for op, *_ in changes.get_opcodes()} == {"equal", "insert"}
    assert "# curated by hand, keep" in merged
    loaded = load_book([folder])
    assert not loaded.problems
    jonze = loaded.book.director("jonze")
    assert jonze is not None and len(jonze.quotes) == 9 + 4
    # Again: nothing new, nothing written.
    code, out, _ = run("ingest", str(ARTICLES / "q-and-a.txt"), "--director", "jonze",
                       "--quotes", str(folder))  # fmt: skip
    assert "0 new, 4 already in the book" in out
    assert (folder / "jonze.yaml").read_text() == merged


def test_a_new_director_gets_a_draft_file_that_passes_check(tmp_path):
    folder = tmp_path / "quotes"
    folder.mkdir()
    code, _, err = run("ingest", str(ARTICLES / "page.html"), "--director", "Spike Jonze",
                         "--command", "spike", "--quotes", str(folder))  # fmt: skip
    assert code == 0, err
    assert (folder / "spike.yaml").exists()
    assert run("check", str(folder))[0] == 0
    text = (folder / "spike.yaml").read_text()
    assert "title: Spike Jonze on Where the Wild Things Are" in text
    assert "date: 2009-10" in text


def test_an_article_with_no_quotes_exits_1_and_writes_nothing(tmp_path):
    code, out, _ = run("ingest", str(ARTICLES / "no-quotes.txt"), "--director", "Spike Jonze",
                       "--quotes", str(tmp_path))  # fmt: skip
    assert code == 1
    assert "0 quote(s)" in out
    assert not list(tmp_path.iterdir())


def test_a_binary_file_is_a_usage_error(tmp_path):
    path = tmp_path / "still.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\0\0")
    code, _, err = run("ingest", str(path), "--director", "Spike Jonze")
    assert code == 2 and "binary" in err


def test_a_q_and_a_with_names_as_labels(tmp_path):
    article = tmp_path / "named.txt"
    article.write_text(
        "Talking Pictures\n\n"
        "Mark Olsen: What did Sendak tell you?\n\n"
        "Jonze: He said, “Don't make a kids' movie, make a movie about childhood.”\n\n"
        "Mark Olsen: Did you listen?\n\n"
        "Spike Jonze: I tried to. Some days I did.\n\n"
        "Catherine Keener: He listened more than he says.\n",
        encoding="utf-8",
    )
    found = find_quotes(read_article(article), "Spike Jonze")
    assert [f.text for f in found] == [
        "He said, “Don't make a kids' movie, make a movie about childhood.”",
        "I tried to. Some days I did.",
    ]
    assert [f.context for f in found] == ["What did Sendak tell you?", "Did you listen?"]


def test_the_seed_is_titled_by_its_heading_and_not_dated_by_a_release_date():
    seed = ROOT / "seeds" / "2013-09-tiff-in-conversation-spike-jonze.txt"
    article = read_article(seed)
    # Not the page's "Pages Navigation Menu", nor the "her" label glued to the heading.
    assert article.title == "In conversation with Spike Jonze"
    # "January 10, 2014" is HER's release, at the end: the article gives no date of its own.
    assert article.date == ""


def test_ingest_says_when_it_found_no_date(tmp_path):
    seed = ROOT / "seeds" / "2013-09-tiff-in-conversation-spike-jonze.txt"
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(
        ["ingest", str(seed), "--director", "Spike Jonze", "--quotes", str(tmp_path), "--dry-run"],
        environ={}, stdin=io.StringIO(), stdout=out, stderr=err,
    )  # fmt: skip
    assert code == 0, err.getvalue()
    assert "note: no date in the article's heading or dateline: none set (--date)" in out.getvalue()


def test_a_pronoun_before_the_quote_is_the_director_when_no_one_else_was_named(tmp_path):
    article = tmp_path / "varda.txt"
    article.write_text(
        "Agnès Varda at Eighty\n\nLe Monde, May 2008\n\n"
        'Varda sat by the window. Asked about critics, she said, "They are useful when '
        'they are curious."\n\n'
        'Varda sat with Jacques Demy. Asked about money, he said, "It was never the point '
        'of any of it."\n',
        encoding="utf-8",
    )
    found = find_quotes(read_article(article), "Agnès Varda")
    assert [(f.text, f.context) for f in found] == [
        ("They are useful when they are curious.", "Asked about critics")
    ]
