"""quotebot backup and quotebot restore, as an operator runs them: the store of
QUOTEBOT_DB to a file and back (SQLite or PostgreSQL), tokens only when asked for, and
every refusal one line, with nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.store import NewSuggestion, open_store
from tests.fixtures import run_cli

T0 = 1_800_000_000.0
TOKEN = "xoxb-111-222-secret"


def a_store(where: str) -> str:
    """A store at ``where`` with an installation and an approved suggestion; its id."""
    store = open_store(where)
    try:
        store.save_installation("", "T1", json.dumps({"team_id": "T1", "user_id": "U1",
                                                      "bot_token": TOKEN}), T0)  # fmt: skip
        kept = store.suggest(NewSuggestion("slack", "T1", "U1", "Spike Jonze", "jonze",
                                           "A quote.", "https://example.org/a"), T0)  # fmt: skip
        store.decide(kept.id, "approved", "U0MOD", T0 + 1)
        return kept.id
    finally:
        store.close()


def test_backup_then_restore_into_a_new_store(tmp_path: Path):
    id = a_store(str(tmp_path / "state.db"))
    file = tmp_path / "backup.json"
    code, out, err = run_cli("backup", str(file), env={"QUOTEBOT_DB": str(tmp_path / "state.db")})
    assert (code, err) == (0, "")
    assert out == (
        f"backed up {tmp_path / 'state.db'} to {file} (without Slack tokens): 0 subscription(s), "
        "0 pick(s), 0 post(s), 1 Slack installation(s), 1 suggestion(s), 0 review setting(s)\n"
    )
    assert TOKEN not in file.read_text("utf-8")
    assert file.stat().st_mode & 0o777 == 0o600
    code, out, err = run_cli("restore", str(file), env={"QUOTEBOT_DB": str(tmp_path / "new.db")})
    assert (code, err) == (0, "")
    assert out.startswith(f"restored {file} (written ") and "1 suggestion(s)" in out
    assert "each workspace must add the app again" in out
    restored = open_store(str(tmp_path / "new.db"))
    try:
        assert [s.id for s in restored.approved("slack", "T1")] == [id]
        assert TOKEN not in (restored.installation("", "T1") or "")
    finally:
        restored.close()


def test_tokens_are_kept_with_with_tokens(tmp_path: Path):
    a_store(str(tmp_path / "state.db"))
    file = tmp_path / "backup.json"
    env = {"QUOTEBOT_DB": str(tmp_path / "state.db")}
    code, out, _ = run_cli("backup", "--with-tokens", str(file), env=env)
    assert code == 0 and "(with Slack tokens)" in out and "holds Slack tokens" in out
    assert TOKEN in file.read_text("utf-8")
    code, out, _ = run_cli("restore", str(file), env={"QUOTEBOT_DB": str(tmp_path / "new.db")})
    assert code == 0 and "add the app again" not in out
    restored = open_store(str(tmp_path / "new.db"))
    try:
        assert TOKEN in (restored.installation("", "T1") or "")
    finally:
        restored.close()


def test_a_store_that_holds_rows_is_refused_and_replaced_with_force(tmp_path: Path):
    a_store(str(tmp_path / "state.db"))
    env = {"QUOTEBOT_DB": str(tmp_path / "state.db")}
    file = tmp_path / "backup.json"
    assert run_cli("backup", str(file), env=env)[0] == 0
    code, out, err = run_cli("restore", str(file), env=env)
    assert (code, out) == (1, "")
    assert err == (
        "error: nothing restored: the store already holds rows (slack_installations 1, "
        "suggestions 1): restore into a new store, or give --force to replace what it holds\n"
    )
    code, out, err = run_cli("restore", "--force", str(file), env=env)
    assert (code, err) == (0, "") and out.startswith("restored ")


def test_a_malformed_file_is_one_line_and_the_store_is_not_touched(tmp_path: Path):
    file = tmp_path / "backup.json"
    file.write_text('{"format": "quotebot-state-backup", "version": 1}', "utf-8")
    code, out, err = run_cli("restore", str(file), env={"QUOTEBOT_DB": str(tmp_path / "new.db")})
    assert (code, out) == (1, "")
    assert err == f"error: {file}: the file: no schema_version, written_at, tokens, tables\n"
    assert not (tmp_path / "new.db").exists()  # checked before the store was opened


def test_a_backup_that_cannot_be_written_is_one_line(tmp_path: Path):
    a_store(str(tmp_path / "state.db"))
    target = tmp_path / "no" / "such" / "folder" / "backup.json"
    code, out, err = run_cli("backup", str(target), env={"QUOTEBOT_DB": str(tmp_path / "state.db")})
    assert (code, out) == (1, "")
    assert err == f"error: cannot write {target}: No such file or directory\n"


def test_an_unreachable_store_is_one_line_without_its_password(tmp_path: Path):
    url = "postgresql://quotebot:s3cret@127.0.0.1:9/quotebot"
    code, out, err = run_cli("backup", str(tmp_path / "b.json"), env={"QUOTEBOT_DB": url})
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and "s3cret" not in err
    assert err.startswith(
        "error: cannot open the state store QUOTEBOT_DB (postgresql://quotebot:***@"
    )
    assert not (tmp_path / "b.json").exists()


def test_help_names_both_verbs(capsys):
    with pytest.raises(SystemExit) as ended:
        run_cli("--help")
    assert ended.value.code == 0
    listed = capsys.readouterr().out
    assert "save the whole state store to a JSON file" in listed
    assert "write a backup into an empty state store" in listed
    with pytest.raises(SystemExit):
        run_cli("restore", "--help")
    assert "unless --force" in capsys.readouterr().out


@pytest.mark.system
def test_sqlite_to_postgres_and_back_through_the_command_line(tmp_path: Path, postgres_url):
    id = a_store(str(tmp_path / "state.db"))
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert run_cli("backup", "--with-tokens", str(first),
                   env={"QUOTEBOT_DB": str(tmp_path / "state.db")})[0] == 0  # fmt: skip
    code, out, err = run_cli("restore", str(first), env={"QUOTEBOT_DB": postgres_url})
    assert (code, err) == (0, "") and f"into {postgres_url}:" in out
    code, _, _ = run_cli("backup", "--with-tokens", str(second), env={"QUOTEBOT_DB": postgres_url})
    assert code == 0
    tables = [json.loads(f.read_text("utf-8"))["tables"] for f in (first, second)]
    assert tables[0] == tables[1]
    assert tables[0]["suggestions"][0]["id"] == id
