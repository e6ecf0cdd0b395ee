"""Encoders as the settings window edits and tests them."""

from __future__ import annotations

import pytest

from salto_desk.errors import ValidationError
from salto_desk.keys.model import EncoderSettings
from salto_desk.services.encoders import Encoders, EncoderSite
from salto_desk.storage import Database, NotFoundError
from tests.storage.helpers import add_administration, add_encoder
from tests.storage.helpers import database as database


def test_add_list_change_and_delete(database: Database) -> None:
    encoders = Encoders(database)
    administration = add_administration(database)
    reception = add_encoder(database, administration, "Reception", "1")
    office = encoders.save(None, EncoderSettings(administration_id=administration.id, name="Back office",
                                                 external_id="2"))  # fmt: skip
    assert encoders.listed(administration.id) == [office, reception]  # by name
    renamed = encoders.save(office.id, EncoderSettings(administration_id=administration.id, name="Office",
                                                       external_id="2"))  # fmt: skip
    assert encoders.one(office.id) == renamed and renamed.name == "Office"
    encoders.delete(office.id)
    assert encoders.listed(administration.id) == [reception]
    with pytest.raises(NotFoundError):
        encoders.one(office.id)


def test_an_identifier_in_use_is_refused(database: Database) -> None:
    encoders = Encoders(database)
    administration = add_administration(database)
    add_encoder(database, administration, "Reception", "1")
    with pytest.raises(ValidationError) as caught:
        encoders.save(None, EncoderSettings(administration_id=administration.id, name="Second", external_id="1"))
    assert caught.value.field == "external_id"
    assert len(encoders.listed(administration.id)) == 1


def test_the_site_of_an_encoder_is_what_its_test_talks_to(database: Database) -> None:
    administration = add_administration(database)
    encoder = add_encoder(database, administration)
    assert Encoders(database).site(encoder.id) == EncoderSite(encoder, administration)
