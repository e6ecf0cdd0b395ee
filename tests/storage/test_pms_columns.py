"""The cache's text columns: folded search text, lists and catalogue pairs in one text, storable text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from salto_desk.pms.models import OrderedItem
from salto_desk.storage.pms_columns import fold, join_items, join_lines, split_items, split_lines, storable

ONE_LINE = st.text(min_size=1).filter(lambda text: "\n" not in text)
CATALOGUE_ID = ONE_LINE.filter(lambda text: "\t" not in text)


def test_fold_removes_accents_and_case() -> None:
    assert fold("Joëlle GROß") == "joelle gross"


def test_only_what_no_database_can_hold_is_replaced() -> None:
    row = {"name": "Anna\x00 de\ud800Boer", "phone": None, "nights": 3, "city": "Zürich"}
    assert storable(row) == {"name": "Anna\ufffd de\ufffdBoer", "phone": None, "nights": 3, "city": "Zürich"}


@given(st.lists(ONE_LINE, min_size=1))
def test_labels_come_back_as_they_were_joined(labels: list[str]) -> None:
    assert split_lines(join_lines(labels)) == tuple(labels)


def test_a_line_break_inside_a_label_becomes_a_space_and_no_labels_an_empty_text() -> None:
    assert split_lines(join_lines(["Sea\nview", "Pets"])) == ("Sea view", "Pets")
    assert (join_lines([]), split_lines("")) == ("", ())


@given(st.lists(st.tuples(st.sampled_from(["extra", "cost"]), CATALOGUE_ID, st.text())))
def test_ordered_items_of_a_kind_come_back_as_id_and_name_pairs(items: list[tuple[str, str, str]]) -> None:
    ordered = [OrderedItem(kind, identifier, name.replace("\n", " ") or None) for kind, identifier, name in items]
    expected = [(item.catalogue_id, item.name or "") for item in ordered if item.kind == "extra"]
    assert split_items(join_items(ordered, "extra")) == expected
