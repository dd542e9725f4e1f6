"""What every SQL table mixin (subscriptions, requests, suggestions, communities, whole
tables) uses of :class:`bot.store.sql.SQLStore`, declared once: SQLStore runs the
statements, each back end its transactions and placeholders."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any


class SQLParts:
    """The statement runner the table mixins are written against."""

    def _execute(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def _transaction(self) -> AbstractContextManager[Any]:
        raise NotImplementedError

    def _sql(self, statement: str) -> str:
        raise NotImplementedError


__all__ = ["SQLParts"]
