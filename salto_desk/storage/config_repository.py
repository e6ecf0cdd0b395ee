"""The configuration the manager and installer edit, validated on every write.

Each write validates first and checks uniqueness inside the caller's unit of work, so invalid input
raises before anything changes and the caller's rollback keeps what was stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from salto_desk.errors import Text, ValidationError
from salto_desk.keys.model import (
    Administration,
    AdministrationSettings,
    AuthorizationName,
    DoorName,
    DoorNameSettings,
    Encoder,
    EncoderSettings,
    KeyType,
    KeyTypeSettings,
    Product,
    ProductSettings,
)
from salto_desk.keys.validation import (
    check_text_lines,
    validate_administration,
    validate_authorization_names,
    validate_door_name,
    validate_encoder,
    validate_key_type,
    validate_product,
)
from salto_desk.protocol.messages import EjectMode
from salto_desk.protocol.text import TextEncoding
from salto_desk.storage.errors import InUseError, NotFoundError
from salto_desk.storage.orm import (
    AdministrationRow,
    AuthorizationRow,
    DoorNameRow,
    EncoderRow,
    KeyRow,
    KeyTypeAccessRow,
    KeyTypeRow,
    ProductFilterRow,
    ProductRow,
)

_ADMINISTRATION = Text("administration", "administratie")
_KEY_TYPE = Text("key type", "sleuteltype")
_PRODUCT = Text("product", "product")
_ENCODER = Text("encoder", "encoder")
_DOOR_NAME = Text("door name", "deurnaam")
FILTER_KINDS = {"labels": "label", "object_types": "object_type", "costs": "cost", "extras": "extra"}
_ADMINISTRATION_FIELDS = tuple(field.name for field in fields(AdministrationSettings))


def _duplicate(field: str, what: Text, value: str) -> ValidationError:
    return ValidationError(
        field,
        Text(f"There already is a {what.en} called {value!r}.", f"Er is al een {what.nl} met de naam {value!r}."),
        Text("Choose another name, or edit the existing one.", "Kies een andere naam, of wijzig de bestaande."),
    )


def _same(first: str, second: str) -> bool:
    return first.casefold() == second.casefold()


def _split_lines(text: str) -> tuple[str, ...]:
    return tuple(text.split("\n")) if text else ()


class ConfigRepository:
    """Configuration reads and writes within one session (one unit of work)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # --- administrations -------------------------------------------------------------------------

    def administrations(self) -> list[Administration]:
        rows = self.session.scalars(select(AdministrationRow).order_by(AdministrationRow.name))
        return [self._administration(row) for row in rows]

    def administration(self, administration_id: int) -> Administration:
        return self._administration(self._administration_row(administration_id))

    def administration_by_pms_id(self, pms_id: str) -> Administration | None:
        row = self.session.scalar(select(AdministrationRow).where(AdministrationRow.pms_id == pms_id.strip()))
        return None if row is None else self._administration(row)

    def add_administration(self, settings: AdministrationSettings) -> Administration:
        valid = validate_administration(settings)
        self._check_unique_pms_id(valid.pms_id, None)
        row = AdministrationRow()
        self._write_administration(row, valid)
        self.session.add(row)
        self.session.flush()
        return self._administration(row)

    def update_administration(self, administration_id: int, settings: AdministrationSettings) -> Administration:
        """Change settings; a new text encoding must still fit every text already configured."""
        row = self._administration_row(administration_id)
        valid = validate_administration(settings)
        self._check_unique_pms_id(valid.pms_id, administration_id)
        if valid.text_encoding != row.text_encoding:
            self._check_texts_fit(administration_id, valid.text_encoding)
        self._write_administration(row, valid)
        self.session.flush()
        return self._administration(row)

    def delete_administration(self, administration_id: int) -> None:
        row = self._administration_row(administration_id)
        keys = self.session.scalar(
            select(func.count()).select_from(KeyRow).where(KeyRow.administration_id == administration_id)
        )
        if keys:
            raise InUseError(
                Text(
                    f"The administration {row.name!r} still has {keys} key data records.",
                    f"De administratie {row.name!r} heeft nog {keys} sleutelgegevens.",
                ),
                Text("Delete its key data first.", "Verwijder eerst de sleutelgegevens."),
            )
        self.session.delete(row)
        self.session.flush()

    # --- authorizations --------------------------------------------------------------------------

    def authorization_names(self, administration_id: int) -> tuple[AuthorizationName, ...]:
        row = self._administration_row(administration_id)
        return tuple(AuthorizationName(each.number, each.name) for each in row.authorizations)

    def replace_authorization_names(
        self, administration_id: int, names: Iterable[AuthorizationName]
    ) -> tuple[AuthorizationName, ...]:
        valid = validate_authorization_names(names)
        row = self._administration_row(administration_id)
        row.authorizations.clear()
        self.session.flush()  # the old rows must be gone before new ones reuse their numbers
        row.authorizations.extend(AuthorizationRow(number=each.number, name=each.name) for each in valid)
        self.session.flush()
        return valid

    # --- key types -------------------------------------------------------------------------------

    def key_types(self, administration_id: int) -> list[KeyType]:
        rows = self.session.scalars(
            select(KeyTypeRow)
            .where(KeyTypeRow.administration_id == administration_id)
            .order_by(KeyTypeRow.name)
            .options(selectinload(KeyTypeRow.access))
        )
        return [self._key_type(row) for row in rows]

    def key_type(self, key_type_id: int) -> KeyType:
        return self._key_type(self._key_type_row(key_type_id))

    def add_key_type(self, settings: KeyTypeSettings) -> KeyType:
        administration = self._administration_row(settings.administration_id)
        valid = validate_key_type(settings, administration.encoding)
        self._check_unique_key_type(valid, None)
        row = KeyTypeRow(administration_id=valid.administration_id)
        self._write_key_type(row, valid)
        self.session.add(row)
        self.session.flush()
        self._keep_one_owners_default(row)
        return self._key_type(row)

    def update_key_type(self, key_type_id: int, settings: KeyTypeSettings) -> KeyType:
        row = self._key_type_row(key_type_id)
        if settings.administration_id != row.administration_id:
            raise ValidationError(
                "administration_id",
                Text(
                    "A key type cannot move to another administration.",
                    "Een sleuteltype kan niet naar een andere administratie.",
                ),
                Text("Create a new key type there instead.", "Maak daar in plaats daarvan een nieuw sleuteltype."),
            )
        administration = self._administration_row(row.administration_id)
        valid = validate_key_type(settings, administration.encoding)
        self._check_unique_key_type(valid, key_type_id)
        self._write_key_type(row, valid)
        self.session.flush()
        self._keep_one_owners_default(row)
        return self._key_type(row)

    def delete_key_type(self, key_type_id: int) -> None:
        row = self._key_type_row(key_type_id)
        keys = self.session.scalar(select(func.count()).select_from(KeyRow).where(KeyRow.key_type_id == key_type_id))
        if keys:
            raise InUseError(
                Text(
                    f"The key type {row.name!r} is used by {keys} key data records.",
                    f"Het sleuteltype {row.name!r} wordt gebruikt door {keys} sleutelgegevens.",
                ),
                Text("Delete or change that key data first.", "Verwijder of wijzig eerst die sleutelgegevens."),
            )
        self.session.delete(row)
        self.session.flush()

    # --- products --------------------------------------------------------------------------------

    def products(self, key_type_id: int) -> list[Product]:
        row = self._key_type_row(key_type_id)
        return [self._product(product) for product in row.products]

    def products_of_administration(self, administration_id: int) -> list[Product]:
        """Every product of the administration, by key type name then product name (matching order)."""
        rows = self.session.scalars(
            select(ProductRow)
            .join(KeyTypeRow)
            .where(KeyTypeRow.administration_id == administration_id)
            .order_by(KeyTypeRow.name, ProductRow.name)
            .options(selectinload(ProductRow.filters))
        )
        return [self._product(row) for row in rows]

    def product(self, product_id: int) -> Product:
        return self._product(self._product_row(product_id))

    def add_product(self, settings: ProductSettings) -> Product:
        self._key_type_row(settings.key_type_id)
        valid = validate_product(settings)
        self._check_unique_product(valid, None)
        row = ProductRow(key_type_id=valid.key_type_id)
        self._write_product(row, valid)
        self.session.add(row)
        self.session.flush()
        return self._product(row)

    def update_product(self, product_id: int, settings: ProductSettings) -> Product:
        row = self._product_row(product_id)
        self._key_type_row(settings.key_type_id)
        valid = validate_product(settings)
        self._check_unique_product(valid, product_id)
        row.key_type_id = valid.key_type_id
        self._write_product(row, valid)
        self.session.flush()
        return self._product(row)

    def delete_product(self, product_id: int) -> None:
        self.session.delete(self._product_row(product_id))
        self.session.flush()

    # --- encoders --------------------------------------------------------------------------------

    def encoders(self, administration_id: int) -> list[Encoder]:
        return [self._encoder(row) for row in self._administration_row(administration_id).encoders]

    def encoder(self, encoder_id: int) -> Encoder:
        return self._encoder(self._encoder_row(encoder_id))

    def add_encoder(self, settings: EncoderSettings) -> Encoder:
        administration = self._administration_row(settings.administration_id)
        valid = validate_encoder(settings, administration.encoding)
        self._check_unique_encoder(valid, None)
        row = EncoderRow(administration_id=valid.administration_id, name=valid.name, external_id=valid.external_id)
        self.session.add(row)
        self.session.flush()
        return self._encoder(row)

    def update_encoder(self, encoder_id: int, settings: EncoderSettings) -> Encoder:
        row = self._encoder_row(encoder_id)
        administration = self._administration_row(row.administration_id)
        valid = validate_encoder(settings, administration.encoding)
        if valid.administration_id != row.administration_id:
            raise ValidationError(
                "administration_id",
                Text(
                    "An encoder cannot move to another administration.",
                    "Een encoder kan niet naar een andere administratie.",
                ),
                Text("Delete it here and add it there.", "Verwijder hem hier en voeg hem daar toe."),
            )
        self._check_unique_encoder(valid, encoder_id)
        row.name, row.external_id = valid.name, valid.external_id
        self.session.flush()
        return self._encoder(row)

    def delete_encoder(self, encoder_id: int) -> None:
        self.session.delete(self._encoder_row(encoder_id))
        self.session.flush()

    # --- door names ------------------------------------------------------------------------------

    def door_names(self, administration_id: int) -> list[DoorName]:
        return [self._door_name(row) for row in self._administration_row(administration_id).door_names]

    def door_name_map(self, administration_id: int) -> dict[str, str]:
        """PMS object id -> SALTO door name, for ``rules.room_names``."""
        return {door.pms_object_id: door.door_name for door in self.door_names(administration_id)}

    def set_door_name(self, settings: DoorNameSettings) -> DoorName:
        """Add or change the door name of one PMS object."""
        administration = self._administration_row(settings.administration_id)
        valid = validate_door_name(settings, administration.encoding)
        row = self.session.scalar(
            select(DoorNameRow).where(
                DoorNameRow.administration_id == valid.administration_id,
                DoorNameRow.pms_object_id == valid.pms_object_id,
            )
        )
        if row is None:
            row = DoorNameRow(administration_id=valid.administration_id, pms_object_id=valid.pms_object_id)
            self.session.add(row)
        row.object_name, row.door_name = valid.object_name, valid.door_name
        self.session.flush()
        return self._door_name(row)

    def delete_door_name(self, door_name_id: int) -> None:
        row = self.session.get(DoorNameRow, door_name_id)
        if row is None:
            raise NotFoundError(_DOOR_NAME, door_name_id)
        self.session.delete(row)
        self.session.flush()

    # --- checks ----------------------------------------------------------------------------------

    def _check_unique_pms_id(self, pms_id: str, own_id: int | None) -> None:
        other = self.session.scalar(select(AdministrationRow.id).where(AdministrationRow.pms_id == pms_id))
        if other is not None and other != own_id:
            raise ValidationError(
                "pms_id",
                Text(
                    f"The PMS administration {pms_id!r} is already set up.",
                    f"De PMS-administratie {pms_id!r} is al ingesteld.",
                ),
                Text(
                    "Edit the existing administration instead.", "Wijzig in plaats daarvan de bestaande administratie."
                ),
            )

    def _check_unique_key_type(self, settings: KeyTypeSettings, own_id: int | None) -> None:
        others = self.session.execute(
            select(KeyTypeRow.id, KeyTypeRow.name).where(KeyTypeRow.administration_id == settings.administration_id)
        )
        if any(_same(name, settings.name) and other != own_id for other, name in others):
            raise _duplicate("name", _KEY_TYPE, settings.name)

    def _keep_one_owners_default(self, row: KeyTypeRow) -> None:
        """A key type just marked as the owners' default unmarks the administration's other one. The
        administration row is locked first, so two desks marking two key types at once take turns."""
        if not row.owners_default:
            return
        self.session.execute(
            select(AdministrationRow.id).where(AdministrationRow.id == row.administration_id).with_for_update()
        )
        self.session.execute(
            update(KeyTypeRow)
            .where(
                KeyTypeRow.administration_id == row.administration_id,
                KeyTypeRow.id != row.id,
                KeyTypeRow.owners_default.is_(True),
            )
            .values(owners_default=False)
        )

    def _check_unique_product(self, settings: ProductSettings, own_id: int | None) -> None:
        others = self.session.execute(
            select(ProductRow.id, ProductRow.name).where(ProductRow.key_type_id == settings.key_type_id)
        )
        if any(_same(name, settings.name) and other != own_id for other, name in others):
            raise _duplicate("name", _PRODUCT, settings.name)

    def _check_unique_encoder(self, settings: EncoderSettings, own_id: int | None) -> None:
        others = self.session.execute(
            select(EncoderRow.id, EncoderRow.name, EncoderRow.external_id).where(
                EncoderRow.administration_id == settings.administration_id
            )
        )
        for other, name, external_id in others:
            if other == own_id:
                continue
            if _same(name, settings.name):
                raise _duplicate("name", _ENCODER, settings.name)
            if _same(external_id, settings.external_id):
                raise ValidationError(
                    "external_id",
                    Text(
                        f"The encoder {name!r} already has the identifier {external_id!r}.",
                        f"De encoder {name!r} heeft al de identificatie {external_id!r}.",
                    ),
                    Text(
                        "Each encoder has its own SALTO identifier; check it with your installer.",
                        "Elke encoder heeft een eigen SALTO-identificatie; controleer die met uw installateur.",
                    ),
                )

    def _check_texts_fit(self, administration_id: int, encoding: TextEncoding) -> None:
        """Everything stored with the old encoding must still fit SALTO's fields with the new one."""
        for key_type in self.key_types(administration_id):
            check_text_lines(key_type.print_info, encoding)
        for encoder in self.encoders(administration_id):
            validate_encoder(encoder, encoding)
        for door in self.door_names(administration_id):
            validate_door_name(door, encoding)

    # --- rows ------------------------------------------------------------------------------------

    def _administration_row(self, administration_id: int) -> AdministrationRow:
        row = self.session.get(AdministrationRow, administration_id)
        if row is None:
            raise NotFoundError(_ADMINISTRATION, administration_id)
        return row

    def _key_type_row(self, key_type_id: int) -> KeyTypeRow:
        row = self.session.get(KeyTypeRow, key_type_id)
        if row is None:
            raise NotFoundError(_KEY_TYPE, key_type_id)
        return row

    def _product_row(self, product_id: int) -> ProductRow:
        row = self.session.get(ProductRow, product_id)
        if row is None:
            raise NotFoundError(_PRODUCT, product_id)
        return row

    def _encoder_row(self, encoder_id: int) -> EncoderRow:
        row = self.session.get(EncoderRow, encoder_id)
        if row is None:
            raise NotFoundError(_ENCODER, encoder_id)
        return row

    # --- mapping ---------------------------------------------------------------------------------

    @staticmethod
    def _write_administration(row: AdministrationRow, settings: AdministrationSettings) -> None:
        for name in _ADMINISTRATION_FIELDS:
            value = getattr(settings, name)
            setattr(row, name, value.name.lower() if isinstance(value, EjectMode) else value)

    @staticmethod
    def _administration(row: AdministrationRow) -> Administration:
        values = {name: getattr(row, name) for name in _ADMINISTRATION_FIELDS}
        values["eject_mode"] = EjectMode[row.eject_mode.upper()]
        return Administration(id=row.id, **values)

    def _write_key_type(self, row: KeyTypeRow, settings: KeyTypeSettings) -> None:
        row.name, row.description = settings.name, settings.description
        row.print_info = "\n".join(settings.print_info)
        row.owners_default = settings.owners_default
        row.access.clear()
        self.session.flush()  # the old rows must be gone before new ones reuse their numbers
        access = [(number, True) for number in settings.granted] + [(number, False) for number in settings.denied]
        row.access.extend(
            KeyTypeAccessRow(number=number, granted=granted, position=position)
            for position, (number, granted) in enumerate(access)
        )

    @staticmethod
    def _key_type(row: KeyTypeRow) -> KeyType:
        return KeyType(
            id=row.id,
            administration_id=row.administration_id,
            name=row.name,
            description=row.description,
            print_info=_split_lines(row.print_info),
            granted=tuple(each.number for each in row.access if each.granted),
            denied=tuple(each.number for each in row.access if not each.granted),
            owners_default=row.owners_default,
        )

    def _write_product(self, row: ProductRow, settings: ProductSettings) -> None:
        row.name = settings.name
        row.wait_for_check_in = settings.wait_for_check_in
        row.deliver_to_guest = settings.deliver_to_guest
        row.delivery_days_before = settings.delivery_days_before
        row.fixed_start_time = settings.fixed_start_time
        row.fixed_end_time = settings.fixed_end_time
        row.filters.clear()
        self.session.flush()
        row.filters.extend(
            ProductFilterRow(kind=kind, value=value)
            for field, kind in FILTER_KINDS.items()
            for value in getattr(settings, field)
        )

    @staticmethod
    def _product(row: ProductRow) -> Product:
        values = {
            field: tuple(sorted((each.value for each in row.filters if each.kind == kind), key=str.casefold))
            for field, kind in FILTER_KINDS.items()
        }
        return Product(
            id=row.id,
            key_type_id=row.key_type_id,
            name=row.name,
            wait_for_check_in=row.wait_for_check_in,
            deliver_to_guest=row.deliver_to_guest,
            delivery_days_before=row.delivery_days_before,
            fixed_start_time=row.fixed_start_time,
            fixed_end_time=row.fixed_end_time,
            **values,
        )

    @staticmethod
    def _encoder(row: EncoderRow) -> Encoder:
        return Encoder(id=row.id, administration_id=row.administration_id, name=row.name, external_id=row.external_id)

    @staticmethod
    def _door_name(row: DoorNameRow) -> DoorName:
        return DoorName(
            id=row.id,
            administration_id=row.administration_id,
            pms_object_id=row.pms_object_id,
            object_name=row.object_name,
            door_name=row.door_name,
        )
