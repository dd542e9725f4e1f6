"""quotebot review, as an operator runs it: the moderators' queue listed, a suggestion shown
whole, and decided (approve, approve as attributed, reject, remove) once, through the same
compare-and-set as the chat's buttons; every refusal one line, with its exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.store import NewSuggestion, SuggestionRecord, open_store
from tests.fixtures import run_cli

T0 = 1_800_000_000.0
FOUND = "It’s very organic. Everything comes out of a feeling to start."
UNSEEN = "If we opened people up, we'd find landscapes."


def seed(where: Path) -> dict[str, str]:
    """A store with two open suggestions (one found in its source, one not) in two
    communities, and one approved; their ids by name."""
    store = open_store(str(where))
    try:
        found = store.suggest(
            NewSuggestion(
                "slack",
                "T1",
                "U1",
                "Spike Jonze",
                "jonze",
                FOUND,
                "https://example.org/a",
                None,
                "process",
            ),
            T0,
        )
        store.set_verification(found.id, "found", json.dumps({"passage": "… " + FOUND}), T0)
        unseen = store.suggest(
            NewSuggestion(
                "discord",
                "G1",
                "U2",
                "Agnès Varda",
                "varda",
                UNSEEN + "\x1b[31m\nred",
                "https://example.com/v",
                "On people",
            ),
            T0 + 5,
        )
        store.set_verification(
            unseen.id,
            "not_found",
            json.dumps({"passage": "we found landscapes", "diff": "we [-opened-] {+found+}"}),
            T0,
        )
        done = store.suggest(
            NewSuggestion(
                "slack",
                "T1",
                "U3",
                "Spike Jonze",
                "jonze",
                "An approved one, long ago.",
                "https://example.org/b",
            ),
            T0 - 100,
        )
        store.decide(done.id, "approved", "U0MOD", T0 - 50, as_attributed=True)
        return {"found": found.id, "unseen": unseen.id, "done": done.id}
    finally:
        store.close()


@pytest.fixture
def queue(tmp_path: Path) -> tuple[dict[str, str], dict[str, str]]:
    where = tmp_path / "state.db"
    return seed(where), {"QUOTEBOT_DB": str(where)}


def record(env: dict[str, str], id: str) -> SuggestionRecord:
    store = open_store(env["QUOTEBOT_DB"])
    try:
        found = store.suggestion(id)
        assert found is not None
        return found
    finally:
        store.close()


def test_the_list_is_every_communitys_open_ones_oldest_first(queue):
    ids, env = queue
    code, out, err = run_cli("review", env=env)
    assert (code, err) == (0, "")
    header, first, second = out.splitlines()
    assert header.split() == ["id", "community", "director", "quote", "source", "check"]
    assert first.split("  ")[0] == ids["found"] and "slack:T1" in first and "Spike Jonze" in first
    assert first.rstrip().endswith("found") and "“It’s very organic." in first
    # Cut to 60 characters, its control characters escaped: nothing reaches the terminal raw.
    assert second.startswith(ids["unseen"]) and "discord:G1" in second
    assert "\x1b" not in out and "landscapes.\\x1b[31m\\nred”" in second
    assert second.rstrip().endswith("not found")
    assert ids["done"] not in out


def test_the_list_by_status_platform_and_community(queue):
    ids, env = queue
    code, out, _ = run_cli("review", "--status", "approved", env=env)
    assert code == 0 and ids["done"] in out and ids["found"] not in out
    code, out, _ = run_cli("review", "--platform", "discord", env=env)
    assert code == 0 and ids["unseen"] in out and ids["found"] not in out
    code, out, _ = run_cli("review", "list", "--platform", "slack", "--community", "T1", env=env)
    assert code == 0 and ids["found"] in out and ids["unseen"] not in out
    code, out, _ = run_cli("review", "--platform", "slack", "--community", "T9", env=env)
    assert (code, out) == (0, "no open suggestions\n")
    code, out, err = run_cli("review", "--limit", "1", env=env)
    assert code == 0 and ids["found"] in out and ids["unseen"] not in out
    assert err == "note: more than 1 open: give a larger --limit\n"


def test_an_empty_store_lists_nothing(tmp_path: Path):
    code, out, err = run_cli("review", env={"QUOTEBOT_DB": str(tmp_path / "new.db")})
    assert (code, out, err) == (0, "no open suggestions\n", "")


def test_show_prints_every_field_and_what_the_source_check_found(queue):
    ids, env = queue
    code, out, err = run_cli("review", "show", ids["unseen"], env=env)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    names = [line.partition(":")[0] for line in lines]
    assert names[:22] == [
        "id", "platform", "community", "suggester", "suggested_at", "director", "command",
        "text", "source_url", "context", "topic", "status", "outcome", "verification",
        "decided_by", "decided_at", "reason", "as_attributed", "review_channel",
        "review_message", "edited_by", "updated_at",
    ]  # fmt: skip
    assert "suggested_at: 2027-01-15 08:00:05 UTC" in lines
    assert f"text: {UNSEEN}\\x1b[31m\\nred" in lines
    assert "source check: Not found in its source: approve it only as attributed." in lines
    assert lines[-2:] == ["passage: we found landscapes", "diff: we [-opened-] {+found+}"]


def test_approve_a_found_one_once(queue):
    ids, env = queue
    code, out, err = run_cli("review", "approve", ids["found"], env=env)
    assert (code, err) == (0, "")
    assert out.startswith(f"{ids['found']}: Approved by operator: now answered")
    assert "the review post in chat is not edited" in out
    now = record(env, ids["found"])
    assert (now.status, now.decided_by, now.as_attributed) == ("approved", "operator", False)
    code, out, err = run_cli("review", "approve", ids["found"], env=env)
    assert (code, out) == (1, "")
    assert err.startswith(f"error: {ids['found']} was already decided: approved by operator at ")


def test_one_not_found_in_its_source_needs_as_attributed(queue):
    ids, env = queue
    code, out, err = run_cli("review", "approve", ids["unseen"], env=env)
    assert (code, out) == (1, "")
    assert "Not found in its source" in err and "--as-attributed" in err
    assert record(env, ids["unseen"]).status == "open"
    code, out, err = run_cli("review", "approve", ids["unseen"], "--as-attributed", env=env)
    assert (code, err) == (0, "")
    assert "Approved as attributed by operator" in out
    now = record(env, ids["unseen"])
    assert (now.status, now.as_attributed) == ("approved", True)


def test_reject_with_its_reason(queue):
    ids, env = queue
    code, _, err = run_cli("review", "reject", ids["found"], "--reason", "  ", env=env)
    assert (code, err) == (
        2,
        "error: review reject needs --reason TEXT: the suggester is told it\n",
    )
    code, out, err = run_cli("review", "reject", ids["found"], "--reason", "a paraphrase", env=env)
    assert (code, err) == (0, "")
    assert "Rejected by operator: a paraphrase" in out
    now = record(env, ids["found"])
    assert (now.status, now.reason, now.decided_by) == ("rejected", "a paraphrase", "operator")
    code, _, err = run_cli("review", "approve", ids["found"], env=env)
    assert code == 1 and "already decided: rejected by operator at " in err
    assert err.rstrip().endswith(": a paraphrase")


@pytest.mark.parametrize("spelling", [["--remove"], ["remove"]])
def test_remove_an_approved_one_in_either_spelling(queue, spelling):
    ids, env = queue
    code, out, err = run_cli("review", *spelling, ids["done"], env=env)
    assert (code, err) == (0, "")
    assert "Removed by operator" in out
    now = record(env, ids["done"])
    assert (now.status, now.decided_by, now.as_attributed) == ("removed", "operator", True)
    code, out, err = run_cli("review", *spelling, ids["done"], env=env)
    assert (code, out) == (1, "")
    assert "is not approved (removed by operator at " in err


def test_an_open_one_is_not_removed(queue):
    ids, env = queue
    code, _, err = run_cli("review", "--remove", ids["found"], env=env)
    assert code == 1
    assert err == (
        f"error: {ids['found']} is not approved (an open one is rejected, not removed): "
        "nothing removed\n"
    )
    assert record(env, ids["found"]).status == "open"


def test_no_such_suggestion_exits_1(queue):
    _, env = queue
    for argv in (["show", "abcdefghij"], ["approve", "abcdefghij"], ["--remove", "abcdefghij"]):
        assert run_cli("review", *argv, env=env) == (1, "", "error: no suggestion abcdefghij\n")


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["show"], "review show needs the suggestion's ID"),
        (["approve", "NOT-AN-ID"], "“NOT-AN-ID” is not a suggestion's id"),
        (["reject", "abcdefghij"], "review reject needs --reason TEXT"),
        (["approve", "abcdefghij", "--reason", "x"], "--reason is not for review approve"),
        (["reject", "abcdefghij", "--as-attributed"], "--as-attributed is not for review reject"),
        (["show", "abcdefghij", "--status", "open"], "--status is not for review show"),
        (["--status", "open", "--reason", "x"], "--reason is not for review list"),
        (["--community", "G1"], "--community needs --platform"),
        (["approve", "abcdefghij", "--remove", "abcdefghij"], "--remove ID is remove ID"),
        (["--limit", "0"], "--limit must be at least 1"),
    ],
)
def test_usage_errors_exit_2_and_change_nothing(queue, argv, said):
    ids, env = queue
    code, out, err = run_cli("review", *argv, env=env)
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {said}") and err.count("\n") == 1
    assert record(env, ids["found"]).status == "open"


def test_an_unknown_action_is_argparses_usage_error(queue):
    _, env = queue
    with pytest.raises(SystemExit) as ended:
        run_cli("review", "delete", "abcdefghij", env=env)
    assert ended.value.code == 2
