"""The quotebot command line, as a user runs it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures import ATTRIBUTION, write
from tests.fixtures import run_cli as run

EDITING = "“I didn’t know exactly what I was making. I was trying to find it along the way.”"


@pytest.mark.parametrize("topic", ["editing", "edit", "edting"])
def test_ask_prints_the_editing_quote_with_attribution(topic):
    code, out, err = run("ask", "jonze", topic)
    assert (code, err) == (0, "")
    assert out == f"{EDITING}\n{ATTRIBUTION}\n"


def test_ask_takes_several_words_and_a_director_name():
    code, out, _ = run("ask", "Spike Jonze", "post", "production")
    assert code == 0
    assert out.startswith(EDITING)


def test_ask_without_topic_prints_some_jonze_quote():
    code, out, _ = run("ask", "jonze")
    assert code == 0
    assert "— Spike Jonze, on " in out


def test_ask_unknown_topic_exits_1_listing_topics():
    code, out, err = run("ask", "jonze", "zzz")
    assert code == 1
    assert out == ""
    assert "Spike Jonze has no topic “zzz”." in err
    assert "music-videos, process, editing" in err


def test_ask_unknown_director_exits_1():
    code, _, err = run("ask", "nolan")
    assert code == 1
    assert "There is no /nolan command here." in err


def test_topics_lists_topics_and_aliases():
    code, out, _ = run("topics", "jonze")
    assert code == 0
    assert "Spike Jonze (/jonze) topics:" in out
    assert "editing       edit, cutting, cut, post-production, post" in out


def test_check_is_clean_on_shipped_data():
    code, out, _ = run("check")
    assert code == 0
    assert out == "ok: 1 file(s), 1 director(s), 9 quotes\n"


def test_check_names_file_and_line_of_a_broken_file(good_dir):
    broken = write(
        good_dir,
        "broken.yaml",
        "director: X\ncommand: x\nsources: {}\ntopics: {}\nquotes: []\nextra: 1\n",
    )
    code, out, _ = run("check", str(good_dir))
    assert code == 1
    assert f"{broken}:6: unknown key 'extra'" in out
    assert f"{broken}:5: quotes is empty" in out
    assert "problem(s) in 3 file(s)" in out


def test_check_a_single_good_file(good_dir):
    assert run("check", str(good_dir / "varda.yaml"))[0] == 0


def test_quotes_option_and_environment_choose_the_book(good_dir):
    assert run("ask", "varda", "cat")[0] == 1
    assert run("--quotes", str(good_dir), "ask", "varda", "cat")[0] == 0
    assert run("ask", "varda", "cat", "--quotes", str(good_dir))[0] == 0
    assert run("ask", "varda", "cat", env={"QUOTEBOT_QUOTES": str(good_dir)})[0] == 0


def test_a_broken_file_is_skipped_with_a_warning_and_the_rest_answers(good_dir):
    write(good_dir, "broken.yaml", "director: [\n")
    code, out, err = run("--quotes", str(good_dir), "ask", "jonze", "editing")
    assert code == 0
    assert out.startswith(EDITING)
    assert "warning: skipped: " in err and "broken.yaml:" in err


def test_empty_quotes_folder_is_a_clear_error(tmp_path):
    code, _, err = run("--quotes", str(tmp_path), "ask", "jonze")
    assert code == 1
    assert "no quote book could be loaded" in err


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        run("frobnicate")
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        run("ask")
    assert exc.value.code == 2


def test_run_without_tokens_is_a_terminal_prompt():
    code, out, _ = run("run", stdin="/jonze edting\n/jonze zzz\n\n/exit\n")
    assert code == 0
    assert "quotebot> " + EDITING in out
    assert "Spike Jonze has no topic “zzz”." in out


def test_run_unknown_platform_is_a_usage_error():
    with pytest.raises(SystemExit) as exc:
        run("run", "irc")
    assert exc.value.code == 2


def test_a_broken_settings_file_concerns_only_the_quote_of_the_day(tmp_path: Path):
    broken = tmp_path / "quotebot.toml"
    broken.write_text("[daily\n")
    env = {"QUOTEBOT_CONFIG": str(broken), "QUOTEBOT_DB": str(tmp_path / "state.db")}
    assert run("ask", "jonze", "editing", env=env)[0] == 0
    code, _, err = run("daily", env=env)
    assert code == 2 and str(broken) in err
