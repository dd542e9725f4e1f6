"""The face's machinery: every service supervised on its own (:mod:`bot.app.supervisor`)
and what ``quotebot run`` and ``quotebot daily`` put together (:mod:`bot.app.wiring`)."""
