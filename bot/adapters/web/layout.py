"""Every page's shell: the head (viewport, OpenGraph and Twitter card tags, the feed's
autodiscovery link, the stylesheet), a header and footer, and the policy its answers carry.

Every value written into the HTML goes through :func:`esc` (``html.escape``, quotes too):
a quote may hold ``<script>``. The stylesheet is a file of the site (``style.css``), so the
Content-Security-Policy allows no inline style or script at all."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from bot.adapters.web.paths import FEED, STYLE, Link, href

# Sent as a header by the server, and as a meta tag in every page (for static hosts).
CSP = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'"
HEADERS = {
    "Content-Security-Policy": f"{CSP}; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
SITE_NAME = "quotebot"
TAGLINE = "film directors in their own words"


def esc(text: str) -> str:
    return escape(text, quote=True)


@dataclass(frozen=True)
class Page:
    """One page: where it is, what it says, and what a link preview shows of it."""

    path: str  # relative to the site's root: "", "jonze/", "jonze/q/ab12cd34ef/"
    title: str
    description: str  # og:description: the quote, on a quote's page
    body: str  # HTML, every value in it escaped
    feed: str = FEED  # the feed advertised (a director's own on their pages)
    feed_title: str = "quotebot: the quote of the day"
    image: str = ""  # the card's path, on a quote's page
    status: int = 200


def render(page: Page, link: Link, public: str, search: bool) -> str:
    """``page`` as a whole HTML document; ``public`` the site's public base URL (absolute
    og:url and og:image), or "" when unknown; ``search`` whether to offer the search form."""
    meta = [
        ("og:type", "article" if page.image else "website"),
        ("og:site_name", SITE_NAME),
        ("og:title", page.title),
        ("og:description", page.description),
    ]
    if public:
        meta.append(("og:url", f"{public}/{href(page.path)}"))
        if page.image:
            meta.append(("og:image", f"{public}/{href(page.image)}"))
            meta.append(("og:image:alt", page.description))
    card = "summary_large_image" if page.image and public else "summary"
    twitter = [("twitter:card", card), ("twitter:title", page.title),
               ("twitter:description", page.description)]  # fmt: skip
    if page.image and public:
        twitter.append(("twitter:image", f"{public}/{href(page.image)}"))
    head = "\n".join(
        [f'<meta property="{esc(k)}" content="{esc(v)}">' for k, v in meta]
        + [f'<meta name="{esc(k)}" content="{esc(v)}">' for k, v in twitter]
    )
    feed = (
        f'<link rel="alternate" type="application/atom+xml" title="{esc(page.feed_title)}" '
        f'href="{esc(link.to(page.feed))}">'
    )
    canonical = (
        f'<link rel="canonical" href="{esc(public)}/{esc(href(page.path))}">\n' if public else ""
    )
    form = (
        f'<form class="search" role="search" action="{esc(link.to("search"))}" method="get">'
        '<label for="q">Search the quotes</label> <input id="q" name="q" type="search" '
        'maxlength="200" required> <button type="submit">Search</button></form>'
        if search
        else ""
    )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{esc(CSP)}">
<title>{esc(page.title)}</title>
<meta name="description" content="{esc(page.description)}">
{head}
{canonical}{feed}
<link rel="stylesheet" href="{esc(link.to(STYLE))}">
</head>
<body>
<header><p class="site"><a href="{esc(link.to(""))}">{SITE_NAME}</a>: {TAGLINE}</p>
{form}</header>
<main>
{page.body}
</main>
<footer><p><a href="{esc(link.to(FEED))}">The quote of the day (Atom feed)</a></p></footer>
</body>
</html>
"""


# Text #1b1b1b and links #0b4f8a on #fbfaf6: contrast 16:1 and 8:1 (WCAG AA asks 4.5:1);
# muted #4a4a4a, 8.6:1. Fluid: no fixed widths, long words wrap.
STYLESHEET = """\
:root { color-scheme: light; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 44rem; padding: 1rem; background: #fbfaf6; color: #1b1b1b;
  font: 1.0625rem/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  overflow-wrap: anywhere; }
a { color: #0b4f8a; }
a:focus-visible, button:focus-visible, input:focus-visible { outline: 3px solid #0b4f8a;
  outline-offset: 2px; }
header { border-bottom: 1px solid #cfcac0; margin-bottom: 1rem; }
.site { font-weight: 600; }
.search { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: .5rem 0 1rem; }
.search input { flex: 1 1 10rem; min-width: 0; font: inherit; padding: .3rem .5rem;
  border: 1px solid #6b6b6b; border-radius: 4px; background: #fff; color: #1b1b1b; }
.search button { font: inherit; padding: .3rem .8rem; border: 1px solid #0b4f8a;
  border-radius: 4px; background: #0b4f8a; color: #fff; }
blockquote { margin: 1rem 0; padding: 0 0 0 1rem; border-left: 4px solid #8a7f6a; }
blockquote p { font-size: 1.15rem; margin: 0 0 .25rem; }
.muted, figcaption, footer { color: #4a4a4a; }
ul.quotes { list-style: none; padding: 0; }
ul.quotes li { margin: 0 0 1.25rem; }
dl.source { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dl.source dt { font-weight: 600; }
dl.source dd { margin: 0; }
.disputed { color: #8a1c1c; font-weight: 600; }
footer { border-top: 1px solid #cfcac0; margin-top: 2rem; font-size: .95rem; }
"""
