"""Who reviews suggestions on Slack: workspace admins and owners (users.info, asked each
time), and the user IDs in quotebot.toml's ``[review] reviewers`` or ``[daily] admins``;
the file's ``[review]`` table checked like the rest of it."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.members import Locales
from bot.adapters.slack.reviewing import Reviewing
from bot.answers import Answerer
from bot.book.loader import load_book
from bot.community import CommunityBooks
from bot.daily.desk import QotdDesk
from bot.daily.settings_file import ConfigError, DailyConfig, load_config
from bot.store.sqlite import SQLiteStore
from tests.fakes.slack import ADMIN, BOT_TOKEN, MEMBER, FakeSlack
from tests.fixtures import QUOTES

REVIEWER = "U0REVIEWR1"


def reviewing(tmp_path: Path, config: DailyConfig) -> Reviewing:
    book = load_book([QUOTES]).book
    answerer = Answerer(book, random.Random(1))
    desk = QotdDesk(lambda: SQLiteStore(tmp_path / "state.db"), config, lambda: book)
    books = CommunityBooks(answerer, lambda p, c: "none", lambda p, c: [])
    return Reviewing(desk, books, Locales())


async def test_reviewers_listed_in_the_file_may_review_and_members_may_not(
    tmp_path: Path, fake: FakeSlack
) -> None:
    client = AsyncWebClient(token=BOT_TOKEN, base_url=fake.api_url)
    made = reviewing(tmp_path, DailyConfig(reviewers=frozenset({REVIEWER})))
    assert await made.is_reviewer(client, REVIEWER)  # not in the workspace's admins
    assert await made.is_reviewer(client, ADMIN)  # an admin, by users.info
    assert not await made.is_reviewer(client, MEMBER)
    assert not await made.is_reviewer(client, "<!channel>")  # not a user ID at all


def test_the_review_table_is_read_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "quotebot.toml"
    path.write_text(f'[review]\nreviewers = ["{REVIEWER}"]\n', "utf-8")
    assert load_config(path, {}).reviewers == {REVIEWER}
    for bad in ('[review]\nreviewers = "U0REVIEWR1"\n', '[review]\nreviewers = ["bob"]\n',
                '[review]\nmoderators = []\n', 'review = 3\n'):  # fmt: skip
        path.write_text(bad, "utf-8")
        with pytest.raises(ConfigError, match=r"\[review\]"):
            load_config(path, {})
