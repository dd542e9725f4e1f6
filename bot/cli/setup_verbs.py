"""``quotebot slack-manifest`` and ``discord-invite``: what a platform needs to add the bot."""

from __future__ import annotations

import asyncio

import yaml

from bot.cli.context import EXIT_OK, Context
from bot.environment import SettingsError


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


def discord_invite(context: Context) -> int:
    """The invite URL, from --client-id or from Discord with DISCORD_TOKEN."""
    from bot.adapters.discord import DiscordSettings, application_id, invite_url

    client_id: str | None = context.args.client_id
    if client_id is not None:
        if not client_id.strip().isdigit():
            raise context.fail("--client-id is the application ID, digits only")
        context.out.write(invite_url(client_id.strip()) + "\n")
        return EXIT_OK
    if not context.env.get("DISCORD_TOKEN"):
        raise context.fail(
            "give --client-id (Developer Portal > General Information > Application "
            "ID), or set DISCORD_TOKEN to ask Discord for it"
        )
    try:
        settings = DiscordSettings.from_environ(context.env)
        found = asyncio.run(application_id(settings))
    except SettingsError as exc:
        raise context.fail(str(exc)) from None
    context.out.write(invite_url(found) + "\n")
    return EXIT_OK
