"""The member's language: a platform's locale mapped to a message catalogue, and the
chrome of an answer translated. Quotes, contexts and sources are never translated.

English is the code's own wording (each message is its own English text, placeholders
named: ``{topic}``). Asking for English reads no catalogue and imports no Babel, so
``quotebot ask`` starts as fast as before; another language's catalogue (a gettext .po
file in ``bot/answers/locales/``) is read once, on first use. A message a catalogue lacks
is said in English.
"""

from __future__ import annotations

ENGLISH = "en"
# The catalogues shipped, by their gettext names (bot/answers/locales/<name>/LC_MESSAGES).
LANGUAGES = ("fr", "es", "de", "pt_BR", "ja")
DOMAIN = "quotebot"
_BY_BASE = {"fr": "fr", "es": "es", "de": "de", "pt": "pt_BR", "ja": "ja"}
_tables: dict[str, dict[str, str]] = {}


def N_(message: str) -> str:
    """Mark ``message`` as one to translate where it is said (extracted by the tests)."""
    return message


def language_of(locale: str | None) -> str:
    """The catalogue for a locale as platforms write it (``fr``, ``es-419``, ``pt-BR``,
    ``ja_JP``); English for English, nothing, or a language without a catalogue."""
    if not locale:
        return ENGLISH
    return _BY_BASE.get(locale.replace("_", "-").split("-")[0].casefold(), ENGLISH)


def translate(message: str, locale: str | None = ENGLISH) -> str:
    """``message`` in ``locale``'s language, or as it is when the catalogue lacks it."""
    name = language_of(locale)
    if name == ENGLISH:
        return message
    table = _tables.get(name)
    if table is None:
        table = _tables[name] = _read(name)
    return table.get(message) or message


def say(message: str, locale: str | None = ENGLISH, **values: object) -> str:
    """``message`` translated, then its placeholders filled with ``values``."""
    return translate(message, locale).format(**values)


def _read(name: str) -> dict[str, str]:
    """One catalogue as msgid → translation, fuzzy and empty entries left out."""
    from pathlib import Path

    from babel.messages.pofile import read_po

    path = Path(__file__).parent / "locales" / name / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as file:
        catalog = read_po(file, locale=name)
    return {
        str(m.id): str(m.string)
        for m in catalog
        if m.id and isinstance(m.id, str) and isinstance(m.string, str) and m.string and not m.fuzzy
    }
