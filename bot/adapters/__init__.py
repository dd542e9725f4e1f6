"""The adapters: one package per platform (``slack``, ``discord``) behind one declared
contract (:mod:`bot.adapters.contract`), listed by the registry, plus the terminal, the
shared HTTP server (``http``) and request pacing. An adapter reaches the core only
through each core package's ``__init__``."""
