"""Key types and their products: the lists, the key-type dialog, deleting (the product dialog: product_dialog.py).

The page reads every key type with its products in one call when it is first shown, so choosing a key
type shows its products without asking the core again; each dialog reads what it shows in one call
when it opens and stores through the core. Nothing here touches the database on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from salto_desk.keys.model import KeyType, KeyTypeSettings
from salto_desk.services.key_types import (
    KeyTypeForm,
    KeyTypeWithProducts,
)
from ui.context import DeskContext
from ui.models.rows import READ_ONLY, Cell, check_box, fill_cells
from ui.settings.common import (
    CHECK_BOX,
    EditDialog,
    LoadedPage,
    Loader,
    MessageLabel,
    Question,
    Say,
    administration_list,
    cell,
    fill_read_only,
    item_at,
    selected_data,
    table,
)
from ui.settings.product_dialog import ProductDialog
from ui.style import Icon, set_icons
from ui.widgets.key_form import PrintInfoLines


class KeyTypeDialog(EditDialog[KeyType]):
    """Name, description, print info (card text lines) and granted / denied authorizations."""

    def __init__(
        self,
        context: DeskContext,
        say: Say,
        administration_id: int,
        key_type_id: int | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context.calls, say, say("Key type", "Sleuteltype"), self._store, parent)
        self.key_types = context.services.key_types
        self.administration_id = administration_id
        self.key_type_id = key_type_id
        self.name = QLineEdit()
        self.description = QLineEdit()
        self.owners_default = QCheckBox(say("Owners' default key type", "Standaardsleuteltype voor eigenaren"))
        self.owners_default.setToolTip(
            say(
                "+Key on the Owners tab starts with this key type; marking it unmarks the administration's other one.",
                "+Sleutel op het tabblad Eigenaren begint met dit sleuteltype; aanvinken haalt het vinkje bij het "
                "andere sleuteltype van de administratie weg.",
            )
        )
        self.print_info_lines = PrintInfoLines(say.language)
        self.print_info = self.print_info_lines.edits
        self.access = QTableWidget(0, 3)
        self.access.setHorizontalHeaderLabels(
            [say("Authorization", "Autorisatie"), say("Grant", "Toestaan"), say("Deny", "Weigeren")]
        )
        self.access.verticalHeader().hide()
        self.access.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.errors.fields = {
            "name": self.name,
            "description": self.description,
            "print_info": self.print_info[0],
            "granted": self.access,
            "denied": self.access,
        }
        form = QFormLayout()
        form.addRow(say("Name", "Naam"), self.name)
        form.addRow(say("Description", "Omschrijving"), self.description)
        form.addRow("", self.owners_default)
        self.print_info_lines.add_rows(form)
        self.hint = QLabel(
            say(
                "No authorizations are named yet: name them on the Administration page first.",
                "Er zijn nog geen autorisaties benoemd: geef ze eerst een naam op de pagina Administratie.",
            )
        )
        self.hint.hide()
        key_types = self.key_types
        self.loader = Loader(
            self,
            context.calls,
            say,
            lambda: lambda: key_types.key_type_form(administration_id, key_type_id),
            self._fill,
            self.show_load_error,
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.loader.notice)
        layout.addLayout(form)
        layout.addWidget(self.access)
        layout.addWidget(self.hint)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.loaded = False
        for line in self.print_info:
            line.textChanged.connect(self._update_ok)
        self.set_ready(False)

    @Slot()
    def _update_ok(self) -> None:
        """OK waits for the form and for print info that fits the card (the counters say which line not)."""
        self.set_ready(self.loaded and self.print_info_lines.fit())

    def _fill(self, form: KeyTypeForm) -> None:
        key_type = form.key_type
        self.name.setText(key_type.name if key_type else "")
        self.description.setText(key_type.description if key_type else "")
        self.owners_default.setChecked(key_type.owners_default if key_type else False)
        self.print_info_lines.set_encoding(form.administration.text_encoding)
        self.print_info_lines.set_lines(key_type.print_info if key_type else ())
        named = {each.number: each.name for each in form.names}
        granted = set(key_type.granted) if key_type else set()
        denied = set(key_type.denied) if key_type else set()
        numbers = sorted(set(named) | granted | denied)
        fill_cells(
            self.access,
            [
                (
                    cell(f"{number} {named.get(number, '')}".strip(), number),
                    check_box(number in granted),
                    check_box(number in denied),
                )
                for number in numbers
            ],
            (READ_ONLY, CHECK_BOX, CHECK_BOX),
        )
        self.hint.setVisible(not numbers)
        self.loaded = True
        self._update_ok()

    def _store(self) -> Callable[[], KeyType]:
        key_types, key_type_id, settings = self.key_types, self.key_type_id, self.settings()
        return lambda: key_types.save_key_type(key_type_id, settings)

    def settings(self) -> KeyTypeSettings:
        granted, denied = [], []
        for row in range(self.access.rowCount()):
            number = item_at(self.access, row, 0).data(Qt.ItemDataRole.UserRole)
            if item_at(self.access, row, 1).checkState() == Qt.CheckState.Checked:
                granted.append(number)
            if item_at(self.access, row, 2).checkState() == Qt.CheckState.Checked:
                denied.append(number)
        return KeyTypeSettings(
            administration_id=self.administration_id,
            name=self.name.text(),
            description=self.description.text(),
            print_info=tuple(line.text() for line in self.print_info),
            granted=tuple(granted),
            denied=tuple(denied),
            owners_default=self.owners_default.isChecked(),
        )

    def set_access(self, number: int, *, granted: bool = False, denied: bool = False) -> None:
        """Tick Grant / Deny of one authorization (what the user does by clicking the boxes)."""
        for row in range(self.access.rowCount()):
            if item_at(self.access, row, 0).data(Qt.ItemDataRole.UserRole) == number:
                for column, on in ((1, granted), (2, denied)):
                    item_at(self.access, row, column).setCheckState(
                        Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
                    )


class KeyTypesPage(LoadedPage):
    """The key types of one administration with their product counts, and the products of the selected one."""

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.say = say = Say(context.language)
        self.administration_id: int | None = None
        self.rows: list[KeyTypeWithProducts] = []
        self.dialog: KeyTypeDialog | ProductDialog | None = None
        self.question: Question | None = None
        self._select_next: int | None = None
        self.deleting = False
        self.key_types = table(
            [say("Key type", "Sleuteltype"), say("Description", "Omschrijving"), say("Products", "Producten")]
        )
        self.products = table(
            [
                say("Product", "Product"),
                say("Filters", "Filters"),
                say("Activation", "Activering"),
                say("Fixed times", "Vaste tijden"),
            ]
        )
        self.add_key_type = QPushButton(say("+Key type", "+Sleuteltype"))
        self.edit_key_type = QPushButton(say("Edit", "Wijzigen"))
        self.delete_key_type = QPushButton(say("Delete", "Verwijderen"))
        self.add_product = QPushButton(say("+Product", "+Product"))
        self.edit_product = QPushButton(say("Edit", "Wijzigen"))
        self.delete_product = QPushButton(say("Delete", "Verwijderen"))
        set_icons((self.edit_key_type, Icon.EDIT), (self.delete_key_type, Icon.DELETE), (self.edit_product, Icon.EDIT),
                  (self.delete_product, Icon.DELETE))  # fmt: skip
        self.message = MessageLabel()
        self.products_title = QLabel()
        self.loader = Loader(
            self,
            context.calls,
            say,
            self._fetch,
            self._show_list,
            lambda error: self.message.show_error(say.error(error)),
            stale=False,
        )

        key_buttons = QHBoxLayout()
        for button in (self.add_key_type, self.edit_key_type, self.delete_key_type):
            key_buttons.addWidget(button)
        key_buttons.addStretch(1)
        product_buttons = QHBoxLayout()
        for button in (self.add_product, self.edit_product, self.delete_product):
            product_buttons.addWidget(button)
        product_buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(key_buttons)
        layout.addWidget(self.loader.notice)
        layout.addWidget(self.key_types, 1)
        layout.addWidget(self.products_title)
        layout.addLayout(product_buttons)
        layout.addWidget(self.products, 1)
        layout.addWidget(self.message)

        self.key_types.itemSelectionChanged.connect(self._show_products)
        self.products.itemSelectionChanged.connect(self._update_buttons)
        self.key_types.cellDoubleClicked.connect(lambda _row, _column: self.open_key_type(edit=True))
        self.products.cellDoubleClicked.connect(lambda _row, _column: self.open_product(edit=True))
        self.add_key_type.clicked.connect(lambda: self.open_key_type(edit=False))
        self.edit_key_type.clicked.connect(lambda: self.open_key_type(edit=True))
        self.delete_key_type.clicked.connect(self.ask_delete_key_type)
        self.add_product.clicked.connect(lambda: self.open_product(edit=False))
        self.edit_product.clicked.connect(lambda: self.open_product(edit=True))
        self.delete_product.clicked.connect(self.ask_delete_product)
        self._show_products()

    # --- lists -----------------------------------------------------------------------------------

    def show_administration(self, administration_id: int | None) -> None:
        self.administration_id = administration_id
        self.message.clear_message()
        self.refresh()

    def _fetch(self) -> Callable[[], list[KeyTypeWithProducts]]:
        return administration_list(self.administration_id, self.context.services.key_types.listed)

    def _show_list(self, rows: list[KeyTypeWithProducts]) -> None:
        selected = self._select_next if self._select_next is not None else selected_data(self.key_types)
        self._select_next = None
        self.rows = rows
        self.key_types.blockSignals(True)  # one products list for the whole refill, below
        owners = self.say(" · owners' default", " · standaard voor eigenaren")
        fill_read_only(
            self.key_types,
            [
                (
                    cell(row.key_type.name + (owners if row.key_type.owners_default else ""), row.key_type.id),
                    cell(row.key_type.description),
                    cell(str(len(row.products))),
                )
                for row in rows
            ],
        )
        for number, row in enumerate(rows):
            if row.key_type.id == selected:
                self.key_types.selectRow(number)
        if rows and self.key_types.currentRow() < 0:
            self.key_types.selectRow(0)
        self.key_types.blockSignals(False)
        self._show_products()

    def select_key_type(self, key_type_id: int) -> None:
        for row in range(self.key_types.rowCount()):
            if item_at(self.key_types, row, 0).data(Qt.ItemDataRole.UserRole) == key_type_id:
                self.key_types.selectRow(row)

    def _selected_row(self) -> KeyTypeWithProducts | None:
        key_type_id = selected_data(self.key_types)
        return next((row for row in self.rows if row.key_type.id == key_type_id), None)

    @Slot()
    def _show_products(self) -> None:
        say = self.say
        selected = self._selected_row()
        if selected is not None:
            name = selected.key_type.name
            self.products_title.setText(say(f"Products of {name}", f"Producten van {name}"))
        else:
            self.products_title.setText(
                say("Select a key type to see its products.", "Kies een sleuteltype om de producten te zien.")
            )
        rows: list[tuple[Cell, ...]] = []
        for product in selected.products if selected is not None else ():
            filters = "; ".join(
                ", ".join(values)
                for values in (product.labels, product.object_types, product.costs, product.extras)
                if values
            )
            activation = []
            if product.wait_for_check_in:
                activation.append(say("at check-in", "bij inchecken"))
            if product.deliver_to_guest:
                days = product.delivery_days_before
                activation.append(
                    say(f"to phone {days} days before arrival", f"naar telefoon {days} dagen voor aankomst")
                )
            times = (
                " - ".join(
                    value.strftime("%H:%M") if value else ""
                    for value in (product.fixed_start_time, product.fixed_end_time)
                )
                if (product.fixed_start_time or product.fixed_end_time)
                else ""
            )
            rows.append(
                (
                    cell(product.name, product.id),
                    cell(filters or say("every booking", "elke boeking")),
                    cell(", ".join(activation)),
                    cell(times),
                )
            )
        fill_read_only(self.products, rows)
        self._update_buttons()

    @Slot()
    def _update_buttons(self) -> None:
        has_administration = self.administration_id is not None
        has_key_type = selected_data(self.key_types) is not None
        has_product = selected_data(self.products) is not None
        self.add_key_type.setEnabled(has_administration)
        self.edit_key_type.setEnabled(has_key_type)
        self.delete_key_type.setEnabled(has_key_type and not self.deleting)
        self.add_product.setEnabled(has_key_type)
        self.edit_product.setEnabled(has_product)
        self.delete_product.setEnabled(has_product and not self.deleting)

    # --- dialogs ---------------------------------------------------------------------------------

    def open_key_type(self, *, edit: bool) -> KeyTypeDialog | None:
        """Open the key-type dialog (it reads what it shows through the core once open)."""
        administration_id = self.administration_id
        key_type_id = selected_data(self.key_types) if edit else None
        if administration_id is None or (edit and not isinstance(key_type_id, int)):
            return None
        dialog = KeyTypeDialog(
            self.context, self.say, administration_id, key_type_id if isinstance(key_type_id, int) else None, self
        )
        dialog.accepted.connect(lambda: self._saved(dialog.result_value))
        self._open(dialog)
        return dialog

    def open_product(self, *, edit: bool) -> ProductDialog | None:
        key_type_id = selected_data(self.key_types)
        product_id = selected_data(self.products) if edit else None
        administration_id = self.administration_id
        if administration_id is None or not isinstance(key_type_id, int) or (edit and not isinstance(product_id, int)):
            return None
        dialog = ProductDialog(
            self.context,
            self.say,
            administration_id,
            key_type_id,
            product_id if isinstance(product_id, int) else None,
            self,
        )
        dialog.accepted.connect(lambda: self._saved(None))
        self._open(dialog)
        return dialog

    def _open(self, dialog: KeyTypeDialog | ProductDialog) -> None:
        self.message.clear_message()
        self.dialog = dialog
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _saved(self, key_type: KeyType | None) -> None:
        """Something was stored: read the list again (selecting a key type just stored) and tell the desk."""
        if key_type is not None:
            self._select_next = key_type.id
        self.refresh()
        self.context.events.config_changed.emit()

    # --- deleting --------------------------------------------------------------------------------

    @Slot()
    def ask_delete_key_type(self) -> None:
        key_type_id = selected_data(self.key_types)
        if not isinstance(key_type_id, int) or self.deleting:
            return
        say, key_types = self.say, self.context.services.key_types
        name = item_at(self.key_types, self.key_types.currentRow(), 0).text()
        self._ask(
            say(
                f"Delete the key type {name} and its products?", f"Het sleuteltype {name} en de producten verwijderen?"
            ),
            lambda: key_types.delete_key_type(key_type_id),
        )

    @Slot()
    def ask_delete_product(self) -> None:
        product_id = selected_data(self.products)
        if not isinstance(product_id, int) or self.deleting:
            return
        say, key_types = self.say, self.context.services.key_types
        name = item_at(self.products, self.products.currentRow(), 0).text()
        self._ask(
            say(f"Delete the product {name}?", f"Het product {name} verwijderen?"),
            lambda: key_types.delete_product(product_id),
        )

    def _ask(self, text: str, delete: Callable[[], None]) -> None:
        """Ask first; on Yes run ``delete`` through the core."""
        self.question = Question(self, self.say("Delete", "Verwijderen"), text, lambda: self._delete(delete))
        self.question.open()

    def _delete(self, delete: Callable[[], None]) -> None:
        self.deleting = True
        self._update_buttons()
        self.context.calls.run(self, delete, self._deleted, self._not_deleted)

    def _deleted(self, _none: None) -> None:
        self.deleting = False
        self._saved(None)

    def _not_deleted(self, error: Exception) -> None:
        self.deleting = False
        self._update_buttons()
        self.message.show_error(self.say.error(error))
