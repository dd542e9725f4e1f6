"""A state store quotebot may not write is said when it is opened (not at the first write),
in one line naming QUOTEBOT_DB (its password masked) and the fix; `quotebot run` and
`quotebot daily` stop at start with that line; nothing in the store is lost.

SQLite: a read-only file, a read-only folder, a read-only file system, a folder that does
not exist, a folder given for the file. The tests run as root here, for whom a chmod'ed
file is still writable: as root a file or folder is made immutable (chattr +i, which
stops root too), a file system read-only with a read-only bind mount; where neither is
allowed the test is skipped, saying so. PostgreSQL: roles created for the test, with
SELECT alone, with nothing at all, and a database read-only by default."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from bot.store import StoreUnwritable, open_store
from bot.store.records import SubscriptionRecord
from tests.fixtures import run_cli

ELSEWHERE = "or point QUOTEBOT_DB at a store quotebot may write"
RECORD = SubscriptionRecord(
    platform="slack", workspace="T0FILMCLB", channel="C0FILMCLB", at_time="09:00",
    zone="Europe/Paris", days="daily", director=None, owner="chat", set_by="U0ADMIN",
    paused=None, next_due=1.0, updated_at=1.0, schedule="0 9 * * *",
)  # fmt: skip


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """``path`` (a file or a folder) not writable for this user, root included, while the
    block lasts."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(mode & ~0o222)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    made = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"root, and chattr +i refused ({made.stderr.strip()}): {path} stays writable")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


@contextmanager
def read_only_mount(folder: Path) -> Iterator[None]:
    """``folder`` on a read-only file system (a read-only bind mount of itself)."""
    made = subprocess.run(
        ["mount", "--bind", "-o", "ro", str(folder), str(folder)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if made.returncode != 0:
        pytest.skip(f"cannot mount here ({made.stderr.strip()}): no read-only file system")
    try:
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def a_store(folder: Path) -> Path:
    """A quotebot store with one subscription in it, closed."""
    path = folder / "state.db"
    store = open_store(str(path))
    store.subscribe(RECORD)
    store.close()
    return path


def refusal(where: Path | str) -> str:
    with pytest.raises(StoreUnwritable) as refused:
        open_store(str(where)).close()
    return str(refused.value)


def still_there(path: Path) -> None:
    store = open_store(str(path))
    try:
        assert store.subscription("slack", "T0FILMCLB", "C0FILMCLB") == RECORD
    finally:
        store.close()


def test_a_read_only_file_is_said_at_open_with_the_fix(tmp_path):
    path = a_store(tmp_path)
    with read_only(path):
        assert refusal(path) == (
            f"QUOTEBOT_DB={path}: read-only (this user may not write the file); "
            f"chmod u+w {path} as its owner, {ELSEWHERE}"
        )
    still_there(path)


def test_a_read_only_folder_is_said_at_open_with_the_fix(tmp_path):
    folder = tmp_path / "state"
    folder.mkdir()
    path = a_store(folder)
    with read_only(folder):
        assert refusal(path) == (
            f"QUOTEBOT_DB={path}: read-only (this user may not write its folder {folder}, "
            f"where SQLite keeps its journal); chmod u+w {folder} as its owner, {ELSEWHERE}"
        )
    still_there(path)


def test_a_read_only_file_system_is_said_at_open(tmp_path):
    folder = tmp_path / "state"
    folder.mkdir()
    path = a_store(folder)
    with read_only_mount(folder):
        assert refusal(path) == (
            f"QUOTEBOT_DB={path}: read-only (on a file system mounted read-only); "
            f"mount it read-write, {ELSEWHERE}"
        )
    still_there(path)


def test_a_file_in_a_folder_that_does_not_exist_is_said_with_the_fix(tmp_path):
    folder = tmp_path / "no" / "such"
    assert refusal(folder / "state.db") == (
        f"QUOTEBOT_DB={folder / 'state.db'}: no folder {folder}; "
        f"create it (mkdir -p {folder}), {ELSEWHERE}"
    )
    assert not (tmp_path / "no").exists()


def test_a_folder_given_for_the_file_is_said_with_the_fix(tmp_path):
    assert refusal(tmp_path) == (
        f"QUOTEBOT_DB={tmp_path}: a folder, not a file; "
        f"name a file in it: QUOTEBOT_DB={tmp_path / 'quotebot.db'}"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "verb", [("daily",), ("daily", "--post"), ("run", "slack"), ("run", "discord")]
)
def test_run_and_daily_stop_at_start_on_a_read_only_store_in_one_line(tmp_path, verb):
    path = a_store(tmp_path)
    env = {"QUOTEBOT_DB": str(path), "QUOTEBOT_CONFIG": str(tmp_path / "none.toml"),
           "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1",
           "DISCORD_TOKEN": "a.b.c"}  # fmt: skip
    with read_only(path):
        code, out, err = run_cli(*verb, env=env)
    assert (code, out) == (2, "")
    assert err == (
        f"error: QUOTEBOT_DB={path}: read-only (this user may not write the file); "
        f"chmod u+w {path} as its owner, {ELSEWHERE}\n"
    )
    still_there(path)


# ---- PostgreSQL ------------------------------------------------------------------------


@contextmanager
def role(postgres_url: str, *grants: str) -> Iterator[tuple[str, str]]:
    """A login role with a password and only ``grants`` (each "… TO {role}"): its name,
    and the URL that logs in as it."""
    name, secret = f"qb_ro_{uuid.uuid4().hex[:10]}", f"s3cret-{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {name} LOGIN PASSWORD '{secret}'")
        for grant in grants:
            admin.execute(grant.format(role=name))
    try:
        yield name, postgres_url.replace("postgres@", f"{name}:{secret}@", 1)
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute(f"DROP OWNED BY {name}")
            admin.execute(f"DROP ROLE {name}")


def masked(url: str) -> str:
    user, _, rest = url.partition("://")[2].partition("@")
    return f"postgresql://{user.partition(':')[0]}:***@{rest}"


def test_a_role_that_may_only_read_is_said_at_open_with_the_grant(postgres_url):
    open_store(postgres_url).close()  # the tables, made by their owner
    with role(postgres_url, "GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}") as (
        name, url,
    ):  # fmt: skip
        said = refusal(url)
        assert said == (
            f"QUOTEBOT_DB={masked(url)}: read-only for role {name} (not granted "
            "daily_posts: INSERT, UPDATE; oauth_states: INSERT, DELETE; quote_picks: INSERT, "
            "UPDATE; review_settings: INSERT, UPDATE; seen_requests: INSERT, UPDATE, DELETE; "
            "slack_installations: INSERT, UPDATE, DELETE; subscriptions: INSERT, UPDATE, "
            "DELETE; suggestion_counters: INSERT, UPDATE; suggestions: INSERT, UPDATE); "
            "GRANT SELECT, INSERT, UPDATE, "
            f"DELETE ON ALL TABLES IN SCHEMA public TO {name}"
        )
        env = {"QUOTEBOT_DB": url, "QUOTEBOT_CONFIG": "/nonexistent/none.toml"}
        code, out, err = run_cli("daily", env=env)
        assert (code, out) == (2, "")
        assert err.startswith(f"error: QUOTEBOT_DB={masked(url)}: read-only for role {name} (")
        assert err.endswith(f"TO {name}\n") and err.count("\n") == 1
        secret = url.partition(":")[2].partition(":")[2].partition("@")[0]
        assert secret not in said and secret not in err


def test_a_role_that_may_not_create_the_tables_is_said_at_open_with_the_grant(postgres_url):
    with role(postgres_url) as (name, url):
        assert refusal(url) == (
            f"QUOTEBOT_DB={masked(url)}: role {name} may not create or change quotebot's "
            f"tables (permission denied for schema public); GRANT CREATE ON SCHEMA public TO "
            f"{name}, or start quotebot once as the database's owner (it migrates the tables)"
        )


def test_a_database_read_only_by_default_is_said_at_open(postgres_url):
    open_store(postgres_url).close()
    database = postgres_url.rsplit("/", 1)[1]
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(f"ALTER DATABASE {database} SET default_transaction_read_only = on")
    assert refusal(postgres_url) == (
        f"QUOTEBOT_DB={postgres_url}: read-only (default_transaction_read_only is on for role "
        "postgres here); ALTER ROLE postgres SET default_transaction_read_only = off, or "
        f"ALTER DATABASE {database} SET default_transaction_read_only = off (where it was set)"
    )
