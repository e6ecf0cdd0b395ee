"""The optional manager PIN that locks the settings: a salted scrypt hash, never the PIN itself.

The stored string carries its own parameters (``scrypt$n$r$p$salt$hash``, salt and hash in base64),
so stronger parameters can be chosen later without breaking PINs already set. Verification compares
in constant time and refuses parameters far outside what this module writes, so a tampered settings
row cannot make the desk spend minutes or gigabytes on one check.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from salto_desk.errors import SaltoDeskError, Text, ValidationError

SCHEME = "scrypt"
MIN_LENGTH = 4
MAX_LENGTH = 12
SALT_BYTES = 16
HASH_BYTES = 32
_MAX_COST = 2**20  # the largest n accepted from a stored hash
_MAX_BLOCK = 32  # the largest r and p accepted from a stored hash
_MAX_MEMORY = 256 * 1024 * 1024


@dataclass(frozen=True)
class ScryptParameters:
    """scrypt's cost (n), block size (r) and parallelism (p)."""

    n: int = 2**14
    r: int = 8
    p: int = 1

    @property
    def memory(self) -> int:
        return 128 * self.r * (self.n + self.p + 2)


DEFAULT_PARAMETERS = ScryptParameters()


class DamagedPinHash(SaltoDeskError):
    """The stored manager PIN hash cannot be read, so no PIN can be checked against it."""

    def __init__(self, reason: str) -> None:
        super().__init__(
            Text(
                f"The stored manager PIN cannot be checked: {reason}.",
                f"De opgeslagen beheerders-pincode kan niet worden gecontroleerd: {reason}.",
            ),
            Text(
                "On a desk computer, run 'salto-desk pin clear' (with the desk's database settings); then set a new "
                "PIN.",
                "Voer op een baliecomputer 'salto-desk pin clear' uit (met de database-instellingen van de balie); "
                "stel daarna een nieuwe pincode in.",
            ),
        )


def check_pin(pin: str) -> str:
    """A PIN is 4 to 12 digits; returns it without surrounding spaces."""
    value = pin.strip()
    if not value.isascii() or not value.isdigit() or not MIN_LENGTH <= len(value) <= MAX_LENGTH:
        raise ValidationError(
            "pin",
            Text(
                f"A manager PIN is {MIN_LENGTH} to {MAX_LENGTH} digits, nothing else.",
                f"Een beheerders-pincode bestaat uit {MIN_LENGTH} tot {MAX_LENGTH} cijfers, niets anders.",
            ),
            Text("Enter digits only, for example 4821.", "Vul alleen cijfers in, bijvoorbeeld 4821."),
        )
    return value


def _derive(pin: str, salt: bytes, parameters: ScryptParameters, length: int) -> bytes:
    return hashlib.scrypt(
        pin.encode("ascii"),
        salt=salt,
        n=parameters.n,
        r=parameters.r,
        p=parameters.p,
        maxmem=parameters.memory + 1024 * 1024,
        dklen=length,
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_pin(pin: str, parameters: ScryptParameters = DEFAULT_PARAMETERS) -> str:
    """The string to store for ``pin``: a fresh random salt every time."""
    value = check_pin(pin)
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _derive(value, salt, parameters, HASH_BYTES)
    return f"{SCHEME}${parameters.n}${parameters.r}${parameters.p}${_b64(salt)}${_b64(digest)}"


def _parse(stored: str) -> tuple[ScryptParameters, bytes, bytes]:
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        raise DamagedPinHash("it is not a scrypt hash")
    try:
        n, r, p = (int(part) for part in parts[1:4])
        salt = base64.b64decode(parts[4], validate=True)
        digest = base64.b64decode(parts[5], validate=True)
    except (ValueError, binascii.Error):
        raise DamagedPinHash("its parameters or salt are unreadable") from None
    if n < 2 or n & (n - 1) or n > _MAX_COST or not 1 <= r <= _MAX_BLOCK or not 1 <= p <= _MAX_BLOCK:
        raise DamagedPinHash(f"its parameters n={n}, r={r}, p={p} are outside what Salto Desk writes")
    parameters = ScryptParameters(n, r, p)
    if parameters.memory > _MAX_MEMORY:
        raise DamagedPinHash(f"its parameters n={n}, r={r}, p={p} would need too much memory")
    if len(salt) < 8 or len(digest) < 16:
        raise DamagedPinHash("its salt or hash is too short")
    return parameters, salt, digest


def verify_pin(pin: str, stored: str) -> bool:
    """Does ``pin`` match the stored hash? Input that is no valid PIN simply does not match."""
    parameters, salt, digest = _parse(stored)
    try:
        value = check_pin(pin)
    except ValidationError:
        return False
    return hmac.compare_digest(_derive(value, salt, parameters, len(digest)), digest)


class WrongPin(SaltoDeskError):
    """The PIN entered is not the manager PIN. It says no more: whoever is at the lock screen learns nothing
    about how to get past it (the README and the managers' guide say what to do when nobody knows the PIN)."""

    def __init__(self) -> None:
        super().__init__(
            Text("That is not the manager PIN.", "Dat is niet de beheerders-pincode."),
            Text("Type it again.", "Typ hem opnieuw."),
        )


def require_pin(pin: str, stored: str) -> None:
    """Raise ``WrongPin`` unless ``pin`` matches the stored hash."""
    if not verify_pin(pin, stored):
        raise WrongPin()
