"""A quote card drawn: 1,200 x 630 pixels (OpenGraph's size), the quote wrapped in the
largest size that fits, stepping down for long quotes and cut with an ellipsis at the
smallest; the director, and the source line, each on one line cut to fit; PNG bytes.

Lines break at spaces, and between any two CJK characters (not before closing
punctuation such as 。 or 」); a word wider than a line breaks between characters.
Nothing is ever drawn outside its box.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from bot.adapters.web.cards_fonts import Chain

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
TEXT_WIDTH = WIDTH - 2 * MARGIN
QUOTE_TOP, QUOTE_BOTTOM = 104, 452  # the quote's box
DIRECTOR_Y, SOURCE_Y, FOOT_Y = 476, 530, 574
SIZES = (60, 52, 46, 40, 35, 31, 28)  # the quote's, largest first
LEADING = 1.3
DIRECTOR_SIZE, SOURCE_SIZE, FOOT_SIZE = 34, 24, 20
BACKGROUND, INK, GREY, ACCENT = "#f7f5f0", "#1d1c1d", "#4a4a4a", "#b3472f"
ELLIPSIS = "…"
# Twice what the smallest size holds (some 700 characters of Latin text).
MAX_CHARACTERS = 1_500
# Not at the start of a line: it stays with the character before.
_CLOSING = frozenset("、。，．！？：；）」』】〉》〕!?,.;:)]}’”…ー々")

Measure = Callable[[str], float]


@dataclass(frozen=True)
class Unit:
    """What a line may break before: a word, or one CJK character; with a space before?"""

    text: str
    spaced: bool


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def units(text: str) -> list[Unit]:
    """``text`` as units a line may break between."""
    out: list[Unit] = []
    for number, word in enumerate(text.split()):
        spaced = number > 0
        current = ""
        for char in word:
            if current and (_wide(char) or _wide(current[-1])) and char not in _CLOSING:
                out.append(Unit(current, spaced))
                current, spaced = "", False
            current += char
        out.append(Unit(current, spaced))
    return out


def _split_wide(unit: Unit, measure: Measure, width: float) -> list[Unit]:
    """A unit wider than a line, cut between characters (their widths added up)."""
    if measure(unit.text) <= width:
        return [unit]
    out, current, used, spaced = [], "", 0.0, unit.spaced
    for char in unit.text:
        wide = measure(char)
        if current and used + wide > width:
            out.append(Unit(current, spaced))
            current, used, spaced = "", 0.0, False
        current, used = current + char, used + wide
    return [*out, Unit(current, spaced)]


def wrap(text: str, measure: Measure, width: float, exact: Measure | None = None) -> list[str]:
    """``text`` in lines at most ``width`` wide (widths added up unit by unit, then each
    line measured whole and cut should kerning have made it wider)."""
    lines: list[str] = []
    line, used = "", 0.0
    space = measure(" ")
    for whole in units(text):
        for unit in _split_wide(whole, measure, width):
            wide = measure(unit.text)
            gap = space if line and unit.spaced else 0.0
            if line and used + gap + wide > width:
                lines.append(line)
                line, used = unit.text, wide
            else:
                line, used = f"{line}{' ' if gap else ''}{unit.text}", used + gap + wide
    lines = [*lines, line] if line else lines
    # The added-up widths differ from the drawn ones by a pixel or two at most (rounding):
    # only a line that close to the edge is measured as drawn.
    exact = exact or measure
    return [
        fit_line(x, exact, width) if measure(x) > width - 8 and exact(x) > width else x
        for x in lines
    ]


def fit_line(text: str, measure: Measure, width: float, *, cut: bool = False) -> str:
    """``text`` on one line: whole if it fits (and not ``cut``), else its longest start
    that fits with ``…``."""
    if not cut and measure(text) <= width:
        return text
    low, high = 0, len(text)  # the longest prefix that fits, by bisection
    while low < high:
        middle = (low + high + 1) // 2
        if measure(text[:middle].rstrip() + ELLIPSIS) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS


def layout(text: str, chain: Chain) -> tuple[int, list[str]]:
    """The quote's size and lines: the largest size whose lines fit the box; at the
    smallest, as many lines as fit, the last ending in ``…`` if any were left out."""
    room = QUOTE_BOTTOM - QUOTE_TOP
    text = text[:MAX_CHARACTERS]  # more than the smallest size holds: the rest is cut anyway
    for size in SIZES:
        measure = chain.measure(size)
        lines_room = room // int(size * LEADING)
        if size != SIZES[-1] and measure(text) > lines_room * TEXT_WIDTH:
            continue  # cannot fit even without a ragged edge
        lines = wrap(text, measure, TEXT_WIDTH, chain.exact(size))
        if len(lines) * int(size * LEADING) <= room:
            return size, lines
    fits = room // int(size * LEADING)
    if len(lines) > fits:
        last = fit_line(lines[fits - 1], chain.exact(size), TEXT_WIDTH, cut=True)
        lines = [*lines[: fits - 1], last]
    return size, lines


def _draw_runs(draw: object, xy: tuple[float, float], text: str, chain: Chain, size: int,
               fill: str) -> None:  # fmt: skip
    """``text`` drawn at ``xy`` (its top left), each run in its own face, on one baseline."""
    x, y = xy
    fonts = [face.font(size) for face in chain.faces]
    ascent = fonts[0].getmetrics()[0]
    for index, run in chain.runs(text):
        font = fonts[index]
        draw.text((x, y + ascent), run, font=font, fill=fill, anchor="ls")  # type: ignore[attr-defined]
        x += font.getlength(run)


@dataclass(frozen=True)
class CardText:
    """What a card says: the quote, the director, the source line, and a corner's mark."""

    quote: str
    director: str
    source: str
    mark: str = ""


def draw_card(card: CardText, regular: Chain, bold: Chain) -> bytes:
    """The card as PNG bytes."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((MARGIN, 60, MARGIN + 96, 65), fill=ACCENT)
    size, lines = layout(f"“{card.quote}”", regular)
    step = int(size * LEADING)
    top = QUOTE_TOP + (QUOTE_BOTTOM - QUOTE_TOP - step * len(lines)) // 2
    for number, line in enumerate(lines):
        _draw_runs(draw, (MARGIN, top + number * step), line, regular, size, INK)
    director = fit_line(card.director, bold.exact(DIRECTOR_SIZE), TEXT_WIDTH)
    _draw_runs(draw, (MARGIN, DIRECTOR_Y), director, bold, DIRECTOR_SIZE, INK)
    source = fit_line(card.source, regular.exact(SOURCE_SIZE), TEXT_WIDTH)
    _draw_runs(draw, (MARGIN, SOURCE_Y), source, regular, SOURCE_SIZE, GREY)
    if card.mark:
        mark = fit_line(card.mark, regular.exact(FOOT_SIZE), TEXT_WIDTH)
        width = regular.exact(FOOT_SIZE)(mark)
        _draw_runs(draw, (WIDTH - MARGIN - width, FOOT_Y), mark, regular, FOOT_SIZE, GREY)
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=3)
    return out.getvalue()
