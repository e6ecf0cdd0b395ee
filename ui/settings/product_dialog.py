"""The product dialog: filters offered from the synced PMS data, activation rules, fixed times and a preview
of the reservations the product would match (all read through the core, off the GUI thread)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time

from PySide6.QtCore import Qt, QTime, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from salto_desk.errors import Text, ValidationError
from salto_desk.keys.model import Product, ProductSettings
from salto_desk.keys.validation import MAX_DELIVERY_DAYS
from salto_desk.services.key_types import PREVIEW_DAYS, CachedReservation, ProductForm
from ui.context import DeskContext
from ui.models.rows import check_box, fill_list
from ui.settings.common import CHECK_BOX, EditDialog, Loader, MessageLabel, Say, cell, fill_read_only, table
from ui.widgets.moment_edit import TimeEdit

_FILTERS = (
    ("labels", Text("Object labels", "Objectlabels")),
    ("object_types", Text("Object types", "Objecttypes")),
    ("costs", Text("Mandatory costs", "Verplichte kosten")),
    ("extras", Text("Extras", "Extra's")),
)


class ProductDialog(EditDialog[Product]):
    """A product: filters offered from the synced PMS data, activation rules, fixed times and a preview."""

    def __init__(
        self,
        context: DeskContext,
        say: Say,
        administration_id: int,
        key_type_id: int,
        product_id: int | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context.calls, say, say("Product", "Product"), self._store, parent)
        self.context = context
        self.key_types = key_types = context.services.key_types
        self.administration_id = administration_id
        self.key_type_id = key_type_id
        self.product_id = product_id
        self.name = QLineEdit()
        self.filters: dict[str, QListWidget] = {}
        grid = QGridLayout()
        for column, (field, label) in enumerate(_FILTERS):
            widget = QListWidget()
            grid.addWidget(QLabel(label(say.language)), 0, column)
            grid.addWidget(widget, 1, column)
            self.filters[field] = widget
        filters_box = QGroupBox(
            say("Filters (nothing ticked: every booking)", "Filters (niets aangevinkt: elke boeking)")
        )
        filters_box.setLayout(grid)
        self.no_data = QLabel(
            say(
                "No PMS data synced yet, so there is nothing to choose from; run a sync first.",
                "Nog geen PMS-gegevens gesynchroniseerd, dus er valt niets te kiezen; synchroniseer eerst.",
            )
        )
        self.no_data.hide()

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
        self.start_time = TimeEdit()
        self.fixed_end = QCheckBox(say("Fixed end time", "Vaste eindtijd"))
        self.end_time = TimeEdit()
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
        self.loader = Loader(
            self,
            context.calls,
            say,
            lambda: lambda: key_types.product_form(administration_id, product_id),
            self._fill,
            self.show_load_error,
        )

        rules = QFormLayout()
        rules.addRow(say("Name", "Naam"), self.name)
        rules.addRow(self.wait_for_check_in)
        rules.addRow(self.deliver, self.days_before)
        rules.addRow(self.fixed_start, self.start_time)
        rules.addRow(self.fixed_end, self.end_time)
        layout = QVBoxLayout(self)
        layout.addWidget(self.loader.notice)
        layout.addLayout(rules)
        layout.addWidget(filters_box)
        layout.addWidget(self.no_data)
        layout.addWidget(self.preview_button)
        layout.addWidget(self.preview_message)
        layout.addWidget(self.preview)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.set_ready(False)
        self.preview_button.setEnabled(False)

    def _fill(self, form: ProductForm) -> None:
        product = form.product
        self.name.setText(product.name if product else "")
        for field, widget in self.filters.items():
            chosen = set(getattr(product, field)) if product else set()
            offered = sorted(set(getattr(form.choices, field)) | chosen, key=str.casefold)
            fill_list(widget, [check_box(value in chosen, value) for value in offered], CHECK_BOX)
        self.no_data.setVisible(not any(widget.count() for widget in self.filters.values()))
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
        self.set_ready(True)
        self.preview_button.setEnabled(True)

    def _store(self) -> Callable[[], Product]:
        key_types, product_id, settings = self.key_types, self.product_id, self.settings()
        return lambda: key_types.save_product(product_id, settings)

    def settings(self) -> ProductSettings:
        def ticked(field: str) -> tuple[str, ...]:
            widget = self.filters[field]
            return tuple(
                widget.item(row).text()
                for row in range(widget.count())
                if widget.item(row).checkState() == Qt.CheckState.Checked
            )

        def fixed(box: QCheckBox, edit: TimeEdit) -> time | None:
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
        """The reservations of the coming days the product as entered would match, through the core."""
        say = self.say
        if not self.preview_button.isEnabled():
            return
        self.errors.clear()
        self.preview.setRowCount(0)
        administration_id, settings, key_types = self.administration_id, self.settings(), self.key_types
        self.preview_button.setEnabled(False)
        self.preview_message.show_info(say("Looking for matching reservations...", "Passende reserveringen zoeken..."))
        self.calls.run(
            self,
            lambda: key_types.preview(administration_id, settings, days=PREVIEW_DAYS),
            self._show_preview,
            self._preview_failed,
        )

    def _show_preview(self, reservations: list[CachedReservation]) -> None:
        say = self.say
        self.preview_button.setEnabled(True)
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

    def _preview_failed(self, error: Exception) -> None:
        self.preview_button.setEnabled(True)
        if isinstance(error, ValidationError):  # the product as entered: shown at its field
            self.preview_message.clear_message()
            self.errors.show(error)
        else:
            self.preview_message.show_error(self.say.error(error))
