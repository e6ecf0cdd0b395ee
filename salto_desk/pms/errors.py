"""Errors of the BEX PMS link, each with a plain message and what to do (English and Dutch).

The split follows what the receptionist or manager can do about it: fix the key or the app's
permissions (401/403), wait (429, 5xx), keep working from cached data (unreachable), or report a
record BEX sent in a shape we cannot read. No error text ever contains the API key.
"""

from __future__ import annotations

from dataclasses import dataclass

from salto_desk.errors import SaltoDeskError, Text


class PmsError(SaltoDeskError):
    """Anything that went wrong while talking to BEX or reading what it sent."""


@dataclass(frozen=True)
class ApiErrorDetail:
    """One entry of a JSON:API ``errors`` list, as BEX sent it (any part may be missing)."""

    status: str | None
    code: str | None
    title: str | None
    detail: str | None
    pointer: str | None

    def describe(self) -> str:
        """One line for people: the detail (or title), the code and the field it points at."""
        text = self.detail or self.title or "no description"
        if self.code:
            text = f"{text} ({self.code})"
        if self.pointer:
            text = f"{text} at {self.pointer}"
        return text


class PmsHttpError(PmsError):
    """BEX answered with an error status; ``details`` holds its JSON:API error entries."""

    def __init__(
        self, status: int, message: Text, action: Text | None, details: tuple[ApiErrorDetail, ...] = ()
    ) -> None:
        if details:
            said = "; ".join(detail.describe() for detail in details)
            message = Text(f"{message.en} BEX says: {said}", f"{message.nl} BEX meldt: {said}")
        super().__init__(message, action)
        self.status = status
        self.details = details


class PmsAuthenticationError(PmsHttpError):
    """401: the API key is wrong, revoked or belongs to another organization."""

    def __init__(self, details: tuple[ApiErrorDetail, ...] = ()) -> None:
        super().__init__(
            401,
            Text("BEX rejected the API key.", "BEX heeft de API-sleutel geweigerd."),
            Text(
                "Check the API key in the settings against the app's key in BEX, and that the app is "
                "still installed for this organization.",
                "Vergelijk de API-sleutel in de instellingen met de sleutel van de app in BEX, en "
                "controleer of de app nog voor deze organisatie geïnstalleerd is.",
            ),
            details,
        )


class PmsForbidden(PmsHttpError):
    """403: the app lacks a permission (scope) for this data, or BEX blocks this IP address."""

    def __init__(self, details: tuple[ApiErrorDetail, ...] = ()) -> None:
        super().__init__(
            403,
            Text(
                "BEX refused access: the app lacks a permission for this data, or this network's IP "
                "address is blocked.",
                "BEX weigert de toegang: de app mist een recht voor deze gegevens, of het IP-adres van "
                "dit netwerk is geblokkeerd.",
            ),
            Text(
                "In BEX, check the app's read permissions (reservations, administrations, inventory "
                "objects, owners, extras, costs) and ask Booking Experts whether this IP address is "
                "blocked.",
                "Controleer in BEX de leesrechten van de app (reserveringen, administraties, objecten, "
                "eigenaren, extra's, kosten) en vraag Booking Experts of dit IP-adres geblokkeerd is.",
            ),
            details,
        )


class PmsNotFound(PmsHttpError):
    """404: the administration or record does not exist, or the app may not see it."""

    def __init__(self, what: Text, details: tuple[ApiErrorDetail, ...] = ()) -> None:
        super().__init__(
            404,
            Text(f"BEX does not know {what.en}.", f"BEX kent {what.nl} niet."),
            Text(
                "Check that the administration is linked to the app in BEX and that the record was not deleted.",
                "Controleer of de administratie in BEX aan de app gekoppeld is en of het record niet verwijderd is.",
            ),
            details,
        )
        self.what = what


class PmsRequestRejected(PmsHttpError):
    """400 or 422: BEX refused the request itself (bad filter, forbidden include, validation)."""

    def __init__(self, status: int, details: tuple[ApiErrorDetail, ...] = ()) -> None:
        super().__init__(
            status,
            Text(f"BEX refused the request (HTTP {status}).", f"BEX weigerde het verzoek (HTTP {status})."),
            Text(
                "This points at a mismatch between Salto Desk and the BEX API; report the message "
                "above to your Salto Desk supplier.",
                "Dit wijst op een verschil tussen Salto Desk en de BEX-API; meld de melding hierboven "
                "aan uw leverancier van Salto Desk.",
            ),
            details,
        )


class PmsRateLimited(PmsHttpError):
    """429 that outlasted our retries: BEX wants us to wait ``retry_after`` seconds."""

    def __init__(self, retry_after: float | None, details: tuple[ApiErrorDetail, ...] = ()) -> None:
        wait = f"{retry_after:.0f}" if retry_after is not None else "a few"
        super().__init__(
            429,
            Text("BEX is limiting the number of requests.", "BEX beperkt het aantal verzoeken."),
            Text(
                f"Wait {wait} seconds and try again; the desk keeps working with the data it has.",
                f"Wacht {wait} seconden en probeer het opnieuw; de balie werkt door met de gegevens die er al zijn.",
            ),
            details,
        )
        self.retry_after = retry_after


class PmsServerError(PmsHttpError):
    """5xx that outlasted our retries: a fault or maintenance at BEX."""

    def __init__(self, status: int, details: tuple[ApiErrorDetail, ...] = ()) -> None:
        super().__init__(
            status,
            Text(
                f"BEX has a problem on its side (HTTP {status}).",
                f"BEX heeft een probleem aan zijn kant (HTTP {status}).",
            ),
            Text(
                "Try again in a few minutes; the desk keeps working with the data it has.",
                "Probeer het over een paar minuten opnieuw; de balie werkt door met de gegevens die er al zijn.",
            ),
            details,
        )


class PmsUnreachable(PmsError):
    """No answer from BEX at all (no network, DNS, refused, timeout): work from cached data."""

    def __init__(self, reason: Text) -> None:
        super().__init__(
            reason,
            Text(
                "Check the internet connection of this computer; meanwhile the desk keeps working with "
                "the data it already has.",
                "Controleer de internetverbinding van deze computer; intussen werkt de balie door met de "
                "gegevens die er al zijn.",
            ),
        )


class PmsBadResponse(PmsError):
    """BEX answered, but not with a JSON:API document we can read at all."""

    def __init__(self, problem: Text) -> None:
        super().__init__(
            Text(
                f"BEX sent an answer that cannot be read: {problem.en}",
                f"BEX stuurde een onleesbaar antwoord: {problem.nl}",
            ),
            Text(
                "Try again later; if it persists, report it to your Salto Desk supplier.",
                "Probeer het later opnieuw; blijft het gebeuren, meld het dan aan uw leverancier van Salto Desk.",
            ),
        )


class PmsRecordError(PmsError):
    """One record BEX sent has a field of the wrong kind; only that record is skipped."""

    def __init__(self, record_type: str, record_id: str, field: str, problem: Text) -> None:
        super().__init__(
            Text(
                f"BEX record {record_type} {record_id}: field '{field}' {problem.en}.",
                f"BEX-record {record_type} {record_id}: veld '{field}' {problem.nl}.",
            ),
            Text(
                "This record was skipped; the others were read. If it keeps happening, report it to Booking Experts.",
                "Dit record is overgeslagen; de andere zijn ingelezen. Blijft het gebeuren, meld het dan "
                "aan Booking Experts.",
            ),
        )
        self.record_type = record_type
        self.record_id = record_id
        self.field = field
