"""System tests (the `system` marker, set by tests/conftest.py): quotebot as a process,
PostgreSQL, HAProxy. Left out by ``pytest -m "not system"``."""
