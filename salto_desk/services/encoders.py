"""The encoders of an administration as the settings window edits and tests them."""

from __future__ import annotations

from dataclasses import dataclass

from salto_desk.keys.model import Administration, Encoder, EncoderSettings
from salto_desk.storage.config_repository import ConfigRepository
from salto_desk.storage.database import Database


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

    def save(self, encoder_id: int | None, settings: EncoderSettings) -> Encoder:
        """Add (``encoder_id`` None) or change an encoder."""
        with self.database.unit_of_work() as session:
            config = ConfigRepository(session)
            if encoder_id is None:
                return config.add_encoder(settings)
            return config.update_encoder(encoder_id, settings)

    def delete(self, encoder_id: int) -> None:
        with self.database.unit_of_work() as session:
            ConfigRepository(session).delete_encoder(encoder_id)
