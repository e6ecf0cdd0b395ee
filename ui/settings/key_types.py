"""Key types and their products: lists, create/edit/delete dialogs and the product preview."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import time

from PySide6.QtCore import Qt, QTime, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from salto_desk.errors import SaltoDeskError, Text
from salto_desk.keys.model import Administration, AuthorizationName, KeyType, KeyTypeSettings, Product, ProductSettings
from salto_desk.keys.validation import MAX_DELIVERY_DAYS, validate_product
from salto_desk.storage.config_repository import ConfigRepository
from salto_desk.storage.pms_repository import CachedReservation, FilterChoices, PmsRepository
from ui.context import DeskContext
from ui.models.rows import READ_ONLY, Cell, check_box, fill_cells, fill_list
from ui.settings.common import (
    EditDialog,
    JobRunner,
    MessageLabel,
    Question,
    Say,
    cell,
    fill_read_only,
    item_at,
    selected_data,
    table,
)
from ui.widgets.key_form import PrintInfoLines

PREVIEW_DAYS = 30
CHECK_BOX = Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled


class KeyTypeDialog(EditDialog):
    """Name, description, print info (card text lines) and granted / denied authorizations."""

    def __init__(
        self,
        say: Say,
        administration: Administration,
        names: Sequence[AuthorizationName],
        key_type: KeyType | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(say, say("Key type", "Sleuteltype"), parent)
        self.administration_id = administration.id
        self.name = QLineEdit(key_type.name if key_type else "")
        self.description = QLineEdit(key_type.description if key_type else "")
        self.print_info_lines = PrintInfoLines(say.language, administration.text_encoding)
        self.print_info_lines.set_lines(key_type.print_info if key_type else ())
        self.print_info = self.print_info_lines.edits
        named = {each.number: each.name for each in names}
        granted = set(key_type.granted) if key_type else set()
        denied = set(key_type.denied) if key_type else set()
        numbers = sorted(set(named) | granted | denied)
        self.access = QTableWidget(0, 3)
        self.access.setHorizontalHeaderLabels(
            [say("Authorization", "Autorisatie"), say("Grant", "Toestaan"), say("Deny", "Weigeren")]
        )
        self.access.verticalHeader().hide()
        self.access.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
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
        self.print_info_lines.add_rows(form)
        hint = QLabel(
            say(
                "No authorizations are named yet: name them on the Administration page first.",
                "Er zijn nog geen autorisaties benoemd: geef ze eerst een naam op de pagina Administratie.",
            )
        )
        hint.setVisible(not numbers)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.access)
        layout.addWidget(hint)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

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
        )

    def set_access(self, number: int, *, granted: bool = False, denied: bool = False) -> None:
        """Tick Grant / Deny of one authorization (what the user does by clicking the boxes)."""
        for row in range(self.access.rowCount()):
            if item_at(self.access, row, 0).data(Qt.ItemDataRole.UserRole) == number:
                for column, on in ((1, granted), (2, denied)):
                    item_at(self.access, row, column).setCheckState(
                        Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
                    )


_FILTERS = (
    ("labels", Text("Object labels", "Objectlabels")),
    ("object_types", Text("Object types", "Objecttypes")),
    ("costs", Text("Mandatory costs", "Verplichte kosten")),
    ("extras", Text("Extras", "Extra's")),
)


class ProductDialog(EditDialog):
    """A product: filters offered from the synced PMS data, activation rules, fixed times and a preview."""

    def __init__(
        self,
        context: DeskContext,
        say: Say,
        administration_id: int,
        key_type_id: int,
        choices: FilterChoices,
        product: Product | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(say, say("Product", "Product"), parent)
        self.context = context
        self.administration_id = administration_id
        self.key_type_id = key_type_id
        self.jobs = JobRunner(context.background, self)
        self.name = QLineEdit(product.name if product else "")
        self.filters: dict[str, QListWidget] = {}
        grid = QGridLayout()
        for column, (field, label) in enumerate(_FILTERS):
            chosen = set(getattr(product, field)) if product else set()
            offered = sorted(set(getattr(choices, field)) | chosen, key=str.casefold)
            widget = QListWidget()
            fill_list(widget, [check_box(value in chosen, value) for value in offered], CHECK_BOX)
            grid.addWidget(QLabel(label(say.language)), 0, column)
            grid.addWidget(widget, 1, column)
            self.filters[field] = widget
        filters_box = QGroupBox(
            say("Filters (nothing ticked: every booking)", "Filters (niets aangevinkt: elke boeking)")
        )
        filters_box.setLayout(grid)
        no_data = QLabel(
            say(
                "No PMS data synced yet, so there is nothing to choose from; run a sync first.",
                "Nog geen PMS-gegevens gesynchroniseerd, dus er valt niets te kiezen; synchroniseer eerst.",
            )
        )
        no_data.setVisible(not any(widget.count() for widget in self.filters.values()))

        self.wait_for_check_in = QCheckBox(
            say(
                "Wait for check-in (activate the key when the booking checks in)",
                "Wacht op inchecken (activeer de sleutel als de boeking incheckt)",
            )
        )
        self.deliver = QCheckBox(
            say(
                "Deliver keys to the guest's phone (JustIN Mobile)",
                "Sleutels naar de telefoon van de gast sturen (JustIN Mobile)",
            )
        )
        self.days_before = QSpinBox()
        self.days_before.setRange(0, MAX_DELIVERY_DAYS)
        self.days_before.setSuffix(say(" days before arrival", " dagen voor aankomst"))
        self.fixed_start = QCheckBox(say("Fixed start time", "Vaste begintijd"))
        self.start_time = QTimeEdit()
        self.start_time.setDisplayFormat("HH:mm")
        self.fixed_end = QCheckBox(say("Fixed end time", "Vaste eindtijd"))
        self.end_time = QTimeEdit()
        self.end_time.setDisplayFormat("HH:mm")
        if product is not None:
            self.wait_for_check_in.setChecked(product.wait_for_check_in)
            self.deliver.setChecked(product.deliver_to_guest)
            self.days_before.setValue(product.delivery_days_before)
            for box, edit, value in (
                (self.fixed_start, self.start_time, product.fixed_start_time),
                (self.fixed_end, self.end_time, product.fixed_end_time),
            ):
                box.setChecked(value is not None)
                if value is not None:
                    edit.setTime(QTime(value.hour, value.minute))
        switched: tuple[tuple[QCheckBox, QWidget], ...] = (
            (self.deliver, self.days_before),
            (self.fixed_start, self.start_time),
            (self.fixed_end, self.end_time),
        )
        for box, control in switched:
            control.setEnabled(box.isChecked())
            box.toggled.connect(control.setEnabled)

        self.preview_button = QPushButton(say("Preview matching reservations", "Voorbeeld van passende reserveringen"))
        self.preview_message = MessageLabel()
        self.preview = table(
            [
                say("Booking", "Boeking"),
                say("Guest", "Gast"),
                say("Object", "Object"),
                say("Arrival", "Aankomst"),
                say("Departure", "Vertrek"),
            ]
        )
        self.preview_button.clicked.connect(self.run_preview)
        self.errors.fields = {
            "name": self.name,
            "delivery_days_before": self.days_before,
            "fixed_start_time": self.start_time,
            "fixed_end_time": self.end_time,
            **self.filters,
        }

        rules = QFormLayout()
        rules.addRow(say("Name", "Naam"), self.name)
        rules.addRow(self.wait_for_check_in)
        rules.addRow(self.deliver, self.days_before)
        rules.addRow(self.fixed_start, self.start_time)
        rules.addRow(self.fixed_end, self.end_time)
        layout = QVBoxLayout(self)
        layout.addLayout(rules)
        layout.addWidget(filters_box)
        layout.addWidget(no_data)
        layout.addWidget(self.preview_button)
        layout.addWidget(self.preview_message)
        layout.addWidget(self.preview)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def settings(self) -> ProductSettings:
        def ticked(field: str) -> tuple[str, ...]:
            widget = self.filters[field]
            return tuple(
                widget.item(row).text()
                for row in range(widget.count())
                if widget.item(row).checkState() == Qt.CheckState.Checked
            )

        def fixed(box: QCheckBox, edit: QTimeEdit) -> time | None:
            return time(edit.time().hour(), edit.time().minute()) if box.isChecked() else None

        return ProductSettings(
            key_type_id=self.key_type_id,
            name=self.name.text(),
            labels=ticked("labels"),
            object_types=ticked("object_types"),
            costs=ticked("costs"),
            extras=ticked("extras"),
            wait_for_check_in=self.wait_for_check_in.isChecked(),
            deliver_to_guest=self.deliver.isChecked(),
            delivery_days_before=self.days_before.value() if self.deliver.isChecked() else 0,
            fixed_start_time=fixed(self.fixed_start, self.start_time),
            fixed_end_time=fixed(self.fixed_end, self.end_time),
        )

    def tick(self, field: str, value: str, on: bool = True) -> None:
        """Tick or untick one filter value (what the user does by clicking it)."""
        widget = self.filters[field]
        for row in range(widget.count()):
            if widget.item(row).text() == value:
                widget.item(row).setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    @Slot()
    def run_preview(self) -> None:
        say = self.say
        self.errors.clear()
        self.preview.setRowCount(0)
        engine = self.context.sync_engine
        if engine is None:
            self.preview_message.show_error(
                say(
                    "The preview needs the PMS connection; set the BEX address and API key on the PMS page first.",
                    "Het voorbeeld heeft de PMS-koppeling nodig; stel eerst het BEX-adres en de API-sleutel in op de "
                    "pagina PMS.",
                )
            )
            return
        try:
            settings = validate_product(replace(self.settings(), name=self.name.text() or "preview"))
        except SaltoDeskError as error:
            self.errors.show(error)
            return
        administration_id = self.administration_id
        self.preview_button.setEnabled(False)
        self.preview_message.show_info(say("Looking for matching reservations...", "Passende reserveringen zoeken..."))
        self.jobs.run(
            "product preview",
            lambda _report: engine.matching_reservations(administration_id, settings, days=PREVIEW_DAYS),
            self._show_preview,
            self._preview_failed,
        )

    def _show_preview(self, result: object) -> None:
        say = self.say
        self.preview_button.setEnabled(True)
        reservations: list[CachedReservation] = list(result)  # type: ignore[call-overload]
        fill_read_only(
            self.preview,
            [
                [
                    cell(value, each.pms_id)
                    for value in (
                        each.booking_nr,
                        each.guest_name,
                        each.door_name or each.object_name,
                        each.start_date.isoformat(),
                        each.end_date.isoformat(),
                    )
                ]
                for each in reservations
            ],
        )
        self.preview_message.show_info(
            say(
                f"{len(reservations)} reservations in the next {PREVIEW_DAYS} days would get this key type.",
                f"{len(reservations)} reserveringen in de komende {PREVIEW_DAYS} dagen zouden dit sleuteltype krijgen.",
            )
        )

    def _preview_failed(self, error: BaseException) -> None:
        self.preview_button.setEnabled(True)
        self.preview_message.show_error(self.say.error(error))


class KeyTypesPage(QWidget):
    """The key types of one administration with their product counts, and the products of the selected one."""

    changed = Signal()

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.say = say = Say(context.language)
        self.administration_id: int | None = None
        self.dialog: EditDialog | None = None
        self.question: Question | None = None
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
        self.message = MessageLabel()
        self.products_title = QLabel()

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
        layout.addWidget(self.key_types, 1)
        layout.addWidget(self.products_title)
        layout.addLayout(product_buttons)
        layout.addWidget(self.products, 1)
        layout.addWidget(self.message)

        self.key_types.itemSelectionChanged.connect(self._show_products)
        self.key_types.cellDoubleClicked.connect(lambda _row, _column: self.open_key_type(edit=True))
        self.products.cellDoubleClicked.connect(lambda _row, _column: self.open_product(edit=True))
        self.add_key_type.clicked.connect(lambda: self.open_key_type(edit=False))
        self.edit_key_type.clicked.connect(lambda: self.open_key_type(edit=True))
        self.delete_key_type.clicked.connect(self.ask_delete_key_type)
        self.add_product.clicked.connect(lambda: self.open_product(edit=False))
        self.edit_product.clicked.connect(lambda: self.open_product(edit=True))
        self.delete_product.clicked.connect(self.ask_delete_product)
        self._update_buttons()

    # --- lists -----------------------------------------------------------------------------------

    def show_administration(self, administration_id: int | None) -> None:
        self.administration_id = administration_id
        self.refresh()

    def refresh(self) -> None:
        selected = selected_data(self.key_types)
        rows: list[tuple[KeyType, int]] = []
        if self.administration_id is not None:
            with self.context.database.unit_of_work() as session:
                config = ConfigRepository(session)
                rows = [(each, len(config.products(each.id))) for each in config.key_types(self.administration_id)]
        fill_read_only(
            self.key_types,
            [
                (cell(key_type.name, key_type.id), cell(key_type.description), cell(str(count)))
                for key_type, count in rows
            ],
        )
        for row, (key_type, _count) in enumerate(rows):
            if key_type.id == selected:
                self.key_types.selectRow(row)
        if rows and self.key_types.currentRow() < 0:
            self.key_types.selectRow(0)
        self._show_products()

    def select_key_type(self, key_type_id: int) -> None:
        for row in range(self.key_types.rowCount()):
            if item_at(self.key_types, row, 0).data(Qt.ItemDataRole.UserRole) == key_type_id:
                self.key_types.selectRow(row)

    @Slot()
    def _show_products(self) -> None:
        say = self.say
        key_type_id = selected_data(self.key_types)
        products: list[Product] = []
        if isinstance(key_type_id, int):
            with self.context.database.unit_of_work() as session:
                products = ConfigRepository(session).products(key_type_id)
            name = item_at(self.key_types, self.key_types.currentRow(), 0).text()
            self.products_title.setText(say(f"Products of {name}", f"Producten van {name}"))
        else:
            self.products_title.setText(
                say("Select a key type to see its products.", "Kies een sleuteltype om de producten te zien.")
            )
        rows: list[tuple[Cell, ...]] = []
        for product in products:
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

    def _update_buttons(self) -> None:
        has_administration = self.administration_id is not None
        has_key_type = selected_data(self.key_types) is not None
        self.add_key_type.setEnabled(has_administration)
        self.edit_key_type.setEnabled(has_key_type)
        self.delete_key_type.setEnabled(has_key_type)
        self.add_product.setEnabled(has_key_type)
        self.edit_product.setEnabled(selected_data(self.products) is not None)
        self.delete_product.setEnabled(selected_data(self.products) is not None)

    # --- dialogs ---------------------------------------------------------------------------------

    def open_key_type(self, *, edit: bool) -> KeyTypeDialog | None:
        administration_id = self.administration_id
        key_type_id = selected_data(self.key_types) if edit else None
        if administration_id is None or (edit and not isinstance(key_type_id, int)):
            return None
        with self.context.database.unit_of_work() as session:
            config = ConfigRepository(session)
            administration = config.administration(administration_id)
            names = config.authorization_names(administration_id)
            current = config.key_type(key_type_id) if isinstance(key_type_id, int) else None
        dialog = KeyTypeDialog(self.say, administration, names, current, self)

        def save() -> KeyType:
            with self.context.database.unit_of_work() as session:
                config = ConfigRepository(session)
                if current is None:
                    return config.add_key_type(dialog.settings())
                return config.update_key_type(current.id, dialog.settings())

        dialog.save = save
        dialog.accepted.connect(lambda: self._saved(dialog.result_value))
        self._open(dialog)
        return dialog

    def open_product(self, *, edit: bool) -> ProductDialog | None:
        key_type_id = selected_data(self.key_types)
        product_id = selected_data(self.products) if edit else None
        administration_id = self.administration_id
        if administration_id is None or not isinstance(key_type_id, int) or (edit and not isinstance(product_id, int)):
            return None
        with self.context.database.unit_of_work() as session:
            current = ConfigRepository(session).product(product_id) if isinstance(product_id, int) else None
            choices = PmsRepository(session).filter_choices(administration_id)
        dialog = ProductDialog(self.context, self.say, administration_id, key_type_id, choices, current, self)

        def save() -> Product:
            with self.context.database.unit_of_work() as session:
                config = ConfigRepository(session)
                if current is None:
                    return config.add_product(dialog.settings())
                return config.update_product(current.id, dialog.settings())

        dialog.save = save
        dialog.accepted.connect(lambda: self._saved(None))
        self._open(dialog)
        return dialog

    def _open(self, dialog: EditDialog) -> None:
        self.message.clear_message()
        self.dialog = dialog
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _saved(self, key_type: object) -> None:
        self.refresh()
        if isinstance(key_type, KeyType):
            self.select_key_type(key_type.id)
        self.context.events.config_changed.emit()
        self.changed.emit()

    # --- deleting --------------------------------------------------------------------------------

    @Slot()
    def ask_delete_key_type(self) -> None:
        key_type_id = selected_data(self.key_types)
        if not isinstance(key_type_id, int):
            return
        say = self.say
        name = item_at(self.key_types, self.key_types.currentRow(), 0).text()
        self._ask(
            say(
                f"Delete the key type {name} and its products?", f"Het sleuteltype {name} en de producten verwijderen?"
            ),
            lambda: self._delete(lambda config: config.delete_key_type(key_type_id)),
        )

    @Slot()
    def ask_delete_product(self) -> None:
        product_id = selected_data(self.products)
        if not isinstance(product_id, int):
            return
        say = self.say
        name = item_at(self.products, self.products.currentRow(), 0).text()
        self._ask(
            say(f"Delete the product {name}?", f"Het product {name} verwijderen?"),
            lambda: self._delete(lambda config: config.delete_product(product_id)),
        )

    def _ask(self, text: str, on_yes: Callable[[], None]) -> None:
        self.question = Question(self, self.say("Delete", "Verwijderen"), text, on_yes)
        self.question.open()

    def _delete(self, action: Callable[[ConfigRepository], None]) -> None:
        try:
            with self.context.database.unit_of_work() as session:
                action(ConfigRepository(session))
        except SaltoDeskError as error:
            self.message.show_error(self.say.error(error))
            return
        self._saved(None)
