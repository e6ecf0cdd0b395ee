"""Key services against the simulator: every outcome lands in the audit trail and key data stays right."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime

import pytest

from salto_desk.errors import ValidationError
from salto_desk.keys.model import (
    AuditAction,
    AuditState,
    AuthorizationName,
    HolderKind,
    KeyState,
    OwnerDetails,
)
from salto_desk.keys.rules import EncodeMode, KeyNotIssuable
from salto_desk.operations.salto_operations import SharedRoomsWarning, WrongAdministration, salto_client_for
from salto_desk.protocol.cards import CardProgress, CardStep
from salto_desk.protocol.client import SaltoClient, Timeouts
from salto_desk.protocol.errors import (
    ERROR_CODES,
    Cancelled,
    ConnectFailed,
    LocalProtocolError,
    NakReceived,
    SaltoErrorReply,
)
from salto_desk.protocol.messages import CardType
from salto_desk.simulator import Simulator, SimulatorConfig
from salto_desk.storage import ConfigRepository, Database, NotFoundError
from tests.operations.helpers import salto_operations
from tests.operations.site import Site
from tests.storage.helpers import NOW, add_administration, add_encoder, add_key_type

WAIT = 10.0  # generous upper bound for "did not hang"


@pytest.fixture
def site(database: Database) -> Iterator[Site]:
    config = SimulatorConfig(card_delay=0.0, card_timeout=WAIT, phones=("+31612345678", "+31687654321"))
    with Simulator(config) as simulator:
        administration = add_administration(database, salto_endpoint=simulator.endpoint, reply_timeout=10,
                                            default_operator="Desk 1")  # fmt: skip
        with database.unit_of_work() as session:
            ConfigRepository(session).replace_authorization_names(
                administration.id, [AuthorizationName(1, "Main gate"), AuthorizationName(2, "Pool")]
            )
        encoder = add_encoder(database, administration, "Front desk", "1")
        yield Site(simulator, database, administration, encoder, salto_operations(database, clock=lambda: NOW))


def test_new_cards_are_cn_then_cc_with_progress_and_one_audit_row_each(site: Site) -> None:
    key = site.key(rooms=("101", "102"))
    steps: list[CardProgress] = []
    result = site.service.encode_cards(key, site.encoder, 3, EncodeMode.NEW, steps.append)
    assert site.simulator.state.requests == ("CN", "CC", "CC")
    assert [(step.step, step.card) for step in steps] == [
        (CardStep.PLACE, 1), (CardStep.DONE, 1), (CardStep.PLACE, 2), (CardStep.DONE, 2),
        (CardStep.PLACE, 3), (CardStep.DONE, 3),
    ]  # fmt: skip
    assert steps[0].text() == "Place card 1 of 3 on encoder Front desk."
    assert steps[-1].text("nl") == "Kaart 3 van 3 klaar."
    stored = site.reload(key)
    assert stored == result.key
    assert stored.cards.count == 3 and stored.cards.last_encoder == "Front desk" and stored.state is KeyState.ISSUED
    assert len(stored.cards.serials) == 3 and stored.cards.serials == result.serials
    audit = site.audit()
    assert [(e.action, e.command, e.card_number, e.card_count, e.state) for e in audit] == [
        (AuditAction.ENCODE_NEW, "CN", 1, 3, AuditState.OK),
        (AuditAction.ENCODE_COPY, "CC", 2, 3, AuditState.OK),
        (AuditAction.ENCODE_COPY, "CC", 3, 3, AuditState.OK),
    ]
    assert audit[0].serials == (stored.cards.serials[0],) and audit[0].operator == "Desk 1"
    assert audit[0].rooms == ("101", "102") and audit[0].holder == "25-00123 Jansen"


def test_a_copy_keeps_the_earlier_cards(site: Site) -> None:
    key = site.key()
    site.service.encode_cards(key, site.encoder, 1, EncodeMode.NEW)
    result = site.service.encode_cards(key, site.encoder, 2, EncodeMode.COPY)
    assert site.simulator.state.requests == ("CN", "CC", "CC")
    assert result.key.cards.count == 3
    (stay,) = site.simulator.state.stays
    assert stay.active and stay.cards == 3


@pytest.mark.parametrize("code", sorted(ERROR_CODES))
def test_every_salto_error_code_is_audited_and_changes_no_key_data(site: Site, code: str) -> None:
    key = site.key()
    site.simulator.faults.error_reply_next(code)
    with pytest.raises(SaltoErrorReply) as caught:
        site.service.encode_cards(key, site.encoder, 2, EncodeMode.NEW)
    assert caught.value.code == code
    (entry,) = site.audit()
    assert (entry.state, entry.error_code, entry.card_number) == (AuditState.SALTO_ERROR, code, 1)
    assert entry.message == caught.value.user_message("en") and ERROR_CODES[code].message.en in entry.message
    assert entry.finished_at is not None
    assert site.reload(key) == key


def test_an_error_on_the_second_card_keeps_the_first(site: Site) -> None:
    key = site.key()

    def fail_next(step: CardProgress) -> None:
        if step.step is CardStep.DONE and step.card == 1:
            site.simulator.faults.error_reply_next("EP")

    with pytest.raises(SaltoErrorReply):
        site.service.encode_cards(key, site.encoder, 3, EncodeMode.NEW, fail_next)
    assert [(e.command, e.state, e.error_code) for e in site.audit()] == [
        ("CN", AuditState.OK, ""), ("CC", AuditState.SALTO_ERROR, "EP"),
    ]  # fmt: skip
    assert site.reload(key).cards.count == 1


def test_a_card_that_never_comes_is_an_ed_timeout(site: Site) -> None:
    key = site.key()
    site.simulator.state.no_card = True
    site.simulator.state.card_timeout = 0.2
    with pytest.raises(SaltoErrorReply) as caught:
        site.service.encode_cards(key, site.encoder, 1, EncodeMode.NEW)
    assert caught.value.code == "ED"
    assert [(e.state, e.error_code) for e in site.audit()] == [(AuditState.SALTO_ERROR, "ED")]


def test_link_failures_are_audited_as_link_errors(site: Site) -> None:
    key = site.key()
    site.simulator.faults.nak_next(10)
    with pytest.raises(NakReceived):
        site.service.encode_cards(key, site.encoder, 1, EncodeMode.NEW)
    site.simulator.faults.clear()
    with Simulator(SimulatorConfig(card_delay=0.0)) as gone:
        dead_endpoint = gone.endpoint  # nobody listens there once the simulator stopped
    service = salto_operations(
        site.database,
        lambda administration: SaltoClient(dead_endpoint, timeouts=Timeouts(connect=2.0)),
        clock=lambda: NOW,
    )
    with pytest.raises(ConnectFailed):
        service.send_to_phone(key, "+31612345678")
    assert [(e.command, e.state) for e in site.audit()] == [
        ("CN", AuditState.LINK_ERROR),
        ("CNM", AuditState.LINK_ERROR),
    ]
    assert all("SALTO" in e.message for e in site.audit())
    assert site.reload(key) == key


def test_keys_that_may_not_be_issued_send_nothing(site: Site) -> None:
    waiting = site.key(state=KeyState.WAITING_FOR_CHECK_IN)
    with pytest.raises(KeyNotIssuable):
        site.service.encode_cards(waiting, site.encoder, 1, EncodeMode.NEW)
    with pytest.raises(KeyNotIssuable):
        site.service.send_to_phone(waiting, "+31612345678")
    with pytest.raises(LocalProtocolError):
        site.service.encode_cards(site.key(), site.encoder, 0, EncodeMode.NEW)
    with pytest.raises(ValidationError):
        site.service.send_to_phone(site.key(), "06 12")  # too short for a Dutch number
    assert site.simulator.state.requests == () and site.audit() == []


def test_the_operator_name_must_fit_salto(site: Site) -> None:
    with pytest.raises(ValidationError) as caught:
        salto_operations(site.database, operator="Anna-Maria van der Berg-Jansen")
    assert caught.value.field == "operator"
    key = site.key()
    salto_operations(site.database, operator="Anna", clock=lambda: NOW).encode_cards(
        key, site.encoder, 1, EncodeMode.NEW
    )
    assert site.audit()[0].operator == "Anna"
    card = site.simulator.card_on("1")
    assert card is not None and card.key is not None and card.key.operator == "Anna"


def test_print_info_and_license_plate_reach_the_card(site: Site) -> None:
    with site.database.unit_of_work() as session:
        ConfigRepository(session).update_administration(
            site.administration.id, replace(site.administration, include_license_plate=True, license_plate_line=2)
        )
    key = site.key(print_info=("Welkom Jansen",), license_plate="AB-123-C")
    site.service.encode_cards(key, site.encoder, 1, EncodeMode.NEW)
    card = site.simulator.card_on("1")
    assert card is not None and card.tracks == ("Welkom Jansen", "AB-123-C", "")


def test_an_encoder_of_another_administration_is_refused(site: Site) -> None:
    other = add_administration(site.database, pms_id="adm-2", salto_endpoint=site.simulator.endpoint)
    with pytest.raises(WrongAdministration):
        site.service.encode_cards(site.key(), add_encoder(site.database, other), 1, EncodeMode.NEW)
    assert site.simulator.state.requests == ()


def test_phones_get_cnm_first_then_ccm(site: Site) -> None:
    key = site.key()
    first = site.service.send_to_phone(key, "+31 6 1234 5678")
    second = site.service.send_to_phone(first, "0031687654321")
    assert site.simulator.state.requests == ("CNM", "CCM")
    assert [(d.phone, d.command) for d in second.deliveries] == [("+31612345678", "CNM"), ("+31687654321", "CCM")]
    audit = site.audit()
    assert [(e.action, e.command, e.phone, e.state) for e in audit] == [
        (AuditAction.SEND_TO_PHONE, "CNM", "+********678", AuditState.OK),
        (AuditAction.SEND_TO_PHONE, "CCM", "+********321", AuditState.OK),
    ]


def test_a_phone_typed_the_national_way_is_read_in_the_sites_country(site: Site) -> None:
    key = site.key()  # the site is in Europe/Amsterdam: national numbers are Dutch
    sent = site.service.send_to_phone(key, "06 1234 5678")
    assert [(d.phone, d.command) for d in sent.deliveries] == [("+31612345678", "CNM")]


def test_an_unregistered_phone_is_an_eg_error(site: Site) -> None:
    key = site.key()
    with pytest.raises(SaltoErrorReply) as caught:
        site.service.send_to_phone(key, "+31611111111")
    assert caught.value.code == "EG" and "JustIN Mobile" in caught.value.user_message("en")
    assert [(e.state, e.error_code) for e in site.audit()] == [(AuditState.SALTO_ERROR, "EG")]
    assert site.reload(key).deliveries == ()


def test_reading_a_card_finds_its_key_data_and_authorization_names(site: Site) -> None:
    key = site.key(rooms=("103",), granted=(2, 1, 7))
    site.service.encode_cards(key, site.encoder, 1, EncodeMode.NEW)
    card = site.simulator.card_on("1")
    assert card is not None
    site.simulator.place_card("1", card)
    report = site.service.read_card(site.encoder)
    assert report.readout.card_type is CardType.GUEST and report.readout.rooms == ("103",)
    assert report.key is not None and report.key.id == key.id and report.holder == key.holder
    assert report.authorizations == (
        AuthorizationName(2, "Pool"), AuthorizationName(1, "Main gate"), AuthorizationName(7, ""),
    )  # fmt: skip
    assert [(e.action, e.command, e.state) for e in site.audit()][-1] == (AuditAction.READ_CARD, "LT", AuditState.OK)


def test_reading_a_blank_card_matches_nothing(site: Site) -> None:
    report = site.service.read_card(site.encoder)
    assert report.readout.card_type is CardType.UNKNOWN and report.key is None and report.holder is None


def test_deleting_unissued_key_data_sends_nothing(site: Site) -> None:
    key = site.key()
    site.service.delete_key(key)
    assert site.simulator.state.requests == ()
    with pytest.raises(NotFoundError):
        site.reload(key)
    assert [(e.action, e.key_id, e.state) for e in site.audit()] == [(AuditAction.DELETE_KEY, key.id, AuditState.OK)]


def test_deleting_warns_about_other_active_keys_of_the_room_then_checks_out(site: Site) -> None:
    mine = site.key(rooms=("104", "105"))
    neighbour = site.key(rooms=("105",))
    site.service.encode_cards(mine, site.encoder, 1, EncodeMode.NEW)
    site.service.send_to_phone(neighbour, "+31612345678")
    assert [other.id for other in site.service.key_data.shared_rooms(mine)] == [neighbour.id]
    with pytest.raises(SharedRoomsWarning) as caught:
        site.service.delete_key(mine)
    assert "105" in caught.value.message.en and "25-00123 Jansen" in caught.value.message.en
    assert caught.value.others[0].id == neighbour.id
    assert site.simulator.state.requests == ("CN", "CNM")
    site.service.delete_key(mine, shared_rooms_confirmed=True)
    assert site.simulator.state.requests == ("CN", "CNM", "CO", "CO")
    assert site.simulator.state.occupant("104") is None
    with pytest.raises(NotFoundError):
        site.reload(mine)
    audit = [(e.action, e.rooms, e.state) for e in site.audit() if e.key_id == mine.id]
    assert audit == [
        (AuditAction.ENCODE_NEW, ("104", "105"), AuditState.OK),
        (AuditAction.CHECK_OUT, ("104",), AuditState.OK),
        (AuditAction.CHECK_OUT, ("105",), AuditState.OK),
        (AuditAction.DELETE_KEY, ("104", "105"), AuditState.OK),
    ]


def test_a_failed_check_out_keeps_the_key_data(site: Site) -> None:
    key = site.key()
    site.service.encode_cards(key, site.encoder, 1, EncodeMode.NEW)
    site.simulator.faults.error_reply_next("NF")
    with pytest.raises(SaltoErrorReply):
        site.service.delete_key(key)
    assert site.reload(key).cards.count == 1
    assert [(e.action, e.state) for e in site.audit()][-1] == (AuditAction.CHECK_OUT, AuditState.SALTO_ERROR)


def test_cancel_ends_the_card_wait(site: Site) -> None:
    key = site.key()
    site.simulator.state.no_card = True
    outcome: list[BaseException] = []

    def encode() -> None:
        try:
            site.service.encode_cards(key, site.encoder, 2, EncodeMode.NEW)
        except BaseException as error:
            outcome.append(error)

    worker = threading.Thread(target=encode)
    worker.start()
    deadline = time.monotonic() + WAIT
    while not site.simulator.state.is_busy("1") and time.monotonic() < deadline:
        time.sleep(0.02)
    assert site.simulator.state.is_busy("1"), "the encoder never started waiting for a card"
    site.service.cancel()
    worker.join(WAIT)
    assert not worker.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], Cancelled)
    (entry,) = site.audit()
    assert entry.state is AuditState.CANCELLED  # the user's decision, not a failed link
    assert "accepted the request when it was cancelled" in entry.message  # a card placed later may be written
    assert site.reload(key) == key


def test_cancel_between_cards_starts_no_further_card(site: Site) -> None:
    key = site.key()

    def cancel_after_first(step: CardProgress) -> None:
        if step.step is CardStep.DONE:
            site.service.cancel()

    with pytest.raises(Cancelled):
        site.service.encode_cards(key, site.encoder, 3, EncodeMode.NEW, cancel_after_first)
    assert site.simulator.state.requests == ("CN",)
    assert [(e.command, e.state) for e in site.audit()] == [("CN", AuditState.OK)]
    assert site.reload(key).cards.count == 1


def test_owner_keys_are_valid_from_today_with_the_key_type_defaults(site: Site) -> None:
    key_type = add_key_type(site.database, site.administration, name="Owner", print_info=("Owner",), granted=(1,))
    owner = OwnerDetails("own-7", "Mrs. de Vries", "+31612345678")
    key = site.service.key_data.create_owner_key(
        site.administration.id, key_type.id, owner, ["106"], date(2030, 12, 31)
    )
    assert key.holder.kind is HolderKind.OWNER and key.holder.label == "Mrs. de Vries"
    zone = site.administration.zone
    assert key.validity.start == datetime(2030, 7, 1, 0, 0, tzinfo=zone)
    assert key.validity.end == datetime(2030, 12, 31, 23, 59, tzinfo=zone)
    assert (key.print_info, key.granted, key.phone, key.state) == (("Owner",), (1,), "+31612345678", KeyState.READY)
    custom = site.service.key_data.create_owner_key(
        site.administration.id, key_type.id, owner, ["106", "Pool"], date(2030, 8, 1),
        valid_from=date(2030, 7, 15), print_info=["Welcome home"],
    )  # fmt: skip
    assert custom.print_info == ("Welcome home",) and custom.validity.start.astimezone(zone).day == 15
    assert [(e.action, e.holder) for e in site.audit()] == [(AuditAction.CREATE_KEY, "Mrs. de Vries")] * 2
    result = site.service.encode_cards(key, site.encoder, 1, EncodeMode.NEW)
    assert result.key.cards.count == 1


def test_an_owner_key_carries_a_license_plate_only_where_salto_receives_plates(site: Site) -> None:
    key_type = add_key_type(site.database, site.administration, name="Owner")
    owner = OwnerDetails("own-7", "Mrs. de Vries", None)
    with pytest.raises(ValidationError) as refused:
        site.service.key_data.create_owner_key(
            site.administration.id, key_type.id, owner, ["106"], date(2030, 12, 31), license_plate="12-ABC-3"
        )
    assert refused.value.field == "license_plate" and "does not send license plates" in refused.value.user_message("en")
    assert site.audit() == []  # nothing stored
    plates = add_administration(
        site.database, pms_id="adm-9", name="Park Kenteken", salto_version="1.20", include_license_plate=True
    )
    plates_type = add_key_type(site.database, plates, name="Owner")
    key = site.service.key_data.create_owner_key(
        plates.id, plates_type.id, owner, ["106"], date(2030, 12, 31), license_plate="12-ABC-3"
    )
    assert key.license_plate == "12-ABC-3" and site.reload(key).license_plate == "12-ABC-3"


def test_the_default_client_uses_the_administration_settings(site: Site) -> None:
    administration = replace(site.administration, reply_timeout=42, text_encoding="latin-1", send_lrc=False,
                             serial_baudrate=19200)  # fmt: skip
    client = salto_client_for(administration)
    assert client.timeouts.reply == 42.0 and client.options.encoding == "latin-1" and not client.options.send_lrc
    assert str(client.endpoint) == site.simulator.endpoint
