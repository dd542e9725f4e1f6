"""The member's language: every catalogue complete, placeholders the same, English the
fallback, every answer in every language within every platform limit, and quotes never
translated. (The Discord side: tests/adapters/discord/test_discord_locales.py.)"""

from __future__ import annotations

import random
import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import limits
from bot.adapters import discord as discord_adapter
from bot.answers import LANGUAGES, Markup, Miss, QuoteAnswer, TopicsAnswer, check_source, miss_text
from bot.answers.answerer import Answerer
from bot.answers.catalogue import list_commands
from bot.answers.language import ENGLISH, language_of, say, translate
from bot.book.loader import load_book
from tests.fixtures import EDITING, QUOTES, ROOT, book_file, write

LOCALES = ROOT / "bot" / "answers" / "locales"
# Every language a member may see, as Discord names them (and English).
EVERY_LOCALE = ["en-US", "fr", "es-ES", "es-419", "de", "pt-BR", "ja"]


def code_messages() -> dict[str, list[str]]:
    """Every message the code marks for translation (``N_("…")``), where it is."""
    found: dict[str, list[str]] = {}
    for path, line, message, _comments, _context in extract_from_dir(
        str(ROOT / "bot"), method_map=[("**.py", "python")], keywords={"N_": None},
        comment_tags=(),
    ):  # fmt: skip
        assert isinstance(message, str), (path, line)
        found.setdefault(message, []).append(f"bot/{path}:{line}")
    return found


def catalogue(name: str) -> dict[str, str]:
    with (LOCALES / name / "LC_MESSAGES" / "quotebot.po").open("rb") as file:
        read = read_po(file, locale=name)
    return {str(m.id): str(m.string) for m in read if m.id and not m.fuzzy and m.string}


def fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


MESSAGES = code_messages()


SAMPLE = [
    "{director} has no topic “{topic}”.",
    "Did you mean {choices}?",
    "…and {n} more: ask one director's topics",
    "Source",
    "Sorry, something went wrong on our side. Please try again in a moment.",
]


def test_the_code_marks_the_chrome_for_translation():
    # A sample of every kind: a miss, "did you mean", the topics list, a label, a refusal.
    assert [m for m in SAMPLE if m not in MESSAGES] == []


@pytest.mark.parametrize("name", LANGUAGES)
def test_every_catalogue_has_every_message_and_nothing_else(name):
    table = catalogue(name)
    assert sorted(set(MESSAGES) - set(table)) == [], f"{name} lacks these"
    assert sorted(set(table) - set(MESSAGES)) == [], f"{name} has messages the code dropped"


@pytest.mark.parametrize("name", LANGUAGES)
def test_every_translation_keeps_the_placeholders_of_its_message(name):
    wrong = {
        message: said
        for message, said in catalogue(name).items()
        if fields(said) != fields(message)
    }
    assert wrong == {}


def test_catalogues_exist_for_the_five_languages():
    assert set(LANGUAGES) == {"fr", "es", "de", "pt_BR", "ja"}
    assert {p.name for p in LOCALES.iterdir() if p.is_dir()} == set(LANGUAGES)


@pytest.mark.parametrize(
    ("locale", "name"),
    [("fr", "fr"), ("es-ES", "es"), ("es-419", "es"), ("de", "de"), ("pt-BR", "pt_BR"),
     ("pt_BR", "pt_BR"), ("ja", "ja"), ("ja_JP", "ja"), ("en-US", ENGLISH), ("en-GB", ENGLISH),
     ("ko", ENGLISH), ("zz-ZZ", ENGLISH), ("", ENGLISH), (None, ENGLISH)],
)  # fmt: skip
def test_a_locale_finds_its_catalogue_or_english(locale, name):
    assert language_of(locale) == name


def test_a_message_no_catalogue_has_is_said_in_english():
    assert translate("Not a message quotebot has", "fr") == "Not a message quotebot has"
    assert translate("Did you mean {choices}?", "ko") == "Did you mean {choices}?"
    assert translate("Did you mean {choices}?", "fr") == "Vouliez-vous dire {choices} ?"


ANSWERER = Answerer(load_book([QUOTES]).book, random.Random(1))


def test_a_miss_is_worded_in_the_members_language_and_keeps_what_was_asked():
    miss = ANSWERER.answer("jonze", "zzz")
    assert isinstance(miss, Miss)
    english = miss_text(miss, Markup())
    assert english.splitlines()[0] == "Spike Jonze has no topic “zzz”."
    french = miss_text(miss, Markup(), locale="fr")
    assert french.splitlines()[0] == "Spike Jonze n’a pas de sujet « zzz »."
    assert french.splitlines()[-1] == "Utilisation : /jonze [topic]"
    assert miss_text(miss, Markup(), locale="ja").splitlines()[0] == (
        "Spike Jonzeには「zzz」というトピックはありません。"
    )
    assert miss_text(miss, Markup(), locale="ko") == english


@pytest.mark.parametrize("locale", EVERY_LOCALE)
def test_a_quote_is_never_translated(locale):
    answer = ANSWERER.answer("jonze", "editing")
    assert isinstance(answer, QuoteAnswer)
    embed = discord_adapter.render(answer, locale=locale)["embed"]
    assert embed.description == f"“{EDITING}”"
    assert answer.quote.source.citation in (embed.footer.text or "")


@pytest.mark.parametrize("locale", EVERY_LOCALE)
def test_the_fact_check_labels_are_translated_and_the_source_is_not(locale):
    english = check_source(ANSWERER.book, EDITING)
    found = check_source(ANSWERER.book, EDITING, locale=locale)
    assert found.quote == english.quote
    assert [value for _, value in found.lines] == [value for _, value in english.lines]
    assert found.heading == say("In the book: {director}.", locale, director="Spike Jonze")


many = st.lists(st.text(min_size=1, max_size=100), max_size=500)


@settings(max_examples=100, deadline=None)
@given(
    available=many,
    asked=st.text(max_size=300),
    locale=st.sampled_from(EVERY_LOCALE),
    limit=st.sampled_from([limits.DISCORD_CONTENT_MAX, limits.SLACK_SECTION_MAX]),
)
def test_a_miss_fits_every_platforms_limit_in_every_language(available, asked, locale, limit):
    miss = Miss(
        f"No director or topic “{asked}”.", asked, ("a",) * 20, tuple(available), "/quote",
        template="No director or topic “{asked}”.", values=(("asked", asked),),
    )  # fmt: skip
    text = miss_text(miss, Markup(strong=lambda t: f"*{t}*", max_length=limit), locale=locale)
    assert len(text) <= limit
    assert text.splitlines()[-1] == say("Usage: {usage}", locale, usage="/quote")


pieces = st.text(st.characters(exclude_categories=["Cs"]), max_size=60) | st.sampled_from(
    ["@everyone", "topics", "editing", "*bold*", "{topic}", "{0}"]
)


@settings(max_examples=150, deadline=None)
@given(
    text=st.lists(pieces, max_size=6).map(" ".join),
    command=st.sampled_from(["jonze", "quote", "nolan"]),
    locale=st.sampled_from(EVERY_LOCALE),
)
def test_any_answer_in_any_language_stays_within_discords_limits(text, command, locale):
    answer = ANSWERER.answer(command, text)
    made = discord_adapter.render(answer, locale=locale)
    if "content" in made:
        assert 1 <= len(made["content"]) <= limits.DISCORD_CONTENT_MAX
        assert "@everyone" not in made["content"]
    embeds = [made["embed"]] if "embed" in made else made.get("embeds", [])
    assert len(embeds) <= limits.DISCORD_EMBEDS_PER_MESSAGE
    assert sum(len(e) for e in embeds) <= limits.DISCORD_EMBEDS_TOTAL_MAX


def test_a_long_topic_list_says_how_many_more_in_the_members_language(tmp_path: Path):
    for n in range(40):
        write(tmp_path, f"d{n}.yaml", book_file(f"d{n}", 3))
    answer = Answerer(load_book([tmp_path]).book).answer("quote", "topics")
    assert isinstance(answer, TopicsAnswer)
    embeds = discord_adapter.render(answer, locale="de")["embeds"]
    assert embeds[-1].description.endswith("weitere: frag nach den Themen einer einzelnen Person")
    assert sum(len(e) for e in embeds) <= limits.DISCORD_EMBEDS_TOTAL_MAX


@pytest.mark.parametrize("locale", EVERY_LOCALE)
def test_every_command_description_fits_discords_100_in_every_language(tmp_path, locale):
    long_name = "Apichatpong Weerasethakul " * 5
    write(tmp_path, "long.yaml", book_file("long", 2).replace("Director long", long_name))
    listed = list_commands(load_book([tmp_path, QUOTES]).book, 100).commands
    assert any(len(info.description) == limits.COMMAND_DESCRIPTION_MAX for info in listed)
    for info in listed:
        said = info.description_in(locale)
        assert 1 <= len(said) <= limits.COMMAND_DESCRIPTION_MAX
        assert said.startswith(info.description[:20]) or language_of(locale) != ENGLISH


def test_an_english_ask_reads_no_catalogue_and_imports_no_babel(tmp_path: Path):
    script = (
        "import sys, runpy; sys.argv = ['quotebot', 'ask', 'jonze', 'zzz']\n"
        "try:\n    runpy.run_module('bot', run_name='__main__')\n"
        "except SystemExit as exc:\n"
        "    import bot.answers.language as language\n"
        "    print(exc.code, sorted(m for m in sys.modules if m.split('.')[0] == 'babel'),"
        " sorted(language._tables))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert "Spike Jonze has no topic “zzz”." in done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == "1 [] []", done.stdout + done.stderr


def test_a_catalogue_is_read_once_on_first_use():
    from bot.answers import language

    language._tables.pop("de", None)
    assert translate("Source", "de") == "Quelle"
    first = language._tables["de"]
    assert translate("Venue", "de") == "Medium"
    assert language._tables["de"] is first
