from __future__ import annotations

import pytest

from salto_desk.errors import ValidationError
from salto_desk.pin import DamagedPinHash, ScryptParameters, WrongPin, check_pin, hash_pin, require_pin, verify_pin

FAST = ScryptParameters(n=2**4, r=1, p=1)


def test_hash_verifies_the_right_pin_only() -> None:
    stored = hash_pin("4821")
    assert verify_pin("4821", stored)
    assert verify_pin(" 4821 ", stored)
    assert not verify_pin("4822", stored)
    assert not verify_pin("", stored)
    assert not verify_pin("abcd", stored)


def test_the_hash_carries_scheme_parameters_and_a_fresh_salt() -> None:
    first, second = hash_pin("123456", FAST), hash_pin("123456", FAST)
    assert first.startswith("scrypt$16$1$1$")
    assert "123456" not in first
    assert first != second  # a new salt each time
    assert verify_pin("123456", first) and verify_pin("123456", second)


def test_default_parameters_are_stored_in_the_hash() -> None:
    assert hash_pin("0000").split("$")[1:4] == ["16384", "8", "1"]


@pytest.mark.parametrize("pin", ["123", "1234567890123", "12a4", "12 34", "١٢٣٤", ""])
def test_bad_pins_are_refused_with_a_message(pin: str) -> None:
    with pytest.raises(ValidationError) as caught:
        check_pin(pin)
    assert caught.value.field == "pin"
    assert "4 to 12 digits" in caught.value.user_message("en")
    assert "cijfers" in caught.value.user_message("nl")


@pytest.mark.parametrize(
    "stored",
    [
        "plain-text-pin",
        "bcrypt$16$1$1$AAAAAAAAAAA=$AAAAAAAAAAAAAAAAAAAAAA==",
        "scrypt$x$1$1$AAAAAAAAAAA=$AAAAAAAAAAAAAAAAAAAAAA==",
        "scrypt$15$1$1$AAAAAAAAAAA=$AAAAAAAAAAAAAAAAAAAAAA==",
        f"scrypt${2**24}$8$1$AAAAAAAAAAA=$AAAAAAAAAAAAAAAAAAAAAA==",
        f"scrypt${2**20}$32$1$AAAAAAAAAAA=$AAAAAAAAAAAAAAAAAAAAAA==",
        "scrypt$16$1$1$!!!$AAAAAAAAAAAAAAAAAAAAAA==",
        "scrypt$16$1$1$AAAA$AAAA",
    ],
)
def test_a_damaged_or_hostile_hash_is_a_clear_error(stored: str) -> None:
    with pytest.raises(DamagedPinHash) as caught:
        verify_pin("1234", stored)
    assert "salto-desk pin clear" in caught.value.user_message("en")


def test_require_pin_raises_a_clear_message_for_a_wrong_pin() -> None:
    stored = hash_pin("2468", FAST)
    require_pin("2468", stored)
    with pytest.raises(WrongPin) as caught:
        require_pin("2469", stored)
    assert caught.value.user_message("en") == "That is not the manager PIN. Type it again."
    assert caught.value.user_message("nl") == "Dat is niet de beheerders-pincode. Typ hem opnieuw."


def test_a_wrong_pin_says_nothing_about_how_to_remove_the_pin() -> None:
    """Whoever stands at the lock screen learns only that the PIN was wrong (the guide tells managers the rest)."""
    stored = hash_pin("2468", FAST)
    with pytest.raises(WrongPin) as caught:
        require_pin("0000", stored)
    for language in ("en", "nl"):
        said = caught.value.user_message(language).casefold()
        assert "clear" not in said and "salto-desk" not in said and "remove" not in said and "verwijder" not in said
