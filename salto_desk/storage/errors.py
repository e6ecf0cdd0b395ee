"""Errors of the storage layer, each with what happened and what to do (English and Dutch)."""

from __future__ import annotations

from salto_desk.errors import SaltoDeskError, Text


class DatabaseError(SaltoDeskError):
    """The database cannot be reached, opened or migrated."""


class NotFoundError(SaltoDeskError):
    """A record the caller refers to no longer exists (deleted, perhaps at another desk)."""

    def __init__(self, what: Text, record_id: object) -> None:
        super().__init__(
            Text(
                f"The {what.en} {record_id} no longer exists; it may have been deleted at another desk.",
                f"De {what.nl} {record_id} bestaat niet meer; misschien is die aan een andere balie verwijderd.",
            ),
            Text("Refresh the list and try again.", "Vernieuw de lijst en probeer het opnieuw."),
        )


class InUseError(SaltoDeskError):
    """A record cannot be deleted because other data still depends on it."""


class ConcurrentChangeError(SaltoDeskError):
    """The database refused a change that conflicts with one saved at the same moment."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            Text(
                f"The change conflicts with data saved at the same time, perhaps at another desk ({detail}).",
                f"De wijziging botst met gegevens die tegelijk zijn opgeslagen, misschien aan een andere balie "
                f"({detail}).",
            ),
            Text(
                "Refresh and try again; nothing was changed.", "Vernieuw en probeer het opnieuw; er is niets gewijzigd."
            ),
        )


class UnstorableTextError(SaltoDeskError):
    """Text that one of the databases cannot store (a zero byte, half of a UTF-16 pair): refused on every
    database alike, before it is written, instead of stored on SQLite and refused on PostgreSQL."""

    def __init__(self, value: str, character: str) -> None:
        super().__init__(
            Text(
                f"The text {value[:40]!r} contains the character {character!a}, which cannot be stored.",
                f"De tekst {value[:40]!r} bevat het teken {character!a}, dat niet kan worden opgeslagen.",
            ),
            Text(
                "Remove that character (often a pasted zero byte) and try again; nothing was changed.",
                "Verwijder dat teken (vaak een geplakte nulbyte) en probeer het opnieuw; er is niets gewijzigd.",
            ),
        )
