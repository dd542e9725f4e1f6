"""Loading and validating quote files: every problem named by file and line."""

from __future__ import annotations

from pathlib import Path

from bot.book.loader import load_book, load_file
from tests.fixtures import GOOD_FILE, write


def problems_of(path: Path) -> list[str]:
    return [str(p) for p in load_file(path)[1]]


def test_good_file_loads_with_its_topics_and_quotes(tmp_path):
    director, problems = load_file(write(tmp_path, "varda.yaml", GOOD_FILE))
    assert problems == []
    assert director is not None
    assert director.command == "varda"
    assert director.topic_names == ("beaches", "cats")
    assert len(director.by_topic["beaches"]) == 2
    assert director.quotes[0].line == 13


def test_malformed_yaml_names_file_and_line(tmp_path):
    path = write(tmp_path, "bad.yaml", "director: X\ncommand: [unclosed\ntopics: {}\n")
    [problem] = problems_of(path)
    assert problem.startswith(f"{path}:")
    assert "malformed YAML" in problem
    line = int(problem.split(":")[1])
    assert 2 <= line <= 4


def test_python_object_tag_is_an_error_and_never_executed(tmp_path):
    marker = tmp_path / "executed"
    path = write(
        tmp_path,
        "evil.yaml",
        GOOD_FILE.replace(
            "director: Agnès Varda",
            f"director: !!python/object/apply:os.system ['touch {marker}']",
        ),
    )
    problems = problems_of(path)
    assert (
        f"{path}:1: director: tag 'tag:yaml.org,2002:python/object/apply:os.system' "
        "is not allowed" in problems
    )
    assert not marker.exists()


def test_aliases_are_refused_not_expanded(tmp_path):
    laughs = GOOD_FILE.replace(
        'text: "The second beach quote, invented for the tests."', "text: *first"
    ).replace('text: "If we opened', 'text: &first "If we opened')
    problems = problems_of(write(tmp_path, "alias.yaml", laughs))
    assert any(":18: YAML aliases (*first) are not allowed" in p for p in problems), problems


def test_billion_laughs_costs_nothing(tmp_path):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    problems = problems_of(write(tmp_path, "bomb.yaml", bomb))
    assert len(problems) == 9 + 8 * 9  # nine anchors, seventy-two aliases
    assert problems[0].endswith(
        "bomb.yaml:1: YAML anchors (&a) are not allowed: write the value out"
    )
    assert problems[1].endswith(
        "bomb.yaml:2: YAML anchors (&b) are not allowed: write the value out"
    )
    assert problems[2].endswith("bomb.yaml:2: YAML aliases (*a) are not allowed")


def test_unknown_and_missing_keys_are_all_reported_at_once(tmp_path):
    text = GOOD_FILE.replace("command: varda\n", "comand: varda\n").replace(
        "    context: On cats\n", "    contxt: On cats\n"
    )
    problems = problems_of(write(tmp_path, "keys.yaml", text))
    assert any(":2: unknown key 'comand'" in p for p in problems), problems
    assert any(":1: the file is missing 'command'" in p for p in problems), problems
    assert any(":23: unknown key 'contxt' in a quote" in p for p in problems), problems
    assert any(":21: this quote is missing 'context'" in p for p in problems), problems


def test_unknown_topic_and_source_are_named_on_their_lines(tmp_path):
    text = GOOD_FILE.replace("- topic: cats", "- topic: dogs").replace(
        "    source: test\n    \n", ""
    )
    text = text.replace(
        "context: On the sea\n    source: test", "context: On the sea\n    source: tset"
    )
    problems = problems_of(write(tmp_path, "refs.yaml", text))
    assert any(":21: unknown topic 'dogs'" in p for p in problems), problems
    assert any(":20: unknown source 'tset'" in p for p in problems), problems


def test_duplicate_quote_points_at_the_first_copy(tmp_path):
    text = GOOD_FILE.replace(
        "The second beach quote, invented for the tests.",
        "If we opened people up, we’d find   landscapes.",
    )
    problems = problems_of(write(tmp_path, "dup.yaml", text))
    assert any(":17: duplicate quote: the same text is at line 13" in p for p in problems), problems


def test_duplicate_keys_are_errors(tmp_path):
    text = GOOD_FILE.replace("command: varda\n", "command: varda\ncommand: agnes\n")
    problems = problems_of(write(tmp_path, "twice.yaml", text))
    assert any(":3: duplicate key 'command'" in p for p in problems), problems


def test_command_names_discord_or_slack_would_refuse(tmp_path):
    for bad, why in [
        ("Varda", "not a name Discord and Slack both accept"),
        ("agnès varda", "not a name Discord and Slack both accept"),
        ("a" * 33, "not a name Discord and Slack both accept"),
        ("remind", "Slack's built-in commands"),
        ("quote", "quotebot's own command"),
    ]:
        text = GOOD_FILE.replace("command: varda", f"command: {bad!r}")
        problems = problems_of(write(tmp_path, "cmd.yaml", text))
        assert any(":2: " in p and why in p for p in problems), (bad, problems)


def test_text_longer_than_a_slack_section_is_refused(tmp_path):
    # 2,900 characters fit, but & becomes &amp; in Slack, which pushes it past 3,000.
    text = GOOD_FILE.replace("A test quote about cats & <dogs>.", "&" * 600 + "x" * 2300)
    problems = problems_of(write(tmp_path, "long.yaml", text))
    assert any(":22: text is too long" in p for p in problems), problems


def test_topic_named_topics_is_refused(tmp_path):
    text = GOOD_FILE.replace("cats: [cat]", "cats: [cat, topics]")
    problems = problems_of(write(tmp_path, "t.yaml", text))
    assert any(":11: 'topics' lists the topics" in p for p in problems), problems


def test_alias_claimed_by_two_topics_is_refused(tmp_path):
    text = GOOD_FILE.replace("cats: [cat]", "cats: [cat, sea]")
    problems = problems_of(write(tmp_path, "t.yaml", text))
    assert any(":11: 'sea' already names topic 'beaches'" in p for p in problems), problems


def test_empty_and_binary_files(tmp_path):
    assert problems_of(write(tmp_path, "empty.yaml", "")) == [
        f"{tmp_path}/empty.yaml:1: the file is empty"
    ]
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    [problem] = problems_of(binary)
    assert problem.startswith(f"{binary}:1: not UTF-8 text")


def test_a_broken_file_among_good_ones_loses_only_itself(good_dir):
    write(good_dir, "broken.yaml", "director: Broken\ncommand: [\n")
    loaded = load_book([good_dir])
    assert sorted(d.command for d in loaded.book) == ["jonze", "varda"]
    assert len(loaded.problems) == 1
    assert loaded.problems[0].path.endswith("broken.yaml")


def test_two_files_claiming_one_command(good_dir):
    write(good_dir, "zz-varda-again.yaml", GOOD_FILE.replace("If we opened", "Other words"))
    loaded = load_book([good_dir])
    [problem] = loaded.problems
    assert str(problem).endswith(
        f"zz-varda-again.yaml:2: command 'varda' is already taken by {good_dir}/varda.yaml"
    )


def test_same_quote_in_two_files(good_dir):
    text = (
        GOOD_FILE.replace("command: varda", "command: varda2")
        .replace("aliases: [agnes, agnès varda]", "aliases: []")
        .replace("director: Agnès Varda", "director: Agnès V")
    )
    write(good_dir, "zz.yaml", text)
    [problem] = load_book([good_dir]).problems
    assert "zz.yaml:13: duplicate quote: the same text is in" in str(problem)


def test_empty_folder_is_a_problem_not_a_crash(tmp_path):
    loaded = load_book([tmp_path])
    assert len(loaded.book) == 0
    assert "no quote files" in str(loaded.problems[0])


def test_an_anchor_without_an_alias_is_refused_as_the_readme_says(tmp_path):
    path = write(tmp_path, "anchor.yaml", GOOD_FILE.replace("title: A", "title: &t A"))
    assert problems_of(path) == [
        f"{path}:6: YAML anchors (&t) are not allowed: write the value out"
    ]


def test_ampersands_in_text_are_not_anchors(tmp_path):
    text = GOOD_FILE.replace("about cats", "about R&D, cats & &dogs [&x]")
    director, problems = load_file(write(tmp_path, "amp.yaml", text))
    assert problems == [] and director is not None
    assert "R&D, cats & &dogs [&x]" in director.quotes[-1].text
