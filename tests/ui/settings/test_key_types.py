from __future__ import annotations

from datetime import time

from PySide6.QtCore import Qt, QTime
from pytestqt.qtbot import QtBot

from salto_desk.keys.model import AuthorizationName, KeyType, Product
from salto_desk.pms.models import CatalogueItem, InventoryObject, RentableType
from salto_desk.storage import ConfigRepository
from salto_desk.storage.pms_store import PmsStore
from tests.park import BEX_ID
from tests.storage.helpers import NOW, add_key_type
from tests.ui.desk import WAIT_MS, Desk, DeskFactory
from tests.ui.items import python_made
from tests.ui.settings.helpers import accept, opened, refused, shown, wait_loaded
from ui.models.rows import READ_ONLY
from ui.settings.key_types import KeyTypeDialog, KeyTypesPage
from ui.settings.product_dialog import ProductDialog
from ui.workers.calls import Lane


def key_types(desk: Desk) -> list[tuple[KeyType, list[Product]]]:
    with desk.database.unit_of_work() as session:
        config = ConfigRepository(session)
        return [(each, config.products(each.id)) for each in config.key_types(desk.administration.id)]


def page_for(qtbot: QtBot, desk: Desk) -> KeyTypesPage:
    page = KeyTypesPage(desk.context)
    page.show_administration(desk.administration.id)
    return shown(qtbot, page)


def with_pms_choices(desk: Desk) -> None:
    with desk.database.unit_of_work() as session:
        ConfigRepository(session).replace_authorization_names(
            desk.administration.id, [AuthorizationName(1, "Main gate"), AuthorizationName(2, "Pool")]
        )
        cache = PmsStore(session)
        cache.store_objects(BEX_ID, [
            InventoryObject("10", BEX_ID, "Chalet 10", None, ("Sea view", "Pets"), "t1", None, NOW),
            InventoryObject("11", BEX_ID, "Chalet 11", None, ("Pets",), "t1", None, NOW),
        ])  # fmt: skip
        cache.replace_catalogue(
            BEX_ID,
            [RentableType("t1", BEX_ID, "Chalet 4p")],
            [CatalogueItem("c1", BEX_ID, "cost", "Cleaning", None), CatalogueItem("e1", BEX_ID, "extra", "Boat", None)],
        )


def delete_selected(qtbot: QtBot, page: KeyTypesPage, *, product: bool = False) -> None:
    """Answer Yes to the delete question and wait for the core's answer (the list read again, or a refusal)."""
    (page.ask_delete_product if product else page.ask_delete_key_type)()
    assert page.question is not None
    page.question.answer(True)
    assert page.deleting and not page.delete_key_type.isEnabled()
    qtbot.waitUntil(lambda: not page.deleting and not page.loading, timeout=WAIT_MS)


def test_the_list_shows_key_types_with_their_product_counts(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    page = page_for(qtbot, desk)
    assert page.key_types.rowCount() == 1
    assert [page.key_types.item(0, column).text() for column in range(3)] == ["Guest", "", "0"]
    assert page.products.rowCount() == 0
    assert page.add_product.isEnabled()


def test_choosing_a_key_type_shows_its_products_without_asking_the_core(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    owner = add_key_type(desk.database, desk.administration, name="Owner")
    with desk.database.unit_of_work() as session:
        config = ConfigRepository(session)
        for name in ("Every stay", "Late arrivals"):
            config.add_product(Product(id=0, key_type_id=owner.id, name=name))
    page = page_for(qtbot, desk)
    assert [page.key_types.item(row, 2).text() for row in range(2)] == ["0", "2"]  # Guest, Owner
    page.select_key_type(owner.id)
    assert not page.loading and desk.context.calls.waiting() == 0
    assert [page.products.item(row, 0).text() for row in range(page.products.rowCount())] == [
        "Every stay", "Late arrivals"]  # fmt: skip
    assert page.products_title.text() == "Products of Owner"


def test_lists_and_check_boxes_are_items_qt_made_with_their_flags(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    with_pms_choices(desk)
    page = page_for(qtbot, desk)
    assert python_made(page.key_types) == []
    assert page.key_types.item(0, 0).data(Qt.ItemDataRole.UserRole) == desk.key_type.id
    assert page.key_types.item(0, 1).flags() == READ_ONLY
    dialog = opened(qtbot, page.open_key_type(edit=False))
    assert isinstance(dialog, KeyTypeDialog)
    assert python_made(dialog.access) == []
    assert dialog.access.item(1, 0).data(Qt.ItemDataRole.UserRole) == 2
    assert dialog.access.item(1, 0).flags() == READ_ONLY
    assert dialog.access.item(1, 1).flags() == Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled
    assert dialog.access.item(1, 2).checkState() == Qt.CheckState.Unchecked
    dialog.reject()
    product = opened(qtbot, page.open_product(edit=False))
    assert isinstance(product, ProductDialog)
    for widget in product.filters.values():
        assert python_made(widget) == []
        assert widget.item(0).flags() == Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled
        assert widget.item(0).checkState() == Qt.CheckState.Unchecked
    product.reject()


def test_the_key_type_dialog_reads_its_form_when_it_opens(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    with_pms_choices(desk)
    page = page_for(qtbot, desk)
    dialog = page.open_key_type(edit=True)
    assert dialog is not None and not dialog.ready and dialog.name.text() == ""
    opened(qtbot, dialog)
    assert (dialog.name.text(), dialog.print_info[0].text()) == ("Guest", "Welcome")
    assert [dialog.access.item(row, 0).text() for row in range(2)] == ["1 Main gate", "2 Pool"]
    assert [dialog.access.item(row, 1).checkState() for row in range(2)] == [Qt.CheckState.Checked] * 2
    assert not dialog.hint.isVisibleTo(dialog)
    dialog.reject()


def test_create_a_key_type_with_print_info_and_access(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    with_pms_choices(desk)
    page = page_for(qtbot, desk)
    dialog = opened(qtbot, page.open_key_type(edit=False))
    assert dialog.access.rowCount() == 2 and dialog.access.item(0, 0).text() == "1 Main gate"
    dialog.name.setText("Owner")
    dialog.description.setText("Owners and family")
    dialog.print_info[0].setText("Welcome home")
    dialog.set_access(1, granted=True)
    dialog.set_access(2, denied=True)
    changes: list[bool] = []
    desk.context.events.config_changed.connect(lambda: changes.append(True))
    accept(qtbot, dialog)
    created = {each.name: each for each, _ in key_types(desk)}["Owner"]
    assert (created.description, created.print_info, created.granted, created.denied) == (
        "Owners and family", ("Welcome home",), (1,), (2,))  # fmt: skip
    assert changes == [True]
    qtbot.waitUntil(lambda: page.key_types.rowCount() == 2, timeout=WAIT_MS)
    wait_loaded(qtbot, page)
    assert page.key_types.item(page.key_types.currentRow(), 0).text() == "Owner"


def test_the_owners_default_check_box_marks_one_key_type_and_unmarks_the_other(
    qtbot: QtBot, make_desk: DeskFactory
) -> None:
    desk = make_desk()
    owner = add_key_type(desk.database, desk.administration, name="Owner", owners_default=True)
    page = page_for(qtbot, desk)
    listed = [page.key_types.item(row, 0).text() for row in range(page.key_types.rowCount())]
    assert "Owner · owners' default" in listed and "Guest" in listed  # the list says which one it is
    page.select_key_type(owner.id)
    dialog = opened(qtbot, page.open_key_type(edit=True))
    assert dialog.owners_default.isChecked() and dialog.owners_default.text() == "Owners' default key type"
    dialog.reject()
    page.select_key_type(desk.key_type.id)
    dialog = opened(qtbot, page.open_key_type(edit=True))
    assert not dialog.owners_default.isChecked()
    dialog.owners_default.setChecked(True)
    accept(qtbot, dialog)
    assert [(each.name, each.owners_default) for each, _ in key_types(desk)] == [("Guest", True), ("Owner", False)]


def test_an_invalid_key_type_keeps_the_dialog_open_with_the_reason(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    with_pms_choices(desk)
    page = page_for(qtbot, desk)
    dialog = opened(qtbot, page.open_key_type(edit=True))
    dialog.set_access(1, granted=True, denied=True)
    refused(qtbot, dialog)
    assert "both granted and denied" in dialog.message.text()
    dialog.set_access(1, granted=True)
    dialog.name.setText("")
    refused(qtbot, dialog)
    assert dialog.errors.marked() == ["name"]
    assert [each for each, _ in key_types(desk)] == [desk.key_type]
    dialog.reject()


def test_create_edit_and_delete_a_product_with_filters_from_the_pms(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    with_pms_choices(desk)
    page = page_for(qtbot, desk)
    dialog = opened(qtbot, page.open_product(edit=False))
    offered = {field: [widget.item(row).text() for row in range(widget.count())]
               for field, widget in dialog.filters.items()}  # fmt: skip
    assert offered == {"labels": ["Pets", "Sea view"], "object_types": ["Chalet 4p"], "costs": ["Cleaning"],
                       "extras": ["Boat"]}  # fmt: skip
    assert not dialog.no_data.isVisibleTo(dialog)
    dialog.name.setText("Sea view chalets")
    dialog.tick("labels", "Sea view")
    dialog.tick("costs", "Cleaning")
    dialog.wait_for_check_in.setChecked(True)
    dialog.deliver.setChecked(True)
    dialog.days_before.setValue(2)
    dialog.fixed_end.setChecked(True)
    dialog.end_time.setTime(QTime(11, 30))
    accept(qtbot, dialog)
    [(_, [product])] = key_types(desk)
    assert (product.name, product.labels, product.costs, product.object_types) == (
        "Sea view chalets", ("Sea view",), ("Cleaning",), ())  # fmt: skip
    assert (product.wait_for_check_in, product.deliver_to_guest, product.delivery_days_before) == (True, True, 2)
    assert (product.fixed_start_time, product.fixed_end_time) == (None, time(11, 30))
    qtbot.waitUntil(lambda: page.key_types.item(0, 2).text() == "1", timeout=WAIT_MS)
    wait_loaded(qtbot, page)
    assert page.products.item(0, 1).text() == "Sea view; Cleaning"
    assert page.products.item(0, 2).text() == "at check-in, to phone 2 days before arrival"
    assert page.products.item(0, 3).text() == " - 11:30"
    assert page.products.item(0, 0).data(Qt.ItemDataRole.UserRole) == product.id
    assert python_made(page.products) == []

    page.products.selectRow(0)
    edit = opened(qtbot, page.open_product(edit=True))
    assert edit.name.text() == "Sea view chalets" and edit.deliver.isChecked() and edit.end_time.time() == QTime(11, 30)
    edit.tick("labels", "Sea view", on=False)
    edit.deliver.setChecked(False)
    accept(qtbot, edit)
    [(_, [changed])] = key_types(desk)
    assert (changed.labels, changed.deliver_to_guest, changed.delivery_days_before) == ((), False, 0)
    qtbot.waitUntil(lambda: page.products.item(0, 1).text() == "Cleaning", timeout=WAIT_MS)
    wait_loaded(qtbot, page)

    page.products.selectRow(0)
    delete_selected(qtbot, page, product=True)
    assert key_types(desk)[0][1] == []
    assert page.key_types.item(0, 2).text() == "0" and page.products.rowCount() == 0


def test_a_product_name_used_twice_is_refused(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    page = page_for(qtbot, desk)
    first = opened(qtbot, page.open_product(edit=False))
    first.name.setText("All bookings")
    accept(qtbot, first)
    second = opened(qtbot, page.open_product(edit=False))
    second.name.setText("All bookings")
    refused(qtbot, second)
    assert "already is a product called 'All bookings'" in second.message.text()
    assert len(key_types(desk)[0][1]) == 1
    second.reject()


def test_without_synced_data_the_dialog_says_so(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    page = page_for(qtbot, desk)
    dialog = opened(qtbot, page.open_product(edit=False))
    assert all(widget.count() == 0 for widget in dialog.filters.values())
    assert dialog.no_data.isVisibleTo(dialog)
    dialog.reject()


def test_deleting_a_key_type_asks_first(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    page = page_for(qtbot, desk)
    page.ask_delete_key_type()
    assert page.question is not None and "Guest" in page.question.text()
    page.question.answer(False)
    assert desk.context.calls.waiting() == 0
    assert len(key_types(desk)) == 1
    delete_selected(qtbot, page)
    assert key_types(desk) == []
    assert page.key_types.rowCount() == 0 and not page.add_product.isEnabled()


def test_a_key_type_in_use_cannot_be_deleted(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    desk.add_key("1")
    page = page_for(qtbot, desk)
    delete_selected(qtbot, page)
    assert "is used by 1 key data records" in page.message.text()
    assert len(key_types(desk)) == 1


def test_a_dialog_closed_while_it_loads_or_saves_leaves_the_page_working(qtbot: QtBot, make_desk: DeskFactory) -> None:
    desk = make_desk()
    page = page_for(qtbot, desk)
    loading = page.open_key_type(edit=True)
    assert loading is not None and not loading.ready
    loading.reject()  # closed (and deleted) before its form arrives
    saving = opened(qtbot, page.open_product(edit=False))
    saving.name.setText("Every stay")
    saving.buttons.accepted.emit()
    saving.reject()  # closed before the core answers
    # the closed dialog's answer is forgotten at once (waiting() is 0), but its call still runs to the end
    qtbot.waitUntil(lambda: not desk.context.calls.lane_busy(Lane.USER), timeout=WAIT_MS)
    page.refresh()
    wait_loaded(qtbot, page)
    assert page.key_types.item(0, 2).text() == "1"  # the save went through; nobody was there to hear it


def test_the_preview_lists_the_upcoming_reservations_a_product_would_match(
    qtbot: QtBot, make_desk: DeskFactory
) -> None:
    desk = make_desk()  # the preview reads the cached PMS data: it needs no connection to BEX
    with_pms_choices(desk)
    page = page_for(qtbot, desk)
    dialog = opened(qtbot, page.open_product(edit=False))

    def preview() -> list[str]:
        dialog.run_preview()
        assert not dialog.preview_button.isEnabled()
        qtbot.waitUntil(lambda: dialog.preview_button.isEnabled(), timeout=WAIT_MS)
        return [dialog.preview.item(row, 0).text() for row in range(dialog.preview.rowCount())]

    assert sorted(preview()) == ["30-00001", "30-00002", "30-00003"]  # the cancelled booking 4 is left out
    dialog.tick("labels", "Pets")
    assert sorted(preview()) == ["30-00001", "30-00002"]
    dialog.tick("labels", "Sea view")
    dialog.tick("labels", "Pets", on=False)
    assert preview() == ["30-00001"]
    assert python_made(dialog.preview) == []
    assert "1 reservations in the next 30 days would get this key type." in dialog.preview_message.text()
    dialog.deliver.setChecked(True)
    dialog.days_before.setValue(0)
    dialog.fixed_start.setChecked(True)
    dialog.start_time.setTime(QTime(15, 0))
    assert preview() == ["30-00001"]
    assert next(each for each, _ in key_types(desk)) == desk.key_type and key_types(desk)[0][1] == []
    dialog.reject()


def test_ok_waits_for_print_info_that_fits_the_card(qtbot: QtBot, make_desk: DeskFactory) -> None:
    page = page_for(qtbot, make_desk())
    dialog = opened(qtbot, page.open_key_type(edit=True))
    line = dialog.print_info_lines
    line.edits[0].setText("x" * 24)
    assert dialog.ready and line.counters[0].text() == "24/24"
    line.edits[0].setText("x" * 25)
    assert not dialog.ready and line.counters[0].text() == "25/24"
    line.edits[0].setText("x" * 17)
    assert dialog.ready and line.counters[0].text() == "17/24"
    dialog.reject()


def test_a_message_grows_the_dialog_and_keeps_every_field_s_height(qtbot: QtBot, make_desk: DeskFactory) -> None:
    page = page_for(qtbot, make_desk())
    dialog = opened(qtbot, page.open_key_type(edit=True))
    qtbot.waitExposed(dialog)
    fields = [dialog.name, dialog.description, *dialog.print_info, dialog.access]
    heights, tall = [field.height() for field in fields], dialog.height()
    dialog.message.show_error(" ".join(["A long refusal that wraps over several lines of the dialog."] * 6))
    qtbot.waitUntil(lambda: dialog.height() > tall, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: dialog.message.height() > 3 * dialog.fontMetrics().height(), timeout=WAIT_MS)
    assert [field.height() for field in fields] == heights
    dialog.reject()
