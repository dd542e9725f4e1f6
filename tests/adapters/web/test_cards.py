"""Quote cards: a 1200x630 PNG per quote, real glyphs for Latin, Greek, Cyrillic and CJK
text, long quotes fitted or cut, alt text within the platforms' limits, the caches
(memory, and a disk folder whose files are hostile), and GET /<command>/<id>.png."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from PIL import Image, ImageDraw, ImageFont

from bot import limits
from bot.adapters.http.server import HttpFront
from bot.adapters.web import cards_draw
from bot.adapters.web.cards import alt_text, card_key, card_url, mount_cards, render_card
from bot.adapters.web.cards_cache import CardCache, is_card_png
from bot.adapters.web.cards_fonts import chains, font_dirs
from bot.book import Director, Quote, QuoteBook, Source, Topic, quote_id
from bot.book.loader import load_book
from tests.fixtures import QUOTES

SOURCE = Source("s", "In Conversation", "TIFF Bell Lightbox, Toronto", "2013-09")
JAPANESE = "映画は編集で作られる。私は豆腐屋だから豆腐しか作らない。"
GREEK = "Ὁ κινηματογράφος εἶναι ἀλήθεια εἴκοσι τέσσερις φορὲς τὸ δευτερόλεπτο"
CYRILLIC = "Кино — это запечатлённое время, и монтаж его ритм"


def quote(text: str, director: str = "Spike Jonze") -> Quote:
    return Quote(director, "editing", text, "On his process", SOURCE)


def pixels(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    image.load()
    return image


def test_a_card_is_a_png_of_the_opengraph_size():
    png = render_card(quote("The movie is made in the edit."), CardCache())
    assert pixels(png).size == (1200, 630)
    assert is_card_png(png, (1200, 630))


@pytest.mark.parametrize("text", [JAPANESE, GREEK, CYRILLIC, "한국 영화는 편집이다"])
def test_every_character_of_cjk_greek_and_cyrillic_quotes_has_a_real_glyph(text):
    regular, _bold = chains(font_dirs())
    for char in text.replace(" ", ""):
        face = regular.faces[regular.pick(char)]
        assert face.has(char), f"{char!r} would be tofu"
    # CJK is drawn in Noto Sans CJK, the rest in Noto Sans.
    names = {Path(regular.faces[regular.pick(c)].path).name for c in text.replace(" ", "")}
    if text in (JAPANESE, "한국 영화는 편집이다"):
        assert names <= {"NotoSansCJK-Regular.ttc", "NotoSans-Regular.ttf"}
        assert "NotoSansCJK-Regular.ttc" in names
    else:
        assert names == {"NotoSans-Regular.ttf"}


def test_a_cjk_card_draws_glyphs_not_the_missing_glyph_box():
    regular, _bold = chains(font_dirs())
    cjk = regular.faces[regular.pick("映")].font(60)
    latin = regular.faces[0].font(60)
    # Noto Sans has no 映: drawn in it, it is the .notdef box; drawn in Noto Sans CJK, not.
    assert not regular.faces[0].has("映")

    def drawn(font: ImageFont.FreeTypeFont, char: str) -> bytes:
        image = Image.new("L", (100, 100))
        ImageDraw.Draw(image).text((10, 10), char, font=font, fill=255)
        return image.tobytes()

    assert drawn(latin, "映") == drawn(latin, "\U000e0fff")
    assert drawn(cjk, "映") != drawn(cjk, "\U000e0fff")
    # And the card itself differs from one drawn with tofu in place of every character.
    one, other = (
        render_card(quote(JAPANESE), CardCache()),
        render_card(quote("映" * len(JAPANESE)), CardCache()),
    )
    assert pixels(one).tobytes() != pixels(other).tobytes()


def test_a_short_quote_is_large_and_a_long_one_steps_down_then_is_cut_with_an_ellipsis():
    regular, _bold = chains(font_dirs())
    size, lines = cards_draw.layout("“Cut.”", regular)
    assert size == cards_draw.SIZES[0] and lines == ["“Cut.”"]
    medium = " ".join(["words about editing"] * 12)
    size, lines = cards_draw.layout(medium, regular)
    assert cards_draw.SIZES[-1] < size < cards_draw.SIZES[0]
    assert not lines[-1].endswith("…")
    size, lines = cards_draw.layout(" ".join(["montage"] * 2_000), regular)
    assert size == cards_draw.SIZES[-1] and lines[-1].endswith("…")
    room = cards_draw.QUOTE_BOTTOM - cards_draw.QUOTE_TOP
    assert len(lines) * int(size * cards_draw.LEADING) <= room
    exact = regular.exact(size)
    assert all(exact(line) <= cards_draw.TEXT_WIDTH for line in lines)


@pytest.mark.parametrize("text", ["x" * 5_000, "長" * 5_000, "a " * 3_000, JAPANESE * 40])
def test_the_longest_quotes_never_overflow(text):
    regular, _bold = chains(font_dirs())
    size, lines = cards_draw.layout(text, regular)
    exact = regular.exact(size)
    assert lines and all(exact(line) <= cards_draw.TEXT_WIDTH for line in lines)
    assert pixels(render_card(quote(text), CardCache())).size == (1200, 630)


def test_a_long_director_and_source_line_are_cut_to_one_line():
    long_source = Source("s", "T" * 400, "V" * 300, "2013")
    png = render_card(Quote("D" * 300, "t", "Cut.", "c" * 200, long_source), CardCache())
    assert pixels(png).size == (1200, 630)


def test_alt_text_is_the_quote_and_its_attribution_within_each_platforms_limit():
    short = quote("The movie is made in the edit.")
    assert alt_text(short) == f"“{short.text}” {short.attribution}"
    long = quote("edit " * 1_000)
    for size in (limits.DISCORD_ALT_TEXT_MAX, limits.SLACK_ALT_TEXT_MAX):
        said = alt_text(long, size)
        assert len(said) <= size
        assert said.endswith(long.attribution) and "…”" in said


def test_the_memory_cache_answers_a_second_time_and_is_bounded():
    cache = CardCache(memory_bytes=150_000)
    first = quote("The movie is made in the edit.")
    png = render_card(first, cache)
    assert cache.remembered(card_key(first)) is png
    assert render_card(first, cache) is png
    for n in range(5):
        render_card(quote(f"Quote number {n}"), cache)
    assert sum(len(cache.remembered(k) or b"") for k in list(cache._memory)) <= 150_000
    assert cache.remembered(card_key(first)) is None  # the least recently used went first


def test_the_key_changes_with_what_is_drawn_not_only_the_id():
    one = quote("Same words.")
    moved = Quote(one.director, "other topic", one.text, "On his process", SOURCE)
    corrected = Quote(one.director, one.topic, one.text, "On his process", SOURCE, locator="p. 3")
    assert quote_id(one) == quote_id(corrected)
    assert card_key(one) == card_key(moved)
    assert card_key(one) != card_key(corrected)


def test_the_disk_cache_is_written_atomically_and_read_back(tmp_path):
    first = quote("Kept on disk.")
    png = render_card(first, CardCache(tmp_path))
    stored = tmp_path / f"{card_key(first)}.png"
    assert stored.read_bytes() == png
    assert [p.name for p in tmp_path.iterdir()] == [stored.name]  # no temporary left
    assert CardCache(tmp_path).get(card_key(first)) == png


@pytest.mark.parametrize(
    "hostile",
    [
        b"not a png at all",
        b"\x89PNG\r\n\x1a\n" + b"\0" * 100,
        "small",  # a valid PNG of another size
        "truncated",  # the right header, the image cut short
        "link",  # a symbolic link to a valid card elsewhere
    ],
)
def test_a_hostile_disk_cache_file_is_refused_and_replaced(tmp_path, hostile):
    first = quote("Hostile cache.")
    real = render_card(first, CardCache())
    stored = tmp_path / f"{card_key(first)}.png"
    if hostile == "small":
        out = io.BytesIO()
        Image.new("RGB", (10, 10), "red").save(out, "PNG")
        stored.write_bytes(out.getvalue())
    elif hostile == "truncated":
        stored.write_bytes(real[: len(real) // 2])
    elif hostile == "link":
        elsewhere = tmp_path / "elsewhere.png"
        elsewhere.write_bytes(b"\x89PNG\r\n\x1a\nevil")
        stored.symlink_to(elsewhere)
    else:
        stored.write_bytes(hostile)
    cache = CardCache(tmp_path)
    assert cache.get(card_key(first)) is None
    assert render_card(first, cache) == real
    assert stored.read_bytes() == real and not stored.is_symlink()


@pytest.fixture
async def served():
    shipped = load_book([QUOTES]).book
    other = Quote("Agnès Varda", "craft", JAPANESE, "", SOURCE)
    book = QuoteBook([*shipped, Director("Agnès Varda", "varda", (Topic("craft"),), (other,))])
    front = HttpFront("127.0.0.1", 0)
    mount_cards(front, lambda: book, CardCache())
    client = TestClient(TestServer(front.app))
    await client.start_server()
    try:
        yield client, book
    finally:
        await client.close()


async def test_the_route_serves_a_card_with_cache_headers(served):
    client, book = served
    director = book.by_command("jonze")
    first = director.quotes[0]
    path = card_url("", "jonze", first)
    response = await client.get(path)
    assert response.status == 200
    assert response.headers["Content-Type"] == "image/png"
    assert "max-age" in response.headers["Cache-Control"]
    etag = response.headers["ETag"]
    assert is_card_png(await response.read(), (1200, 630))
    again = await client.get(path, headers={"If-None-Match": etag})
    assert again.status == 304


@pytest.mark.parametrize(
    "path",
    ["/jonze/aaaaaaaaaa.png", "/nobody/{id}.png", "/jonze/{ID}.png", "/jonze/short.png"],
)
async def test_the_route_answers_404_for_an_unknown_card(served, path):
    client, book = served
    ident = quote_id(book.by_command("jonze").quotes[0])
    other = next(d for d in book if d.command != "jonze")
    response = await client.get(path.format(id=ident, ID=ident.upper()))
    assert response.status == 404
    # A quote's ID under another director's command is not its card either.
    assert (await client.get(f"/{other.command}/{ident}.png")).status == 404
