"""quotebot export: the approved suggestions written as quote files that quotebot check
accepts, with their sources' URLs, their statuses and who suggested and approved them, and
never over a file already there unless --force."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.book.loader import load_book
from bot.store import NewSuggestion, open_store
from tests.fixtures import run_cli

T0 = 1_800_000_000.0  # 2027-01-15


def seed(where: Path) -> dict[str, str]:
    """Approved, open and removed suggestions in two communities; ids by name."""
    store = open_store(str(where))
    ids = {}

    def add(name: str, new: NewSuggestion, outcome: str, decision: str | None, at: float) -> None:
        kept = store.suggest(new, at)
        store.set_verification(kept.id, outcome, json.dumps({"passage": "…"}), at)  # type: ignore[arg-type]
        if decision is not None:
            attributed = outcome != "found"
            store.decide(kept.id, "approved", "U0MOD", at + 60, as_attributed=attributed)
            if decision == "removed":
                store.decide(kept.id, "removed", "U0MOD", at + 120, expected_status="approved")
        ids[name] = kept.id

    try:
        add(
            "verified",
            NewSuggestion(
                "slack",
                "T1",
                "U1",
                "Spike Jonze",
                "jonze",
                "It’s very organic, from a feeling.",
                "https://example.org/a",
                "On his process",
                "Process",
            ),
            "found",
            "approved",
            T0,
        )
        add(
            "attributed",
            NewSuggestion(
                "discord",
                "G1",
                "U2",
                "Spike Jonze",
                "jonze",
                'A second quote: "yes" & <no>.',
                "https://www.example.org/b",
                None,
                "topics",
            ),
            "not_found",
            "approved",
            T0 + 10,
        )
        add(
            "varda",
            NewSuggestion(
                "discord",
                "G1",
                "U3",
                "Agnès Varda",
                "varda",
                "If we opened people up, we'd find landscapes.",
                "https://example.com/v?x=1",
            ),
            "unfetched",
            "approved",
            T0 + 20,
        )
        add(
            "same",
            NewSuggestion(
                "slack",
                "T1",
                "U4",
                "Agnès Varda",
                "varda",
                "If we opened  people up, we’d find landscapes.",
                "https://example.com/w",
            ),
            "found",
            "approved",
            T0 + 30,
        )
        add(
            "open",
            NewSuggestion(
                "slack",
                "T1",
                "U5",
                "Spike Jonze",
                "jonze",
                "Still open, this.",
                "https://example.org/c",
            ),
            "found",
            None,
            T0 + 40,
        )
        add(
            "removed",
            NewSuggestion(
                "slack",
                "T1",
                "U6",
                "Spike Jonze",
                "jonze",
                "Approved, then removed.",
                "https://example.org/d",
            ),
            "found",
            "removed",
            T0 + 50,
        )
        return ids
    finally:
        store.close()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    where = tmp_path / "state.db"
    seed(where)
    return {"QUOTEBOT_DB": str(where)}


def test_the_files_pass_quotebot_check(tmp_path: Path, env):
    out_dir = tmp_path / "export"
    code, out, err = run_cli("export", str(out_dir), env=env)
    assert code == 0
    assert sorted(p.name for p in out_dir.iterdir()) == ["jonze.yaml", "varda.yaml"]
    assert f"wrote {out_dir / 'jonze.yaml'}: 2 quote(s), 1 verified, 1 attributed\n" in out
    assert f"wrote {out_dir / 'varda.yaml'}: 1 quote(s), 0 verified, 1 attributed\n" in out
    # The same quote approved twice is written once (the first approved).
    assert err.startswith("warning: ") and "the same quote as" in err
    code, out, err = run_cli("check", str(out_dir), env=env)
    assert (code, err) == (0, "")
    assert out == "ok: 2 file(s), 2 director(s), 3 quotes\n"


def test_statuses_sources_topics_and_contexts(tmp_path: Path, env):
    out_dir = tmp_path / "export"
    assert run_cli("export", str(out_dir), env=env)[0] == 0
    book = load_book([out_dir]).book
    jonze, varda = book.director("jonze"), book.director("varda")
    assert jonze is not None and varda is not None
    by_text = {q.text: q for q in jonze.quotes}
    verified = by_text["It’s very organic, from a feeling."]
    assert (verified.status, verified.topic, verified.context) == ("verified", "process",
                                                                    "On his process")  # fmt: skip
    assert (verified.source.url, verified.source.title) == ("https://example.org/a", "example.org")
    assert (verified.source.venue, verified.source.date) == ("", "")  # nothing invented
    attributed = by_text['A second quote: "yes" & <no>.']
    # "topics" cannot be a topic (it lists them): the quote goes under "suggested".
    assert (attributed.status, attributed.topic) == ("attributed", "suggested")
    assert attributed.context == "On topics"
    assert attributed.source.url == "https://www.example.org/b"
    assert attributed.source.title == "www.example.org"
    assert len(jonze.quotes) == 2  # neither the open one nor the removed one
    (unfetched,) = varda.quotes
    assert (unfetched.status, unfetched.context) == ("attributed", "Suggested by a member")
    assert unfetched.source.url == "https://example.com/v?x=1"


def test_each_quote_says_who_suggested_and_approved_it(tmp_path: Path, env):
    out_dir = tmp_path / "export"
    assert run_cli("export", str(out_dir), env=env)[0] == 0
    text = (out_dir / "jonze.yaml").read_text("utf-8")
    assert "suggested by U1 in slack:T1 on 2027-01-15; approved by U0MOD on 2027-01-15" in text
    assert "suggested by U2 in discord:G1 on 2027-01-15; approved as attributed by U0MOD" in text
    assert text.index("suggested by U1") < text.index("It’s very organic")


def test_one_community_only(tmp_path: Path, env):
    out_dir = tmp_path / "export"
    code, out, _ = run_cli("export", str(out_dir), "--platform", "discord", "--community", "G1",
                           env=env)  # fmt: skip
    assert code == 0
    assert "jonze.yaml: 1 quote(s), 0 verified, 1 attributed" in out
    assert "varda.yaml: 1 quote(s), 0 verified, 1 attributed" in out
    code, _, err = run_cli("export", str(tmp_path / "x"), "--community", "G1", env=env)
    assert (code, err) == (2, "error: --community needs --platform: a community's ID is one "
                              "platform's\n")  # fmt: skip


def test_an_existing_file_is_never_replaced_without_force(tmp_path: Path, env):
    out_dir = tmp_path / "export"
    out_dir.mkdir()
    (out_dir / "varda.yaml").write_text("# mine\n", "utf-8")
    code, out, err = run_cli("export", str(out_dir), env=env)
    assert (code, out) == (1, "")
    assert err.endswith(
        f"error: not replacing {out_dir / 'varda.yaml'} (give --force to); nothing written\n"
    )
    assert (out_dir / "varda.yaml").read_text("utf-8") == "# mine\n"
    assert not (out_dir / "jonze.yaml").exists()
    code, out, _ = run_cli("export", str(out_dir), "--force", env=env)
    assert code == 0 and "varda.yaml: 1 quote(s)" in out
    assert "director: Agnès Varda" in (out_dir / "varda.yaml").read_text("utf-8")


def test_nothing_approved_exits_1(tmp_path: Path):
    env = {"QUOTEBOT_DB": str(tmp_path / "new.db")}
    code, out, err = run_cli("export", str(tmp_path / "export"), env=env)
    assert (code, out, err) == (1, "", "error: no approved suggestion to export\n")
    assert not (tmp_path / "export").exists()
