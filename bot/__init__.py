"""quotebot: a film director's own words, on the topic you ask for.

The core in packages (book, answers, daily, store, curation), the adapters behind one
contract (adapters), the face (app, cli), and the small modules every layer shares
(errors, limits, environment, memo). docs/architecture.md maps every module; the layers
are import-linter contracts in pyproject.toml."""
