"""Installing quotebot in a workspace, through the real slack-bolt OAuth flow against the
fake Slack: the install, installed and failure pages are quotebot's own (its name, what
it does, what to type first, what to do when it failed), escaped and under a strict
Content-Security-Policy; each install and each failure is one log line with its reason
and no secret; reloading the installed page says it is done."""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import sqlite3
from urllib.parse import quote

import pytest

from bot.adapters.slack.manifest import DESCRIPTION
from bot.book.loader import load_book
from bot.store.sqlite import SQLiteStore
from tests.adapters.slack.installing import GridSlack, Page, serving
from tests.fakes.slack import CLIENT_SECRET
from tests.fixtures import GOOD_FILE, QUOTES, write

BOOK = load_book([QUOTES]).book


def assert_quotebots_own(page: Page) -> None:
    """Plain HTML under a strict policy: nothing but the one style block it names by
    hash, no script at all, no Referer sent on (the address holds the code)."""
    headers = page.headers
    assert headers["Content-Type"].startswith("text/html")
    policy = headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "script-src" not in policy
    styles = re.findall(r"<style>(.*?)</style>", page.html, re.S)
    for style in styles:
        digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert "<script" not in page.html.lower()
    assert not re.search(r"<[^>]*\son[a-z]+\s*=", page.html)  # no inline handlers either
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "quotebot" in page.html


def no_secret(text: str, slack: GridSlack) -> None:
    assert CLIENT_SECRET not in text
    assert not any(token in text for token in slack.tokens)
    assert "code-" not in text  # the fake's OAuth codes


INSTALL_LINE = re.compile(
    r"Slack: (quotebot installed|an install failed|the install|the installed)"
)


def install_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The log lines of installs, their failures, and the pages."""
    return [r.getMessage() for r in caplog.records if INSTALL_LINE.match(r.getMessage())]


async def test_the_install_page_says_what_quotebot_is_and_what_to_type(tmp_path):
    async with serving(tmp_path, BOOK) as many, many.browser() as browser:
        page, state = await browser.install_page()
    assert page.status == 200
    assert_quotebots_own(page)
    assert "Add quotebot to Slack" in page.html
    assert DESCRIPTION.replace("'", "&#x27;") in page.html
    assert "<code>/jonze editing</code>" in page.html
    assert state and state not in page.html.split("href=")[0]


async def test_what_to_type_first_is_the_books_first_director_and_topic(tmp_path):
    folder = tmp_path / "quotes"
    folder.mkdir()
    write(folder, "varda.yaml", GOOD_FILE)
    async with serving(tmp_path, load_book([folder]).book) as many, many.browser() as browser:
        page, _ = await browser.install_page()
        done = await browser.install("T0ALPHA01")
    assert "<code>/varda beaches</code>" in page.html and "jonze" not in page.html
    assert "<code>/varda beaches</code>" in done.html


async def test_an_install_is_logged_and_its_page_says_it_is_installed(tmp_path, caplog):
    caplog.set_level(logging.INFO, "quotebot")
    async with serving(tmp_path, BOOK) as many, many.browser() as browser:
        page = await browser.install("T0ALPHA01")
        assert many.installation("", "T0ALPHA01") is not None
    assert page.status == 200
    assert_quotebots_own(page)
    assert "quotebot is installed in Team T0ALPHA01" in page.html
    assert "<code>/jonze editing</code>" in page.html
    assert install_lines(caplog) == [
        "Slack: quotebot installed in workspace T0ALPHA01 (Team T0ALPHA01) by U0ADMIN01"
    ]
    no_secret(caplog.text + page.html, many.slack)


async def test_reloading_the_installed_page_says_it_is_already_installed(tmp_path, caplog):
    caplog.set_level(logging.INFO, "quotebot")
    async with serving(tmp_path, BOOK) as many, many.browser() as browser:
        done = await browser.install("T0ALPHA01")
        again = await browser.open(done.url)  # the same code and state, as a reload sends
        exchanges = len(many.slack.calls_to("oauth.v2.access"))
    assert done.status == 200
    assert again.status == 200, again.html
    assert_quotebots_own(again)
    assert "quotebot is already installed in this workspace" in again.html
    assert "invalid_browser" not in again.html
    assert exchanges == 1  # the used code was not sent to Slack again
    assert "Slack: the installed page was opened again (a reload): said so again" in caplog.text


async def test_the_same_link_in_another_browser_is_not_told_it_is_installed(tmp_path):
    async with serving(tmp_path, BOOK) as many:
        async with many.browser() as first:
            done = await first.install("T0ALPHA01")
        async with many.browser() as second:
            # A mark from another install does not vouch for this state either.
            await second.install("T0BRAVO01")
            other = await second.open(done.url)
    assert other.status == 400
    assert_quotebots_own(other)
    assert "already used or has expired" in other.html
    assert 'href="/slack/install"' in other.html  # what to do: start again
    assert "already installed" not in other.html


HOSTILE_ERROR = "<script>alert(1)</script>\nSlack: quotebot installed in workspace T0EVIL"


@pytest.mark.parametrize(
    ("query", "status", "says", "logged"),
    [
        ("error=access_denied", 200, "The install was cancelled",
         "the installer cancelled it on Slack's page"),
        (f"error={quote(HOSTILE_ERROR)}", 200, "Slack stopped the install (an error it did "
         "not name)", "Slack said an error it did not name"),
        # A word of quotebot's own, sent as Slack's: Slack's word all the same.
        ("error=storage_error", 200, "Slack stopped the install (storage_error)",
         "Slack said storage_error"),
        ("code=code-T0ALPHA01-999", 401, "code had expired or was already used",
         "Slack refused the code (invalid_code)"),
    ],
)  # fmt: skip
async def test_a_failed_install_says_why_and_what_to_do(tmp_path, caplog, query, status, says,
                                                        logged):  # fmt: skip
    async with serving(tmp_path, BOOK) as many, many.browser() as browser:
        _, state = await browser.install_page()
        page = await browser.open(f"{many.base}/slack/oauth_redirect?{query}&state={state}")
    assert page.status == status
    assert_quotebots_own(page)
    assert says in page.html and "quotebot was not installed" in page.html
    assert 'href="/slack/install"' in page.html
    assert "<script>alert" not in page.html
    (line,) = [m for m in install_lines(caplog) if "failed" in m]
    assert line == f"Slack: an install failed: {logged}"
    no_secret(caplog.text + page.html, many.slack)


async def test_wrong_client_credentials_are_named_for_the_operator_not_shown(tmp_path, caplog):
    async with (
        serving(tmp_path, BOOK, client_secret="not-the-apps-secret") as many,
        many.browser() as browser,
    ):
        page = await browser.install("T0ALPHA01")
    assert page.status == 500
    assert_quotebots_own(page)
    assert "tell whoever runs quotebot" in page.html
    assert ("Slack: an install failed: Slack refused SLACK_CLIENT_ID or SLACK_CLIENT_SECRET "
            "(invalid_client_id)") in caplog.text  # fmt: skip
    assert "not-the-apps-secret" not in caplog.text + page.html
    no_secret(caplog.text + page.html, many.slack)


class SaveFails(SQLiteStore):
    def save_installation(self, enterprise_id: str, team_id: str, text: str, now: float) -> None:
        raise sqlite3.OperationalError("database is locked")


class StatesFail(SQLiteStore):
    def issue_state(self, state: str, expires_at: float) -> None:
        raise sqlite3.OperationalError("disk I/O error")


async def test_a_state_store_that_fails_is_a_page_and_a_line_not_a_500(tmp_path, caplog):
    async with serving(tmp_path, BOOK, store=SaveFails) as many, many.browser() as browser:
        saved = await browser.install("T0ALPHA01")
    async with serving(tmp_path / "b", BOOK, store=StatesFail) as many, many.browser() as b:
        began = await b.open(f"{many.base}/slack/install")
    for page, says in ((saved, "could not save the installation"), (began, "cannot begin")):
        assert page.status in (500, 503)
        assert_quotebots_own(page)
        assert says in page.html and "Traceback" not in page.html
    # Named by its class (the store's own, or sqlite3's), never by its message.
    assert [re.sub(r"\(\w+\)$", "(…)", line) for line in install_lines(caplog)] == [
        "Slack: an install failed: the state store failed (…)",
        "Slack: the install page failed: the state store failed (…)",
    ]
    assert "locked" not in caplog.text and "disk I/O" not in caplog.text


async def test_what_slack_names_is_escaped_on_the_page_and_one_line_in_the_log(tmp_path, caplog):
    caplog.set_level(logging.INFO, "quotebot")
    slack = GridSlack(team_names={"T0ALPHA01": 'Film <Club> & "Co"\nSlack: forged line'})
    async with serving(tmp_path, BOOK, slack=slack) as many, many.browser() as browser:
        page = await browser.install("T0ALPHA01")
    assert page.status == 200
    assert "Film &lt;Club&gt; &amp; &quot;Co&quot;" in page.html and "<Club>" not in page.html
    (line,) = [m for m in install_lines(caplog) if "installed" in m]
    assert "\n" not in line and line.startswith("Slack: quotebot installed in workspace T0ALPHA01")
