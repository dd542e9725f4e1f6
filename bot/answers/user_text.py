"""What a user typed, made safe to match and to echo: no control or invisible characters,
single spaces, a bounded length."""

from __future__ import annotations

import re
import unicodedata

# Longer input is cut before matching and echoing: no topic is this long.
MAX_ASKED = 100
# Lone surrogates (JSON's "\udfff", argv's undecodable bytes) are no text: each becomes
# U+FFFD, so that what is echoed can always be encoded.
_SURROGATE = re.compile("[\ud800-\udfff]")
# Controls and line or paragraph separators part words: they become spaces.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Characters that show nothing (Unicode's format characters, Cf, as of Unicode 15.1, with
# the whole tag block) and the Hangul fillers that render as blanks: removed, so that
# "ed\u00adit" is "edit" and nothing invisible is echoed. A test checks this covers every
# Cf character of the running Python's Unicode database.
_UNSEEN = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u180e"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e007f]"
)


def clean_input(text: str, limit: int = MAX_ASKED) -> str:
    """What the user typed, made safe to match and to echo: no control or invisible
    characters, single spaces, at most ``limit`` characters (:data:`MAX_ASKED`)."""
    text = _SURROGATE.sub("\ufffd", text[: limit * 4])
    text = _UNSEEN.sub("", unicodedata.normalize("NFC", text))
    text = _CONTROL.sub(" ", text)
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text
