"""Bulk statements in batches: how many ids go in one ``IN (...)`` list, and inserts that batch NULLs too."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

CHUNK = 500
"""Ids per ``IN (...)`` list: far below every database's parameter limit."""
BULK = {"render_nulls": True}
"""Execution options of bulk inserts: a None is sent as NULL, so rows with and without a phone (say) share
one batched statement; without it SQLAlchemy groups rows by which columns are None, statement by statement."""


ValueT = TypeVar("ValueT")


def chunks(values: Iterable[ValueT]) -> Iterator[list[ValueT]]:
    """``values`` in lists of at most ``CHUNK``, in their order."""
    iterator = iter(values)
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk
