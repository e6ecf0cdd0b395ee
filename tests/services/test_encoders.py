"""Encoders as the settings window edits and tests them."""

from __future__ import annotations

import pytest

from salto_desk.errors import ValidationError
from salto_desk.keys.model import EncoderSettings
from salto_desk.services.encoders import EncoderForm, Encoders, EncoderSite, IdentifierRule, check_identifier
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


@pytest.mark.parametrize("typed", ["abc", "Online Encoder 1", "1a"])
def test_an_encoder_id_that_is_no_number_is_refused_unless_salto_knows_encoders_by_name(
    database: Database, typed: str
) -> None:
    encoders = Encoders(database)
    administration = add_administration(database)
    settings = EncoderSettings(administration_id=administration.id, name="Kiosk", external_id=typed)
    with pytest.raises(ValidationError) as caught:
        encoders.save(None, settings)
    assert caught.value.field == "external_id" and "is a number" in caught.value.user_message("en")
    assert encoders.listed(administration.id) == []
    assert not encoders.named_identifiers()
    encoders.set_named_identifiers(True)
    assert encoders.save(None, settings).external_id == typed  # stored as typed, never cleaned


def test_the_check_of_a_typed_id_keeps_the_value_and_says_what_is_wrong() -> None:
    numbers, names = IdentifierRule("ascii"), IdentifierRule("ascii", named=True)
    assert check_identifier(" 12 ", numbers) == "12"
    assert check_identifier("Online Encoder 1", names) == "Online Encoder 1"
    with pytest.raises(ValidationError) as caught:
        check_identifier("1" * 25, numbers)
    assert "24" in caught.value.user_message("en")
    with pytest.raises(ValidationError) as empty:
        check_identifier("  ", names)
    assert empty.value.field == "external_id"
    with pytest.raises(ValidationError) as wide:
        check_identifier("\uff11", numbers)  # a full-width one: refused, never made into "1"
    assert "cannot carry" in wide.value.user_message("en")


def test_the_encoder_form_carries_the_rule_of_its_administration(database: Database) -> None:
    administration = add_administration(database)
    encoder = add_encoder(database, administration)
    encoders = Encoders(database)
    assert encoders.form(administration.id, encoder.id) == EncoderForm(encoder, IdentifierRule("ascii"))
    encoders.set_named_identifiers(True)
    assert encoders.form(administration.id, None) == EncoderForm(None, IdentifierRule("ascii", named=True))
