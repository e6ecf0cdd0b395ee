"""The whole configuration as one JSON document, so an installer can move a set-up between desks.

Export writes every administration with its authorizations, key types and products, encoders and
door names, and whether SALTO knows the encoders by name; secrets are never part of it. Import checks
every value as the window does (an encoder ID is a number unless the file says names are allowed).
Import is all-or-nothing: it runs in one unit of work, so the first problem (reported with its place
in the file) leaves the database exactly as it was.
Afterwards every administration in the file is configured as the file says; administrations that
are not in the file stay untouched.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import MISSING, dataclass, fields
from datetime import UTC, datetime, time
from functools import partial
from pathlib import Path
from typing import Any, TypeVar, get_type_hints

from salto_desk.errors import SaltoDeskError, Text, ValidationError
from salto_desk.keys.model import (
    Administration,
    AdministrationSettings,
    AuthorizationName,
    DoorNameSettings,
    EncoderSettings,
    KeyTypeSettings,
    ProductSettings,
)
from salto_desk.keys.settings_validation import validate_key_type, validate_product
from salto_desk.paths import file_error
from salto_desk.protocol.messages import EjectMode
from salto_desk.services.encoders import NAMED_IDENTIFIERS, IdentifierRule, check_identifier
from salto_desk.storage.config_repository import ConfigRepository
from salto_desk.storage.database import Database
from salto_desk.storage.key_type_replacement import KeyTypeWithProducts, replace_key_types
from salto_desk.storage.settings_repository import SettingsRepository

FORMAT = "salto-desk-configuration"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 16 * 1024 * 1024
"""Far above any real park (10,000 key types take about 3 MB); a bigger file is not a configuration."""
MAX_DEPTH = 8
"""The format nests six levels (configuration, administrations, key types, products, filters, values)."""
_SHOWN_CHARACTERS = 60
_ADMINISTRATION_TYPES = get_type_hints(AdministrationSettings)
_REQUIRED_ADMINISTRATION_FIELDS = tuple(
    field.name
    for field in fields(AdministrationSettings)
    if field.default is MISSING and field.default_factory is MISSING
)
_PRODUCT_LISTS = ("labels", "object_types", "costs", "extras")
_MISSING = object()
ResultT = TypeVar("ResultT")


@dataclass(frozen=True)
class ImportSummary:
    administrations: int
    key_types: int
    products: int
    encoders: int
    door_names: int


def _clock(value: time | None) -> str | None:
    return None if value is None else value.strftime("%H:%M")


def _settings_value(value: object) -> object:
    if isinstance(value, time):
        return _clock(value)
    if isinstance(value, EjectMode):
        return value.name.lower()
    return value


def export_configuration(database: Database, now: datetime | None = None) -> dict[str, Any]:
    """Everything the manager and installer set, as JSON-ready data."""
    with database.unit_of_work() as session:
        config = ConfigRepository(session)
        encoders_by_name = SettingsRepository(session).get(NAMED_IDENTIFIERS) is not None
        administrations = []
        for administration in config.administrations():
            settings = {
                field.name: _settings_value(getattr(administration, field.name))
                for field in fields(AdministrationSettings)
            }
            key_types = [
                {
                    "name": key_type.name,
                    "description": key_type.description,
                    "print_info": list(key_type.print_info),
                    "granted": list(key_type.granted),
                    "denied": list(key_type.denied),
                    "owners_default": key_type.owners_default,
                    "products": [
                        {
                            "name": product.name,
                            **{name: list(getattr(product, name)) for name in _PRODUCT_LISTS},
                            "wait_for_check_in": product.wait_for_check_in,
                            "deliver_to_guest": product.deliver_to_guest,
                            "delivery_days_before": product.delivery_days_before,
                            "fixed_start_time": _clock(product.fixed_start_time),
                            "fixed_end_time": _clock(product.fixed_end_time),
                        }
                        for product in config.products(key_type.id)
                    ],
                }
                for key_type in config.key_types(administration.id)
            ]
            administrations.append(
                {
                    **settings,
                    "authorizations": [
                        {"number": each.number, "name": each.name}
                        for each in config.authorization_names(administration.id)
                    ],
                    "key_types": key_types,
                    "encoders": [
                        {"name": encoder.name, "external_id": encoder.external_id}
                        for encoder in config.encoders(administration.id)
                    ],
                    "door_names": [
                        {
                            "pms_object_id": door.pms_object_id,
                            "object_name": door.object_name,
                            "door_name": door.door_name,
                        }
                        for door in config.door_names(administration.id)
                    ],
                }
            )
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "encoders_by_name": encoders_by_name,
        "administrations": administrations,
    }


def _shown(value: object) -> str:
    """A value as a message quotes it: short, whatever the file holds."""
    text = repr(value)
    return text if len(text) <= _SHOWN_CHARACTERS else f"{text[:_SHOWN_CHARACTERS]}..."


_FILE_ACTION = Text(
    "Use a file written by 'salto-desk config export'.",
    "Gebruik een bestand dat door 'salto-desk config export' is gemaakt.",
)


class _Reader:
    """Typed access to one JSON object, with errors that say where in the file the problem is."""

    def __init__(self, path: str, data: object, allowed: Sequence[str]) -> None:
        if not isinstance(data, Mapping):
            raise self._error_at(path, "an object ({...})", "een object ({...})", data)
        unknown = sorted(set(data) - set(allowed))
        if unknown:
            raise ValidationError(
                path,
                Text(f"{path}: unknown field {unknown[0]!r}.", f"{path}: onbekend veld {unknown[0]!r}."),
                Text(f"Known fields: {', '.join(allowed)}.", f"Bekende velden: {', '.join(allowed)}."),
            )
        self.path = path
        self.data = data

    @staticmethod
    def _error_at(path: str, expected_en: str, expected_nl: str, value: object) -> ValidationError:
        shown = _shown(value)
        return ValidationError(
            path,
            Text(f"{path} must be {expected_en}, not {shown}.", f"{path} moet {expected_nl} zijn, niet {shown}."),
            Text(
                "Correct the file, or export it again from the other desk.",
                "Verbeter het bestand, of exporteer het opnieuw vanaf de andere balie.",
            ),
        )

    def _get(self, name: str, default: object) -> object:
        value = self.data.get(name, default)
        if value is _MISSING:
            raise ValidationError(
                f"{self.path}.{name}",
                Text(f"{self.path}: the field {name!r} is missing.", f"{self.path}: het veld {name!r} ontbreekt."),
            )
        return value

    def text(self, name: str, default: object = _MISSING) -> str:
        value = self._get(name, default)
        if not isinstance(value, str):
            raise self._error_at(f"{self.path}.{name}", "text", "tekst", value)
        return value

    def flag(self, name: str, default: object = _MISSING) -> bool:
        value = self._get(name, default)
        if not isinstance(value, bool):
            raise self._error_at(f"{self.path}.{name}", "true or false", "true of false", value)
        return value

    def whole(self, name: str, default: object = _MISSING) -> int:
        value = self._get(name, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._error_at(f"{self.path}.{name}", "a whole number", "een geheel getal", value)
        return value

    def number(self, name: str, default: object = _MISSING) -> float:
        value = self._get(name, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._error_at(f"{self.path}.{name}", "a number", "een getal", value)
        return float(value)

    def clock(self, name: str, default: object = _MISSING) -> time | None:
        value = self._get(name, default)
        if value is None or isinstance(value, time):
            return value
        try:
            if not isinstance(value, str) or len(value) != 5:
                raise ValueError(value)
            return time.fromisoformat(value)
        except ValueError:
            raise self._error_at(
                f"{self.path}.{name}", 'a time like "15:00"', 'een tijd zoals "15:00"', value
            ) from None

    def eject(self, name: str, default: object = _MISSING) -> EjectMode:
        value = self._get(name, default)
        if isinstance(value, EjectMode):
            return value
        choices = [mode.name.lower() for mode in EjectMode]
        if value not in choices:
            raise self._error_at(f"{self.path}.{name}", " or ".join(choices), " of ".join(choices), value)
        return EjectMode[str(value).upper()]

    def items(self, name: str) -> list[object]:
        value = self._get(name, [])
        if not isinstance(value, list):
            raise self._error_at(f"{self.path}.{name}", "a list ([...])", "een lijst ([...])", value)
        return value

    def texts(self, name: str) -> tuple[str, ...]:
        values = self.items(name)
        for index, value in enumerate(values):
            if not isinstance(value, str):
                raise self._error_at(f"{self.path}.{name}[{index}]", "text", "tekst", value)
        return tuple(str(value) for value in values)

    def numbers(self, name: str) -> tuple[int, ...]:
        values = self.items(name)
        for index, value in enumerate(values):
            if isinstance(value, bool) or not isinstance(value, int):
                raise self._error_at(f"{self.path}.{name}[{index}]", "a whole number", "een geheel getal", value)
        return tuple(int(str(value)) for value in values)


def _administration_settings(reader: _Reader) -> AdministrationSettings:
    defaults = AdministrationSettings(pms_id="", name="", salto_endpoint="")
    parsers: dict[object, Callable[[str, object], object]] = {
        bool: reader.flag, int: reader.whole, float: reader.number, time: reader.clock, EjectMode: reader.eject,
    }  # fmt: skip
    values: dict[str, Any] = {}
    for field in fields(AdministrationSettings):
        default = _MISSING if field.name in _REQUIRED_ADMINISTRATION_FIELDS else getattr(defaults, field.name)
        parse = parsers.get(_ADMINISTRATION_TYPES[field.name], reader.text)
        values[field.name] = parse(field.name, default)
    return AdministrationSettings(**values)


def _located(path: str, call: Callable[..., ResultT], *arguments: object) -> ResultT:
    """Run a repository call; its error says where in the file the refused item is."""
    try:
        return call(*arguments)
    except SaltoDeskError as error:
        message = Text(f"{path}: {error.message.en}", f"{path}: {error.message.nl}")
        if isinstance(error, ValidationError):
            raise ValidationError(f"{path}.{error.field}", message, error.action) from error
        raise SaltoDeskError(message, error.action) from error


def _no_repeats(path: str, what: Text, names: Sequence[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name.strip().casefold() in seen:
            raise ValidationError(
                path,
                Text(
                    f"{path}: the {what.en} {name!r} appears twice.",
                    f"{path}: de {what.nl} {name!r} staat er twee keer in.",
                ),
            )
        seen.add(name.strip().casefold())


_ADMINISTRATION_KEYS = (*(field.name for field in fields(AdministrationSettings)),
                        "authorizations", "key_types", "encoders", "door_names")  # fmt: skip
_KEY_TYPE_KEYS = ("name", "description", "print_info", "granted", "denied", "owners_default", "products")
_PRODUCT_KEYS = ("name", *_PRODUCT_LISTS, "wait_for_check_in", "deliver_to_guest", "delivery_days_before",
                 "fixed_start_time", "fixed_end_time")  # fmt: skip


def _key_type_with_products(entry: _Reader, administration: Administration) -> KeyTypeWithProducts:
    """A key type and its products as the file says, each checked here so a problem names its place."""
    key_type = KeyTypeSettings(
        administration_id=administration.id,
        name=entry.text("name"),
        description=entry.text("description", ""),
        print_info=entry.texts("print_info"),
        granted=entry.numbers("granted"),
        denied=entry.numbers("denied"),
        owners_default=entry.flag("owners_default", False),  # files written before it existed lack it
    )
    _located(entry.path, validate_key_type, key_type, administration.text_encoding)
    products = []
    for index, item in enumerate(entry.items("products")):
        product_reader = _Reader(f"{entry.path}.products[{index}]", item, _PRODUCT_KEYS)
        product = ProductSettings(
            key_type_id=0,
            name=product_reader.text("name"),
            **{name: product_reader.texts(name) for name in _PRODUCT_LISTS},
            wait_for_check_in=product_reader.flag("wait_for_check_in", False),
            deliver_to_guest=product_reader.flag("deliver_to_guest", False),
            delivery_days_before=product_reader.whole("delivery_days_before", 0),
            fixed_start_time=product_reader.clock("fixed_start_time", None),
            fixed_end_time=product_reader.clock("fixed_end_time", None),
        )
        products.append(_located(product_reader.path, validate_product, product))
    _no_repeats(f"{entry.path}.products", Text("product", "product"), [product.name for product in products])
    return KeyTypeWithProducts(key_type, tuple(products))


def _import_administration(
    config: ConfigRepository, reader: _Reader, counts: dict[str, int], *, encoders_by_name: bool
) -> None:
    path = reader.path
    settings = _administration_settings(reader)
    existing = config.administration_by_pms_id(settings.pms_id.strip())
    save_administration = partial(config.update_administration, existing.id) if existing else config.add_administration
    administration = _located(path, save_administration, settings)
    authorizations = []
    for index, item in enumerate(reader.items("authorizations")):
        entry = _Reader(f"{path}.authorizations[{index}]", item, ("number", "name"))
        authorizations.append(AuthorizationName(entry.whole("number"), entry.text("name")))
    _located(f"{path}.authorizations", config.replace_authorization_names, administration.id, authorizations)

    key_type_readers = [
        _Reader(f"{path}.key_types[{index}]", item, _KEY_TYPE_KEYS)
        for index, item in enumerate(reader.items("key_types"))
    ]
    _no_repeats(f"{path}.key_types", Text("key type", "sleuteltype"), [each.text("name") for each in key_type_readers])
    wanted = [_key_type_with_products(entry, administration) for entry in key_type_readers]
    counts["products"] += _located(f"{path}.key_types", replace_key_types, config.session, administration.id, wanted)
    counts["key_types"] += len(wanted)

    for encoder in config.encoders(administration.id):
        config.delete_encoder(encoder.id)
    for index, item in enumerate(reader.items("encoders")):
        entry = _Reader(f"{path}.encoders[{index}]", item, ("name", "external_id"))
        rule = IdentifierRule(administration.text_encoding, named=encoders_by_name)
        identifier = entry.text("external_id")
        _located(entry.path, check_identifier, identifier, rule)  # as the window checks it: no ID it would refuse
        encoder_settings = EncoderSettings(
            administration_id=administration.id, name=entry.text("name"), external_id=identifier
        )
        _located(entry.path, config.add_encoder, encoder_settings)
        counts["encoders"] += 1

    door_readers = [
        _Reader(f"{path}.door_names[{index}]", item, ("pms_object_id", "object_name", "door_name"))
        for index, item in enumerate(reader.items("door_names"))
    ]
    _no_repeats(
        f"{path}.door_names", Text("PMS object", "PMS-object"), [each.text("pms_object_id") for each in door_readers]
    )
    for door in config.door_names(administration.id):
        config.delete_door_name(door.id)
    for entry in door_readers:
        door_settings = DoorNameSettings(
            administration_id=administration.id,
            pms_object_id=entry.text("pms_object_id"),
            object_name=entry.text("object_name", ""),
            door_name=entry.text("door_name"),
        )
        _located(entry.path, config.set_door_name, door_settings)
        counts["door_names"] += 1
    counts["administrations"] += 1


def import_configuration(database: Database, document: object) -> ImportSummary:
    """Apply a configuration document in one transaction; any problem changes nothing."""
    root = _Reader(
        "configuration", document, ("format", "version", "exported_at", "encoders_by_name", "administrations")
    )
    if root.data.get("format") != FORMAT or root.data.get("version") != FORMAT_VERSION:
        raise ValidationError(
            "format",
            Text(
                f"This is not a Salto Desk configuration file (version {FORMAT_VERSION}).",
                f"Dit is geen Salto Desk-configuratiebestand (versie {FORMAT_VERSION}).",
            ),
            Text(
                "Export the configuration again with 'salto-desk config export'.",
                "Exporteer de configuratie opnieuw met 'salto-desk config export'.",
            ),
        )
    counts = dict.fromkeys(("administrations", "key_types", "products", "encoders", "door_names"), 0)
    items = root.items("administrations")
    readers = [_Reader(f"administrations[{index}]", item, _ADMINISTRATION_KEYS) for index, item in enumerate(items)]
    _no_repeats("administrations", Text("administration", "administratie"), [each.text("pms_id") for each in readers])
    with database.unit_of_work() as session:
        config, settings = ConfigRepository(session), SettingsRepository(session)
        # A file from before this field follows the database's own setting.
        encoders_by_name = root.flag("encoders_by_name", settings.get(NAMED_IDENTIFIERS) is not None)
        settings.set(NAMED_IDENTIFIERS, "yes" if encoders_by_name else None)
        for reader in readers:
            _import_administration(config, reader, counts, encoders_by_name=encoders_by_name)
    return ImportSummary(**counts)


def dump_configuration(document: Mapping[str, Any]) -> str:
    """The document as readable UTF-8 JSON text."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def parse_configuration(text: str, source: str) -> object:
    """JSON text as data; a syntax error names the place in ``source``; data nested deeper than the format
    or holding text no database can store is refused here, with its place."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValidationError(
            "file",
            Text(f"{source} is not valid JSON: {error}.", f"{source} is geen geldige JSON: {error}."),
            _FILE_ACTION,
        ) from None
    except RecursionError:
        document = _TOO_DEEP
    for path, depth, value in _walk(document):
        if depth > MAX_DEPTH or value is _TOO_DEEP:
            raise ValidationError(
                "file",
                Text(
                    f"{source} nests its data deeper than a configuration file does (at {path}).",
                    f"{source} nest de gegevens dieper dan een configuratiebestand doet (bij {path}).",
                ),
                _FILE_ACTION,
            )
        if isinstance(value, str) and (bad := _unwritable(value)) is not None:
            raise ValidationError(
                path,
                Text(
                    f"{path} contains the character {bad}, which has no place in a configuration.",
                    f"{path} bevat het teken {bad}, dat niet in een configuratie thuishoort.",
                ),
                _FILE_ACTION,
            )
    return document


_TOO_DEEP = object()


def _walk(document: object) -> Iterator[tuple[str, int, object]]:
    """Every value and key of the document with its place and depth, without recursion."""
    pending: list[tuple[str, int, object]] = [("configuration", 0, document)]
    while pending:
        path, depth, value = pending.pop()
        yield path, depth, value
        if depth > MAX_DEPTH:
            continue  # the caller refuses the document at this place
        if isinstance(value, dict):
            for key, item in value.items():
                yield f"{path} (field name)", depth, key
                pending.append((f"{path}.{key}", depth + 1, item))
        elif isinstance(value, list):
            pending.extend((f"{path}[{index}]", depth + 1, item) for index, item in enumerate(value))


def _unwritable(value: str) -> str | None:
    """A NUL or half of a UTF-16 pair: text that cannot be stored or written back."""
    if "\x00" in value:
        return ascii("\x00")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            return ascii(value[error.start])
    return None


def read_configuration(path: Path) -> object:
    """A configuration file's data; refuses a file too big to be one before reading all of it."""
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise file_error(path, error, writing=False) from error
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(
            "file",
            Text(
                f"{path} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB: not a configuration file.",
                f"{path} is groter dan {MAX_FILE_BYTES // (1024 * 1024)} MB: geen configuratiebestand.",
            ),
            _FILE_ACTION,
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError(
            "file", Text(f"{path} is not a UTF-8 text file.", f"{path} is geen UTF-8-tekstbestand."), _FILE_ACTION
        ) from None
    return parse_configuration(text, str(path))
