"""The simulated site: rooms and their stays, encoders and the cards on them, JustIN phones, audit trail.

Every rule that decides SALTO's answer lives here, behind one lock, so TCP and serial clients and the
encoder jobs see one consistent site and tests can inspect it at any moment. A rule that refuses a
request raises ``Refusal``, which the engine sends as an error reply.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from salto_desk.errors import Text, ValidationError
from salto_desk.protocol.errors import LocalProtocolError
from salto_desk.protocol.messages import CardReadout, CardType, EncodeCard, JustInKey, ModifyCheckIn
from salto_desk.protocol.text import normalize_phone
from salto_desk.simulator.cards import GuestKey, SimCard
from salto_desk.simulator.config import SimulatorConfig


class Refusal(Exception):
    """SALTO answers with an error code; ``fields`` is the whole reply (code first)."""

    def __init__(self, code: str, *details: str) -> None:
        super().__init__(code, *details)
        self.fields = (code, *details)


class SimulatorStopped(Exception):
    """The simulator stopped while an encoder job was waiting for a card."""


@dataclass(frozen=True)
class Stay:
    """A check-in (or a one-shot key): the rooms it opens and whether its keys still open them.

    ``cards`` counts the guest cards written for the stay, which numbers the copies 0, 1, 2, I.
    """

    stay_id: int
    rooms: tuple[str, ...]
    start: datetime | None
    end: datetime | None
    one_shot: bool = False
    active: bool = True
    cards: int = 0


@dataclass(frozen=True)
class MobileKeyRecord:
    """A JustIN Mobile key the simulator "sent" (CNM/CCM/CNMB/CCMB)."""

    command: str
    phone: str
    stay_id: int
    rooms: tuple[str, ...]
    start: datetime | None
    end: datetime | None
    granted: tuple[int, ...]
    key_hex: str = ""
    installation_id: str = ""


@dataclass(frozen=True)
class AuditRecord:
    """One door event as the audit trail reports it (incident 0 = open, direction I/O)."""

    moment: datetime
    incident: str = "0"
    direction: str = "I"
    card_id: str = ""
    copy: str = "#0"
    user: str = ""


@dataclass
class _Encoder:
    online: bool = True
    busy: bool = False
    card: SimCard | None = None
    hand_placed: bool = False  # placed by a test and not yet taken by a job
    placements: int = 0


_COPY_LABELS = ("0", "1", "2")
# Copy marks of the audit trail for each LT copy number (reference §4.8; #D for later copies is a guess).
_AUDIT_COPY = {"0": "#0", "1": "#1", "2": "#2", "I": "#D", "A": "@1"}
BINARY_KEY_BYTES = 32


def _copy_label(earlier_cards: int) -> str:
    return _COPY_LABELS[earlier_cards] if earlier_cards < len(_COPY_LABELS) else "I"


def installation_id(phone: str) -> str:
    """A stable JustIN installation id per phone, so repeated CNMB calls agree like a real app would."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"justin-mobile:{phone}")).upper()


class SiteState:
    """The whole simulated site; thread-safe. ``card_delay``, ``card_timeout`` and ``no_card`` may be
    changed while the simulator runs; they apply to the next card an encoder waits for."""

    def __init__(self, config: SimulatorConfig) -> None:
        self._changed = threading.Condition(threading.RLock())
        self._zone = config.options.site_zone
        self._rooms = config.rooms
        self._out_of_service = set(config.out_of_service)
        self._encoders = {identifier: _Encoder() for identifier in config.encoders}
        self._mobile_check_in_new_stay = config.mobile_check_in_new_stay
        self._phones = None if config.phones is None else frozenset(map(normalize_phone, config.phones))
        self._stays: dict[int, Stay] = {}
        self._mobile_keys: list[MobileKeyRecord] = []
        self._audit: dict[str, list[AuditRecord]] = {}
        self._audit_cursor: dict[str, int] = {}
        self._last_audit: tuple[str, AuditRecord] | None = None
        self._requests: list[str] = []
        self._closed = False
        self.card_delay = config.card_delay
        self.card_timeout = config.card_timeout
        self.no_card = config.no_card

    # --- inspection and set-up (tests, demo) -----------------------------------------------------

    @property
    def rooms(self) -> tuple[str, ...]:
        return self._rooms

    @property
    def encoders(self) -> tuple[str, ...]:
        return tuple(self._encoders)

    @property
    def out_of_service(self) -> frozenset[str]:
        with self._changed:
            return frozenset(self._out_of_service)

    @property
    def stays(self) -> tuple[Stay, ...]:
        with self._changed:
            return tuple(self._stays.values())

    @property
    def mobile_keys(self) -> tuple[MobileKeyRecord, ...]:
        with self._changed:
            return tuple(self._mobile_keys)

    @property
    def requests(self) -> tuple[str, ...]:
        """Commands of every frame the simulator accepted (ACKed), in order."""
        with self._changed:
            return tuple(self._requests)

    def occupant(self, room: str) -> Stay | None:
        """The checked-in stay of a room, if any (one-shot keys do not occupy a room)."""
        with self._changed:
            return next((s for s in self._stays.values() if s.active and not s.one_shot and room in s.rooms), None)

    def stay(self, stay_id: int) -> Stay:
        with self._changed:
            return self._stays[stay_id]

    def set_in_service(self, room: str, in_service: bool) -> None:
        with self._changed:
            self._known_room(room)
            if in_service:
                self._out_of_service.discard(room)
            else:
                self._out_of_service.add(room)

    def set_online(self, encoder: str, online: bool) -> None:
        """Switch an encoder off (NC) or on again."""
        with self._changed:
            self._known_encoder(encoder).online = online

    def is_busy(self, encoder: str) -> bool:
        with self._changed:
            return self._known_encoder(encoder).busy

    def card_on(self, encoder: str) -> SimCard | None:
        with self._changed:
            return self._known_encoder(encoder).card

    def place_card(self, encoder: str, card: SimCard) -> None:
        """Put a card on an encoder by hand; an encoder job waiting for a card takes it at once."""
        with self._changed:
            state = self._known_encoder(encoder)
            state.card = card
            state.hand_placed = True
            state.placements += 1
            self._changed.notify_all()

    def take_card(self, encoder: str) -> SimCard | None:
        with self._changed:
            state = self._known_encoder(encoder)
            card, state.card, state.hand_placed = state.card, None, False
            return card

    def is_registered(self, phone: str) -> bool:
        """Whether a phone has JustIN Mobile installed and registered (every E.164 number by default)."""
        try:
            normalized = normalize_phone(phone)
        except LocalProtocolError:
            return False
        return self._phones is None or normalized in self._phones

    def audit_trail(self, door: str) -> tuple[AuditRecord, ...]:
        with self._changed:
            return tuple(self._audit.get(door, ()))

    def record_audit(self, door: str, record: AuditRecord) -> None:
        """Add an event to a door's trail; a door that is not a room becomes known by its events."""
        with self._changed:
            self._audit.setdefault(door, []).append(record)

    # --- rules used by the engine ------------------------------------------------------------------

    def note_request(self, command: str) -> None:
        with self._changed:
            self._requests.append(command)

    def reserve(self, encoder: str) -> None:
        """Claim an encoder for a card job: NC when SALTO does not reach it, OV while it is busy."""
        with self._changed:
            state = self._encoders.get(encoder)
            if state is None or not state.online:
                raise Refusal("NC")
            if state.busy:
                raise Refusal("OV")
            state.busy = True

    def release(self, encoder: str) -> None:
        with self._changed:
            self._encoders[encoder].busy = False

    def check_encode(self, request: EncodeCard) -> None:
        """ES/TD/OS/EA checks of CN, CC and CA, before and again after the card wait."""
        with self._changed:
            self._check_validity(request.command != "CA", request.start, request.end)
            self._check_rooms(request.rooms)
            if request.command == "CC":
                self._occupying_stay(request.rooms)

    def wait_for_card(self, encoder: str, *, fresh: bool) -> SimCard | None:
        """The card the encoder gets, or None when nobody presents one in time (ED).

        A card placed by hand and not yet used is taken at once. Otherwise the encoder waits for a hand
        placement up to ``card_delay`` seconds, then the simulated receptionist presents a card: a new
        blank one to encode (``fresh``), or the card lying on the encoder to read. With ``no_card`` it
        waits ``card_timeout`` seconds and gives up.
        """
        with self._changed:
            state = self._encoders[encoder]
            if not (state.hand_placed and state.card is not None):
                seen = state.placements
                timeout = self.card_timeout if self.no_card else self.card_delay
                self._changed.wait_for(lambda: state.placements != seen or self._closed, timeout)
                if self._closed:
                    raise SimulatorStopped
                if state.placements == seen:
                    if self.no_card:
                        return None
                    if fresh or state.card is None:
                        state.card = SimCard.blank()
            state.hand_placed = False
            return state.card

    def write_guest_card(self, request: EncodeCard, card: SimCard, stay_id: int | None) -> tuple[SimCard, int]:
        """Encode one card of a CN/CC/CA job; returns the written card and its stay.

        ``stay_id`` is None for the first card of a CN (which starts a new stay) and the job's stay for
        the further cards of ``CN<n>``.
        """
        with self._changed:
            if card.card_type is CardType.STAFF:
                raise Refusal("EV")
            if card.other_system:
                raise Refusal("EF")
            self.check_encode(request)
            if request.command == "CA":
                stay = self._add_stay(request.rooms, request.start, request.end, one_shot=True)
            elif request.command == "CN" and stay_id is None:
                stay = self._check_in(request.rooms, request.start, request.end)
            elif stay_id is not None:
                stay = self._stays[stay_id]
                if not stay.active:
                    raise Refusal("EA")
            else:
                stay = self._occupying_stay(request.rooms)
            copy = "A" if stay.one_shot else _copy_label(stay.cards)
            self._stays[stay.stay_id] = replace(stay, cards=stay.cards + 1)
            texts = (*request.texts, "", "", "")
            key = GuestKey(
                stay.stay_id, request.rooms, copy, request.granted, request.start, request.end, request.operator
            )
            written = replace(card, card_type=CardType.GUEST, key=key, tracks=(texts[0], texts[1], texts[2]))
            self._encoders[request.encoder].card = written
            main_room = request.rooms[0]
            self.record_audit(
                main_room,
                AuditRecord(datetime.now(self._zone), card_id=main_room, copy=_AUDIT_COPY[copy], user=request.operator),
            )
            return written, stay.stay_id

    def issue_mobile_key(self, request: JustInKey, key_hex: str) -> MobileKeyRecord:
        """CNM/CNMB start a stay like CN (or join the current one, see ``mobile_check_in_new_stay``);
        CCM/CCMB add a key to the room's stay like CC."""
        with self._changed:
            try:
                phone = normalize_phone(request.phone)
            except LocalProtocolError:
                raise Refusal("EG", request.phone, "The phone number is not in international format") from None
            if not self.is_registered(phone):
                raise Refusal("EG", request.phone, f"Phone {request.phone} is not registered in JustIN Mobile")
            self._check_validity(True, request.start, request.end)
            self._check_rooms(request.rooms)
            current = self.occupant(request.rooms[0])
            if request.command.startswith("CC"):
                stay = self._occupying_stay(request.rooms)
            elif (
                not self._mobile_check_in_new_stay and current is not None and set(request.rooms) <= set(current.rooms)
            ):
                stay = current
            else:
                stay = self._check_in(request.rooms, request.start, request.end)
            record = MobileKeyRecord(
                request.command,
                phone,
                stay.stay_id,
                request.rooms,
                request.start,
                request.end,
                request.granted,
                key_hex,
                installation_id(phone) if key_hex else "",
            )
            self._mobile_keys.append(record)
            return record

    def check_out(self, room: str) -> None:
        """CO: void every guest key of the room (checking out an empty room is accepted)."""
        with self._changed:
            if room not in self._rooms:
                raise Refusal("TD")
            self._void_rooms((room,))

    def modify(self, request: ModifyCheckIn) -> None:
        """MC: move the room's stay to ``new_room`` and/or a new expiry; cards on encoders follow.

        An empty new room means "the same room": only the expiry changes.
        """
        with self._changed:
            self._check_rooms((request.room,), check_service=False)
            stay = self.occupant(request.room)
            if stay is None:
                raise Refusal("EA")
            new_room = request.new_room or request.room
            self._check_rooms((new_room,))
            other = self.occupant(new_room)
            if other is not None and other.stay_id != stay.stay_id:
                raise Refusal("EG", new_room, f"Room {new_room} is occupied by another stay")
            self._check_validity(True, stay.start, request.new_end)
            moved = tuple(dict.fromkeys(new_room if room == request.room else room for room in stay.rooms))
            self._stays[stay.stay_id] = replace(stay, rooms=moved, end=request.new_end)
            for encoder in self._encoders.values():
                card = encoder.card
                if card is not None and card.key is not None and card.key.stay_id == stay.stay_id:
                    rooms = tuple(dict.fromkeys(new_room if room == request.room else room for room in card.key.rooms))
                    encoder.card = replace(card, key=replace(card.key, rooms=rooms, end=request.new_end))

    def write_track(self, encoder: str, card: SimCard, track: int, text: str) -> None:
        with self._changed:
            if card.other_system:
                raise Refusal("EF")
            self._encoders[encoder].card = card.with_track(track, text)

    def read_track(self, card: SimCard, track: int) -> str:
        if card.other_system:
            raise Refusal("EF")
        return card.tracks[track - 1]

    def readout(self, encoder: str, card: SimCard) -> CardReadout:
        """What LT reports: the card type, or a guest key with CI while its stay is still checked in."""
        with self._changed:
            key = card.key
            if key is None:
                return CardReadout(encoder, card.card_type)
            stay = self._stays.get(key.stay_id)
            return CardReadout(
                encoder=encoder,
                card_type=CardType.GUEST,
                rooms=key.rooms,
                checked_in=stay is not None and stay.active,
                copy=key.copy,
                granted=key.granted,
                start=key.start,
                end=key.end,
                operator=key.operator,
            )

    def audit(self, command: str, door: str) -> tuple[str, AuditRecord] | None:
        """WF (first), WN (next) or WR (repeat the last) event; None means no more events (WO)."""
        with self._changed:
            if command == "WR":
                if self._last_audit is None:
                    raise Refusal("WE", door, "No audit event was read yet")
                return self._last_audit
            if door not in self._rooms and door not in self._audit:
                raise Refusal("WE", door, f"Unknown door {door}")
            position = 0 if command == "WF" else self._audit_cursor.get(door, 0)
            events = self._audit.get(door, [])
            if position >= len(events):
                self._audit_cursor[door] = position
                return None
            self._audit_cursor[door] = position + 1
            self._last_audit = (door, events[position])
            return self._last_audit

    def close(self) -> None:
        """Wake every encoder job so it gives up (the simulator is stopping)."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    # --- internals ---------------------------------------------------------------------------------

    def _known_room(self, room: str) -> None:
        if room not in self._rooms:
            raise ValidationError(
                "room", Text(f"The simulator has no room {room!r}.", f"De simulator heeft geen kamer {room!r}.")
            )

    def _known_encoder(self, encoder: str) -> _Encoder:
        state = self._encoders.get(encoder)
        if state is None:
            raise ValidationError(
                "encoder",
                Text(f"The simulator has no encoder {encoder!r}.", f"De simulator heeft geen encoder {encoder!r}."),
            )
        return state

    def _check_rooms(self, rooms: tuple[str, ...], *, check_service: bool = True) -> None:
        if not rooms:
            raise Refusal("ES")
        if any(room not in self._rooms for room in rooms):
            raise Refusal("TD")
        if check_service and any(room in self._out_of_service for room in rooms):
            raise Refusal("OS")

    @staticmethod
    def _check_validity(end_required: bool, start: datetime | None, end: datetime | None) -> None:
        """A guest key must expire, and after it starts; SALTO would call anything else a syntax error."""
        if (end is None and end_required) or (start is not None and end is not None and end <= start):
            raise Refusal("ES")

    def _occupying_stay(self, rooms: tuple[str, ...]) -> Stay:
        """The stay of the main room, which must hold every room; EA when a room is not checked in."""
        stay = self.occupant(rooms[0])
        if stay is None or any(room not in stay.rooms for room in rooms):
            raise Refusal("EA")
        return stay

    def _check_in(self, rooms: tuple[str, ...], start: datetime | None, end: datetime | None) -> Stay:
        self._void_rooms(rooms)
        return self._add_stay(rooms, start, end, one_shot=False)

    def _add_stay(
        self, rooms: tuple[str, ...], start: datetime | None, end: datetime | None, *, one_shot: bool
    ) -> Stay:
        stay = Stay(len(self._stays) + 1, rooms, start, end, one_shot=one_shot)
        self._stays[stay.stay_id] = stay
        return stay

    def _void_rooms(self, rooms: tuple[str, ...]) -> None:
        for stay in list(self._stays.values()):
            if stay.active and not set(stay.rooms).isdisjoint(rooms):
                self._stays[stay.stay_id] = replace(stay, active=False)
