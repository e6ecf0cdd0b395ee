"""Replace all key types of an administration at once: a configuration import of any size.

``ConfigRepository`` adds key types one by one, each checked and flushed, which a manager's single
edit needs; an import of thousands of key types would then take minutes (every add reads the others
for uniqueness). Here the whole set is validated first and written with a fixed number of statements.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from salto_desk.errors import Text, ValidationError
from salto_desk.keys.model import KeyTypeSettings, ProductSettings
from salto_desk.keys.validation import validate_key_type, validate_product
from salto_desk.protocol.text import TextEncoding
from salto_desk.storage.config_repository import FILTER_KINDS
from salto_desk.storage.errors import InUseError, NotFoundError
from salto_desk.storage.orm import (
    AdministrationRow,
    KeyRow,
    KeyTypeAccessRow,
    KeyTypeRow,
    ProductFilterRow,
    ProductRow,
)

_IDS_PER_STATEMENT = 1000
"""Well below SQLite's limit on the values one statement may carry."""


@dataclass(frozen=True)
class KeyTypeWithProducts:
    """One key type as it should be, with every product it should have (``key_type_id`` is ignored)."""

    key_type: KeyTypeSettings
    products: tuple[ProductSettings, ...] = ()


def _repeated(what: Text, name: str, where: str = "") -> ValidationError:
    return ValidationError(
        "name",
        Text(f"The {what.en} {name!r} appears twice{where}.", f"De {what.nl} {name!r} staat er twee keer in{where}."),
        Text("Give each its own name.", "Geef elk een eigen naam."),
    )


def _second_owners_default(first: str, second: str) -> ValidationError:
    return ValidationError(
        "owners_default",
        Text(
            f"Both {first!r} and {second!r} are marked as the owners' default key type; an administration has one.",
            f"Zowel {first!r} als {second!r} is gemarkeerd als standaardsleuteltype voor eigenaren; een "
            "administratie heeft er één.",
        ),
        Text("Mark only one of them.", "Markeer er maar één."),
    )


def _validated(
    wanted: Sequence[KeyTypeWithProducts], administration_id: int, encoding: TextEncoding
) -> list[tuple[KeyTypeSettings, list[ProductSettings]]]:
    checked: list[tuple[KeyTypeSettings, list[ProductSettings]]] = []
    key_type_names: set[str] = set()
    owners_default: str | None = None
    for entry in wanted:
        key_type = validate_key_type(replace(entry.key_type, administration_id=administration_id), encoding)
        if key_type.name.casefold() in key_type_names:
            raise _repeated(Text("key type", "sleuteltype"), key_type.name)
        key_type_names.add(key_type.name.casefold())
        if key_type.owners_default and owners_default is not None:
            raise _second_owners_default(owners_default, key_type.name)
        owners_default = key_type.name if key_type.owners_default else owners_default
        products = [validate_product(product) for product in entry.products]
        product_names: set[str] = set()
        for product in products:
            if product.name.casefold() in product_names:
                raise _repeated(Text("product", "product"), product.name, f" ({key_type.name})")
            product_names.add(product.name.casefold())
        checked.append((key_type, products))
    return checked


def replace_key_types(session: Session, administration_id: int, wanted: Sequence[KeyTypeWithProducts]) -> int:
    """Make the administration's key types exactly ``wanted``, each with exactly its products; returns the
    number of products written.

    Key types are matched by name (case-insensitive) so that key data keeps its key type; a key type
    that is not wanted but still used by key data refuses the whole replacement (the caller's unit of
    work then rolls everything back).
    """
    administration = session.get(AdministrationRow, administration_id)
    if administration is None:
        raise NotFoundError(Text("administration", "administratie"), administration_id)
    checked = _validated(wanted, administration_id, administration.encoding)
    existing = {
        row.name.casefold(): row
        for row in session.scalars(select(KeyTypeRow).where(KeyTypeRow.administration_id == administration_id))
    }
    wanted_names = {key_type.name.casefold() for key_type, _products in checked}
    unwanted = [row for folded, row in existing.items() if folded not in wanted_names]
    _refuse_used(session, unwanted)
    of_administration = select(KeyTypeRow.id).where(KeyTypeRow.administration_id == administration_id)
    session.execute(delete(KeyTypeAccessRow).where(KeyTypeAccessRow.key_type_id.in_(of_administration)))
    session.execute(delete(ProductRow).where(ProductRow.key_type_id.in_(of_administration)))  # filters cascade
    for row in unwanted:
        session.delete(row)
    rows: list[KeyTypeRow] = []
    for key_type, _products in checked:
        row = existing.get(key_type.name.casefold()) or KeyTypeRow(administration_id=administration_id)
        row.name, row.description, row.print_info = key_type.name, key_type.description, "\n".join(key_type.print_info)
        row.owners_default = key_type.owners_default
        session.add(row)
        rows.append(row)
    session.flush()
    for folded, row in existing.items():
        if folded in wanted_names:
            session.expire(row, ["access", "products"])  # their rows were replaced by the statements above
    _insert_access(session, [(row.id, key_type) for row, (key_type, _products) in zip(rows, checked, strict=True)])
    products = [(row.id, product) for row, (_key_type, each) in zip(rows, checked, strict=True) for product in each]
    _insert_products(session, products)
    return len(products)


def _refuse_used(session: Session, unwanted: Sequence[KeyTypeRow]) -> None:
    names = {row.id: row.name for row in unwanted}
    ids = sorted(names)
    for start in range(0, len(ids), _IDS_PER_STATEMENT):
        used = session.execute(
            select(KeyRow.key_type_id, func.count())
            .where(KeyRow.key_type_id.in_(ids[start : start + _IDS_PER_STATEMENT]))
            .group_by(KeyRow.key_type_id)
            .order_by(KeyRow.key_type_id)
            .limit(1)
        ).first()
        if used is not None:
            key_type_id, keys = used
            raise InUseError(
                Text(
                    f"The key type {names[key_type_id]!r} is used by {keys} key data records.",
                    f"Het sleuteltype {names[key_type_id]!r} wordt gebruikt door {keys} sleutelgegevens.",
                ),
                Text("Delete or change that key data first.", "Verwijder of wijzig eerst die sleutelgegevens."),
            )


def _insert_access(session: Session, key_types: Sequence[tuple[int, KeyTypeSettings]]) -> None:
    access = [
        {"key_type_id": key_type_id, "number": number, "granted": granted, "position": position}
        for key_type_id, key_type in key_types
        for position, (number, granted) in enumerate(
            [(number, True) for number in key_type.granted] + [(number, False) for number in key_type.denied]
        )
    ]
    if access:
        session.execute(insert(KeyTypeAccessRow), access)


def _insert_products(session: Session, products: Sequence[tuple[int, ProductSettings]]) -> None:
    if not products:
        return
    ids = session.scalars(
        insert(ProductRow).returning(ProductRow.id, sort_by_parameter_order=True),
        [
            {
                "key_type_id": key_type_id,
                "name": product.name,
                "wait_for_check_in": product.wait_for_check_in,
                "deliver_to_guest": product.deliver_to_guest,
                "delivery_days_before": product.delivery_days_before,
                "fixed_start_time": product.fixed_start_time,
                "fixed_end_time": product.fixed_end_time,
            }
            for key_type_id, product in products
        ],
    ).all()
    filters = [
        {"product_id": product_id, "kind": kind, "value": value}
        for product_id, (_key_type_id, product) in zip(ids, products, strict=True)
        for field, kind in FILTER_KINDS.items()
        for value in getattr(product, field)
    ]
    if filters:
        session.execute(insert(ProductFilterRow), filters)
