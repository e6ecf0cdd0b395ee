"""Bulk statements in batches: ids split into ``IN`` lists no database refuses."""

from __future__ import annotations

from salto_desk.storage.batches import CHUNK, chunks


def test_ids_come_in_lists_of_at_most_a_chunk_in_their_order() -> None:
    ids = [str(number) for number in range(2 * CHUNK + 1)]
    found = list(chunks(iter(ids)))
    assert [len(chunk) for chunk in found] == [CHUNK, CHUNK, 1]
    assert [each for chunk in found for each in chunk] == ids


def test_no_ids_give_no_list() -> None:
    assert list(chunks([])) == []
