"""The encoders of an administration as the settings window edits and tests them.

SALTO's PMS protocol names an encoder by what it is configured as in SALTO. The number from SALTO's
list of encoders is what PMS vendors ask for (Mews: the encoder "No."; the issue: "abc" must be refused),
so the window takes digits; one older client sends names such as "Online Encoder 1" (single source), so
a setting of the database (``NAMED_IDENTIFIERS``) lets the window take names too. Either way a value is
checked, never cleaned into another one.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from salto_desk.errors import Text, ValidationError
from salto_desk.keys.model import Administration, Encoder, EncoderSettings
from salto_desk.keys.validation import salto_identifier
from salto_desk.protocol.text import ENCODER_LENGTH, TextEncoding
from salto_desk.storage.config_repository import ConfigRepository
from salto_desk.storage.database import Database
from salto_desk.storage.settings_repository import SettingsRepository

NAMED_IDENTIFIERS = "encoders.named_identifiers"
"""Stored ("yes") when this database's SALTO knows its encoders by name instead of by number."""
_IDENTIFIER = Text("SALTO encoder ID", "SALTO-encoder-ID")


@dataclass(frozen=True)
class IdentifierRule:
    """What an encoder ID of one administration may be: its text encoding, and whether names are allowed."""

    encoding: TextEncoding
    named: bool = False


def check_identifier(value: str, rule: IdentifierRule) -> str:
    """The encoder ID as stored and sent (surrounding spaces aside), or ``ValidationError`` on
    ``external_id``; cheap and pure, so the window checks each keystroke with it."""
    valid = salto_identifier("external_id", _IDENTIFIER, value, ENCODER_LENGTH, rule.encoding)
    if not rule.named and not (valid.isascii() and valid.isdigit()):
        raise ValidationError(
            "external_id",
            Text(
                f"The SALTO encoder ID is a number (the encoder's number in SALTO), not {valid!r}.",
                f"De SALTO-encoder-ID is een getal (het nummer van de encoder in SALTO), niet {valid!r}.",
            ),
            Text(
                "Type the number your installer gave you. If your SALTO knows its encoders by name, tick "
                "'SALTO knows the encoders by name' on the Encoders page.",
                "Typ het nummer dat uw installateur u gaf. Kent uw SALTO de encoders bij naam, vink dan 'SALTO kent "
                "de encoders bij naam' aan op de pagina Encoders.",
            ),
        )
    return valid


@dataclass(frozen=True)
class EncoderForm:
    """What the encoder dialog shows: the encoder (None for a new one) and the rule its ID is checked by."""

    encoder: Encoder | None
    rule: IdentifierRule


@dataclass(frozen=True)
class EncoderSite:
    """An encoder with the administration whose SALTO it is attached to (what its test talks to)."""

    encoder: Encoder
    administration: Administration


class Encoders:
    """Encoders of one database."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def listed(self, administration_id: int) -> list[Encoder]:
        """The administration's encoders by name."""
        with self.database.reading() as session:
            return ConfigRepository(session).encoders(administration_id)

    def one(self, encoder_id: int) -> Encoder:
        with self.database.reading() as session:
            return ConfigRepository(session).encoder(encoder_id)

    def site(self, encoder_id: int) -> EncoderSite:
        with self.database.reading() as session:
            config = ConfigRepository(session)
            encoder = config.encoder(encoder_id)
            return EncoderSite(encoder, config.administration(encoder.administration_id))

    def form(self, administration_id: int, encoder_id: int | None) -> EncoderForm:
        with self.database.reading() as session:
            config = ConfigRepository(session)
            encoder = None if encoder_id is None else config.encoder(encoder_id)
            return EncoderForm(encoder, self._rule(session, administration_id))

    def named_identifiers(self) -> bool:
        """Whether the window takes encoder names as well as numbers (every administration of the database)."""
        with self.database.reading() as session:
            return SettingsRepository(session).get(NAMED_IDENTIFIERS) is not None

    def set_named_identifiers(self, named: bool) -> bool:
        with self.database.unit_of_work() as session:
            SettingsRepository(session).set(NAMED_IDENTIFIERS, "yes" if named else None)
        return named

    def save(self, encoder_id: int | None, settings: EncoderSettings) -> Encoder:
        """Add (``encoder_id`` None) or change an encoder; its ID must follow the rule (``check_identifier``)."""
        with self.database.unit_of_work() as session:
            check_identifier(settings.external_id, self._rule(session, settings.administration_id))
            config = ConfigRepository(session)
            if encoder_id is None:
                return config.add_encoder(settings)
            return config.update_encoder(encoder_id, settings)

    def delete(self, encoder_id: int) -> None:
        with self.database.unit_of_work() as session:
            ConfigRepository(session).delete_encoder(encoder_id)

    @staticmethod
    def _rule(session: Session, administration_id: int) -> IdentifierRule:
        encoding = ConfigRepository(session).administration(administration_id).text_encoding
        return IdentifierRule(encoding, SettingsRepository(session).get(NAMED_IDENTIFIERS) is not None)
