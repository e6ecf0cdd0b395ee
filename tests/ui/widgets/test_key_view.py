"""The key data as the panel shows it: names once loaded, the site's time with its zone, the state explained."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from pytestqt.qtbot import QtBot

from salto_desk.keys.model import KeyState
from salto_desk.services.front_desk import KeyDetails
from tests.ui.models.test_reservations import key
from ui.widgets.key_view import KeyView

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def test_names_arrive_with_the_details_and_the_state_is_explained(qtbot: QtBot) -> None:
    view = KeyView("en")
    qtbot.addWidget(view)
    shown = key(KeyState.NEEDS_REENCODE, cards=2)
    view.show_key(shown, None, AMSTERDAM)
    assert view.key_type_label.text() == "loading..." and view.authorizations_label.text() == "loading..."
    assert view.validity_label.text().endswith("(Europe/Amsterdam)")
    assert view.state_label.text() == "Needs re-encode" and "print new cards" in view.state_note.text()
    assert view.cards_label.text().startswith("2 cards, the last on encoder")
    details = KeyDetails(shown, "Guest key", {}, (), (), ())
    view.show_key(shown, details, AMSTERDAM)
    assert view.key_type_label.text() == "Guest key"
    assert view.deliveries_label.text() == "none"


def test_a_ready_key_in_dutch_needs_no_explanation(qtbot: QtBot) -> None:
    view = KeyView("nl")
    qtbot.addWidget(view)
    view.show_key(key(KeyState.READY), None, AMSTERDAM)
    assert view.state_label.text() == "Klaar om te printen"
    assert not view.state_note.isVisibleTo(view) and view.cards_label.text() == "Nog geen kaarten gemaakt."
