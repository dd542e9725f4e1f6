"""``quotebot slack-manifest`` and ``discord-invite``: what a platform needs to add the bot."""

from __future__ import annotations

import asyncio

import yaml

from bot.cli.context import EXIT_MISS, EXIT_OK, Context, outside_failure
from bot.environment import setting
from bot.errors import SettingsError, one_line


def slack_manifest(context: Context) -> int:
    """The Slack app manifest, as YAML, for this quote book."""
    from bot.adapters.slack.manifest import manifest

    book = context.answerer().book
    try:
        data = manifest(book, name=context.args.name, url=context.args.url)
    except SettingsError as exc:
        raise context.fail(str(exc)) from None
    context.out.write(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return EXIT_OK


ENDPOINT_NOTE = (
    "Without a gateway (several instances behind a load balancer): in the Developer Portal, "
    "General Information, set Interactions Endpoint URL to https://YOUR-HOST/discord/"
    "interactions (served by quotebot run --http PORT), and DISCORD_PUBLIC_KEY to the "
    "Public Key shown there. Discord checks the URL when it is saved: quotebot must be "
    "running with the key by then.\n"
)


def discord_invite(context: Context) -> int:
    """The server invite URL, then the user install URL, from --client-id or from Discord
    with DISCORD_TOKEN; how to set the interactions endpoint, on standard error."""
    code = _invite(context)
    context.err.write(ENDPOINT_NOTE)
    return code


def _invite(context: Context) -> int:
    from bot.adapters.discord import DiscordSettings, application_id

    client_id: str | None = context.args.client_id
    if client_id is not None:
        if not client_id.strip().isdigit():
            raise context.fail("--client-id is the application ID, digits only")
        _links(context, client_id.strip())
        return EXIT_OK
    if not setting(context.env, "DISCORD_TOKEN"):
        raise context.fail(
            "give --client-id (Developer Portal > General Information > Application "
            "ID), or set DISCORD_TOKEN to ask Discord for it"
        )
    try:
        settings = DiscordSettings.from_environ(context.env)
        found = asyncio.run(application_id(settings))
    except SettingsError as exc:
        raise context.fail(str(exc)) from None
    except Exception as exc:
        if not outside_failure(exc):
            raise
        raise context.fail(
            f"could not ask Discord at {settings.api_base} for the application ID "
            f"({one_line(exc)}); check the network and DISCORD_API_BASE, or give --client-id",
            EXIT_MISS,
        ) from None
    _links(context, found)
    return EXIT_OK


def _links(context: Context, client_id: str | int) -> None:
    # The server invite first, as it always was: scripts read the first line.
    from bot.adapters.discord import invite_url, user_install_url

    context.out.write(invite_url(client_id) + "\n")
    context.out.write(user_install_url(client_id) + "\n")
