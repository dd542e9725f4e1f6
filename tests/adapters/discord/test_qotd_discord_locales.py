"""/qotd on Discord in the member's language: the real discord.py over the gateway against
the fake Discord, the interaction's ``locale`` as Discord sends it. Time zones, times, the
usage and the suggestions are data, the same in every language; the public line stays
English (the whole channel reads it)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.answers.language import say
from bot.daily.desk_wording import NO_DESK
from bot.store.sqlite import SQLiteStore
from tests.adapters.discord.interacting import Bot
from tests.fakes.discord import EPHEMERAL, MANAGER_PERMISSIONS, in_locale

MEMBER = "2248473465835073"  # no Manage Channels
ENGLISH_SET = (
    "Quote of the day set: weekdays at 09:00 Europe/Paris, from /jonze only. "
    "Next post: Thursday 26 November 2026 at 09:00. Switch it off with /qotd off."
)
PUBLIC = "Quote of the day: weekdays at 09:00 Europe/Paris, from /jonze only, set by cinephile."


async def qotd(bot: Bot, locale: str, sub: str, permissions: str = MANAGER_PERMISSIONS,
               **options: Any) -> str:  # fmt: skip
    """``/qotd sub option:value…`` from a member whose Discord is set to ``locale``."""
    made = in_locale(bot.fake.subcommand("qotd", sub, permissions=permissions, **options), locale)
    callback = await bot.fake.interact(made)
    data: dict[str, Any] = callback["data"]
    assert data.get("flags", 0) & EPHEMERAL, data
    assert data["allowed_mentions"] == {"parse": []}
    return str(data["content"])


SET = {"time": "09:00", "timezone": "Europe/Paris", "days": "weekdays", "director": "jonze"}


@pytest.mark.parametrize(
    ("locale", "said"),
    [
        ("fr", "Citation du jour configurée : en semaine à 09:00 Europe/Paris, uniquement de "
               "/jonze. Prochaine publication : jeudi 26 novembre 2026 à 09:00. Pour l’arrêter : "
               "/qotd off."),
        ("de", "Zitat des Tages eingerichtet: werktags um 09:00 Europe/Paris, nur von /jonze. "
               "Nächster Beitrag: Donnerstag, 26. November 2026 um 09:00. Ausschalten mit "
               "/qotd off."),
        ("ja", "今日の名言を設定しました：平日の 09:00（Europe/Paris）、/jonze の名言のみ。"
               "次の投稿：2026年11月26日木曜日 09:00。停止するには /qotd off。"),
    ],
)  # fmt: skip
async def test_set_answers_in_the_members_language_and_posts_in_english(
    bot: Bot, store: SQLiteStore, locale: str, said: str
) -> None:
    assert await qotd(bot, locale, "set", **SET) == said
    assert await bot.public_lines(1) == [PUBLIC]
    (record,) = store.subscriptions()
    assert (record.zone, record.at_time, record.days) == ("Europe/Paris", "09:00", "weekdays")


@pytest.mark.parametrize("locale", ["en-US", "en-GB", "ko", "zh-CN", ""])
async def test_english_or_an_unknown_locale_is_answered_in_english(bot: Bot, locale: str) -> None:
    assert await qotd(bot, locale, "set", **SET) == ENGLISH_SET


async def test_a_bad_time_is_refused_in_french_with_the_usage_as_data(
    bot: Bot, store: SQLiteStore
) -> None:
    said = await qotd(bot, "fr", "set", time="25:00", timezone="Europe/Paris")
    assert said == (
        "« 25:00 » n’est pas une heure : 09:00, 21:30 ou 9am.\n"
        "Utilisation : `/qotd set time:09:00 timezone:Europe/Paris`"
    )
    assert store.subscriptions() == [] and bot.public() == []


async def test_a_bad_zone_is_refused_in_french_with_the_real_zones_suggested(
    bot: Bot, store: SQLiteStore
) -> None:
    said = await qotd(bot, "fr", "set", time="09:00", timezone="Europe/Pariss")
    first = said.splitlines()[0]
    assert first.startswith(
        "Il n’existe pas de fuseau horaire « Europe/Pariss ». Vouliez-vous dire Europe/Paris"
    )
    assert first.endswith(" ?")
    assert said.splitlines()[1] == "Utilisation : `/qotd set time:09:00 timezone:Europe/Paris`"
    assert store.subscriptions() == []


async def test_show_list_and_off_in_spanish_and_brazilian_portuguese(
    bot: Bot, store: SQLiteStore
) -> None:
    assert (await qotd(bot, "es-419", "show")).startswith(
        "Este canal no tiene cita del día. Para empezar una: `/qotd set time:09:00"
    )
    await qotd(bot, "pt-BR", "set", time="9pm", timezone="america/toronto")
    shown = await qotd(bot, "pt-BR", "show")
    assert shown.startswith(
        "Citação do dia aqui: todos os dias às 21:00 America/Toronto. Próxima publicação: "
        "quarta-feira, 25 de novembro de 2026 às 21:00."
    )
    listed = await qotd(bot, "es-ES", "list")
    assert listed.startswith("Cita del día en 1 canal(es):\n• <#")
    assert "todos los días a las 21:00 America/Toronto, la próxima el miércoles, 25 de" in listed
    assert await qotd(bot, "es-ES", "off") == "Desactivada: ya no habrá cita del día aquí."
    assert (await bot.public_lines(2))[-1] == "Quote of the day: switched off by cinephile."


async def test_a_member_who_may_not_is_refused_in_german(bot: Bot, store: SQLiteStore) -> None:
    said = await qotd(bot, "de", "off", permissions=MEMBER)
    assert said == (
        "Nur Mitglieder mit der Berechtigung „Kanäle verwalten“ können das Zitat des Tages hier "
        "einrichten. Bitte eine dieser Personen, /qotd zu verwenden."
    )
    assert bot.public() == []


async def test_what_the_bot_lacks_is_said_in_japanese_with_discords_permission_names(
    bot: Bot,
) -> None:
    made = in_locale(
        bot.fake.subcommand("qotd", "set", MANAGER_PERMISSIONS, time="09:00", timezone="UTC"), "ja"
    )
    made["app_permissions"] = str(1 << 10)  # View Channel only
    said = (await bot.fake.interact(made))["data"]["content"]
    assert said.endswith(
        "\n（まだここに投稿できません。このチャンネルで Send Messages, Embed Links, "
        "Read Message History の権限をください。）"
    )


def test_no_desk_is_said_in_every_language() -> None:
    assert say(NO_DESK, "fr") == "La citation du jour n’est pas configurée sur ce bot."
    assert say(NO_DESK, "ko") == NO_DESK
