"""Key types and their products as the settings window edits them, and the product preview.

The list reads every key type of an administration with all its products in a fixed number of
queries, however many key types there are; each dialog gets what it shows in one call.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from salto_desk.keys.model import Administration, AuthorizationName, KeyType, KeyTypeSettings, Product, ProductSettings
from salto_desk.keys.settings_validation import validate_product
from salto_desk.storage.config_repository import ConfigRepository
from salto_desk.storage.database import Database
from salto_desk.storage.pms_reader import PmsReader
from salto_desk.storage.pms_values import CachedReservation, FilterChoices
from salto_desk.sync.derive import matching_reservations

Clock = Callable[[], datetime]

__all__ = [
    "PREVIEW_DAYS",
    "CachedReservation",
    "FilterChoices",
    "KeyTypeForm",
    "KeyTypeWithProducts",
    "KeyTypes",
    "ProductForm",
]

PREVIEW_DAYS = 30
UNNAMED_PREVIEW = "preview"
"""The name a product without one gets for its preview: only the filters and rules decide what matches."""


@dataclass(frozen=True)
class KeyTypeWithProducts:
    key_type: KeyType
    products: tuple[Product, ...]


@dataclass(frozen=True)
class KeyTypeForm:
    """What the key-type dialog shows: the administration (its text encoding), its authorization names and
    the key type (None for a new one)."""

    administration: Administration
    names: tuple[AuthorizationName, ...]
    key_type: KeyType | None


@dataclass(frozen=True)
class ProductForm:
    """What the product dialog shows: the product (None for a new one) and the filter values the synced PMS
    data offers."""

    product: Product | None
    choices: FilterChoices


class KeyTypes:
    """Key types and products of one database."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self.database = database
        self.clock = clock

    def listed(self, administration_id: int) -> list[KeyTypeWithProducts]:
        """The administration's key types by name, each with its products by name."""
        with self.database.reading() as session:
            config = ConfigRepository(session)
            key_types = config.key_types(administration_id)
            products = config.products_of_administration(administration_id)
        by_key_type: defaultdict[int, list[Product]] = defaultdict(list)
        for product in products:
            by_key_type[product.key_type_id].append(product)
        return [KeyTypeWithProducts(each, tuple(by_key_type[each.id])) for each in key_types]

    def key_type_form(self, administration_id: int, key_type_id: int | None) -> KeyTypeForm:
        with self.database.reading() as session:
            config = ConfigRepository(session)
            return KeyTypeForm(
                config.administration(administration_id),
                config.authorization_names(administration_id),
                None if key_type_id is None else config.key_type(key_type_id),
            )

    def save_key_type(self, key_type_id: int | None, settings: KeyTypeSettings) -> KeyType:
        """Add (``key_type_id`` None) or change a key type."""
        with self.database.unit_of_work() as session:
            config = ConfigRepository(session)
            if key_type_id is None:
                return config.add_key_type(settings)
            return config.update_key_type(key_type_id, settings)

    def delete_key_type(self, key_type_id: int) -> None:
        """Remove a key type with its products (refused while key data uses it)."""
        with self.database.unit_of_work() as session:
            ConfigRepository(session).delete_key_type(key_type_id)

    def product_form(self, administration_id: int, product_id: int | None) -> ProductForm:
        with self.database.reading() as session:
            return ProductForm(
                None if product_id is None else ConfigRepository(session).product(product_id),
                PmsReader(session).filter_choices(administration_id),
            )

    def save_product(self, product_id: int | None, settings: ProductSettings) -> Product:
        """Add (``product_id`` None) or change a product."""
        with self.database.unit_of_work() as session:
            config = ConfigRepository(session)
            if product_id is None:
                return config.add_product(settings)
            return config.update_product(product_id, settings)

    def delete_product(self, product_id: int) -> None:
        with self.database.unit_of_work() as session:
            ConfigRepository(session).delete_product(product_id)

    def preview(
        self, administration_id: int, settings: ProductSettings, *, days: int = PREVIEW_DAYS
    ) -> list[CachedReservation]:
        """The current and coming stays (arriving within ``days``) the product as entered would give a key, by
        the sync's rules over the cached PMS data; the product is checked first (a name is not needed for a
        preview) and nothing is stored."""
        checked = validate_product(replace(settings, name=settings.name or UNNAMED_PREVIEW))
        return matching_reservations(self.database, administration_id, checked, self.clock(), days=days)
