"""The commands in the member's language: a discord.py ``Translator`` that gives every
command, option and choice its ``description_localizations`` (and choices their
``name_localizations``) from quotebot's catalogues, for every Discord locale they cover.

Names of commands and options stay as they are: a member types ``/jonze topic:`` in any
language, and the answers' own wording follows the interaction's ``locale``.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import TranslationContextLocation as Where
from discord.app_commands.translator import TranslationContextTypes

from bot import limits
from bot.answers import ENGLISH, CommandInfo, cut, language_of, translate

# What is translated: the descriptions, and the names of choices (every day, weekdays).
TRANSLATED = frozenset(
    {
        Where.command_description,
        Where.group_description,
        Where.parameter_description,
        Where.choice_name,
    }
)


def described(info: CommandInfo) -> app_commands.locale_str:
    """A command's description as discord.py registers it: its English, carrying the
    message and the values the translator says it with in other languages."""
    return app_commands.locale_str(
        info.description, template=info.template or info.description, **dict(info.values)
    )


class CatalogueTranslator(app_commands.Translator):
    """Each Discord locale with a catalogue (``fr``, ``es-ES`` and ``es-419``, ``de``,
    ``pt-BR``, ``ja``) gets the catalogue's words; English, or a message a catalogue
    lacks, gets none (Discord then shows the English)."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: TranslationContextTypes,
    ) -> str | None:
        lang = language_of(str(locale.value))
        if lang == ENGLISH or context.location not in TRANSLATED:
            return None
        extras = dict(string.extras)
        template = str(extras.pop("template", string.message))
        said = translate(template, lang)
        if said == template:
            return None
        return cut(said.format(**extras), limits.COMMAND_DESCRIPTION_MAX)
