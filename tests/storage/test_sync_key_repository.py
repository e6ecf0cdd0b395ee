"""What the sync keeps per key: here the flags that say what to do about a key."""

from __future__ import annotations

from salto_desk.keys.model import FlagCode, KeyFlag
from salto_desk.storage import Database, KeyRepository
from salto_desk.storage.sync_key_repository import SyncKeyRepository
from tests.storage.bex_cache import BEX_ID, NOW
from tests.storage.helpers import add_administration, add_key_type, key_draft


def test_flags_are_replaced_per_key_and_go_with_the_key(database: Database) -> None:
    park = add_administration(database, pms_id=BEX_ID, name="Park")
    guest = add_key_type(database, park, name="Guest")
    with database.unit_of_work() as session:
        keys = KeyRepository(session)
        first, second = (keys.add(key_draft(park, guest), NOW) for _ in range(2))
        flags = SyncKeyRepository(session)
        missing = KeyFlag(FlagCode.OBJECT_MISSING, (("object", "11"),))
        phone = KeyFlag(FlagCode.PHONE_REFUSED, (("phone", "+31 06"), ("reason", "zero_after_country_code")))
        flags.replace_flags({first.id: [missing, phone], second.id: [missing]})
    with database.unit_of_work() as session:
        flags = SyncKeyRepository(session)
        assert flags.flags([first.id, second.id]) == {first.id: (missing, phone), second.id: (missing,)}
        flags.replace_flags({first.id: [phone], second.id: []})
        KeyRepository(session).delete(first.id)
    with database.unit_of_work() as session:
        assert SyncKeyRepository(session).flags([first.id, second.id]) == {}
