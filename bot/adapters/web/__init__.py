"""The quote book on the web: a page per director, topic and quote (a permalink by the
quote's stable ID), word search and Atom feeds, served on the shared HTTP server
(:func:`bot.adapters.web.routes.mount`) and written as a static site
(:func:`bot.adapters.web.site.build`). Nothing is imported here, so a static build loads
no HTTP server.

Cards (``/<command>/<id>.png``) are ``bot.adapters.web.cards``'s, where it exists."""
