"""Protocol errors: our own misuse (local), SALTO's answers (error codes) and link failures.

The split matters to the receptionist: a local error means fix the input, an error code means do
what SALTO asks (present the card, free the encoder...), a link error means check the connection.
"""

from __future__ import annotations

from dataclasses import dataclass

from salto_desk.errors import SaltoDeskError, Text


class ProtocolError(SaltoDeskError):
    """Anything that went wrong while talking to SALTO."""


class LocalProtocolError(ProtocolError):
    """A request we refuse to send: a value that the protocol cannot carry."""

    def __init__(self, field: str, message: Text, action: Text | None = None) -> None:
        super().__init__(message, action)
        self.field = field


class LinkError(ProtocolError):
    """The link to SALTO failed; no SALTO answer was understood."""

    default_action = Text(
        "Check that the SALTO server is running, that the PMS Industry Standard interface is enabled "
        "and that the address and port are right, then try again.",
        "Controleer of de SALTO-server draait, de PMS Industry Standard-koppeling aan staat en het "
        "adres en de poort kloppen, en probeer het opnieuw.",
    )

    def __init__(self, message: Text, action: Text | None = None) -> None:
        super().__init__(message, action or self.default_action)


class ConnectFailed(LinkError):
    """No connection could be opened to the SALTO endpoint."""


class LinkTimeout(LinkError):
    """SALTO did not answer in time."""


class NakReceived(LinkError):
    """SALTO kept refusing the frame (NAK) after every retry."""


class RemoteProtocolError(LinkError):
    """SALTO sent bytes that break the protocol: bad LRC, an unexpected byte, a bad reply."""


class ConnectionLost(LinkError):
    """The connection closed before the exchange was complete."""


class Cancelled(ProtocolError):
    """The operation was cancelled by the user while it waited (no fault of the link: audited ``cancelled``)."""

    def __init__(self) -> None:
        super().__init__(
            Text("The operation was cancelled.", "De handeling is geannuleerd."),
            Text(
                "If a card was on the encoder, read it to see what was written.",
                "Lag er een kaart op de encoder, lees die dan uit om te zien wat erop staat.",
            ),
        )


@dataclass(frozen=True)
class ErrorCodeInfo:
    """What one SALTO error code means and what the receptionist should do about it."""

    code: str
    message: Text
    action: Text


ERROR_CODES: dict[str, ErrorCodeInfo] = {
    info.code: info
    for info in (
        ErrorCodeInfo(
            "ES",
            Text(
                "SALTO refused the request: unknown command, invalid parameters or prohibited characters.",
                "SALTO weigerde het verzoek: onbekende opdracht, ongeldige gegevens of verboden tekens.",
            ),
            Text(
                "Check the room names, dates and texts of the key; if they look right, check that the "
                "SALTO software version in the settings matches the server.",
                "Controleer de kamernamen, datums en teksten van de sleutel; kloppen die, controleer dan "
                "of de SALTO-softwareversie in de instellingen bij de server past.",
            ),
        ),
        ErrorCodeInfo(
            "NC",
            Text(
                "SALTO has no communication with the encoder: it is switched off or disconnected.",
                "SALTO heeft geen verbinding met de encoder: die staat uit of is losgekoppeld.",
            ),
            Text(
                "Check the encoder's power and network cable, and that its identifier in the settings "
                "matches the one in ProAccess Space.",
                "Controleer de stroom en netwerkkabel van de encoder, en of de identificatie in de "
                "instellingen gelijk is aan die in ProAccess Space.",
            ),
        ),
        ErrorCodeInfo(
            "NF",
            Text(
                "SALTO's interface database file is missing or corrupt.",
                "Het databasebestand van de SALTO-koppeling ontbreekt of is beschadigd.",
            ),
            Text(
                "Ask your SALTO installer to check the PMS interface on the SALTO server.",
                "Vraag uw SALTO-installateur de PMS-koppeling op de SALTO-server te controleren.",
            ),
        ),
        ErrorCodeInfo(
            "OV",
            Text(
                "The encoder is still busy with a previous job.",
                "De encoder is nog bezig met een vorige opdracht.",
            ),
            Text(
                "Wait until the encoder is free (take any card off it), then try again.",
                "Wacht tot de encoder vrij is (haal een eventuele kaart eraf) en probeer het opnieuw.",
            ),
        ),
        ErrorCodeInfo(
            "EP",
            Text(
                "Card error: no card on the encoder, or the card was placed wrongly.",
                "Kaartfout: er ligt geen kaart op de encoder, of de kaart ligt verkeerd.",
            ),
            Text(
                "Place one card flat in the middle of the encoder and try again.",
                "Leg één kaart plat in het midden van de encoder en probeer het opnieuw.",
            ),
        ),
        ErrorCodeInfo(
            "EF",
            Text(
                "Format error: the card belongs to another system or is damaged.",
                "Formaatfout: de kaart hoort bij een ander systeem of is beschadigd.",
            ),
            Text("Use another card from this park's stock.", "Gebruik een andere kaart uit de eigen voorraad."),
        ),
        ErrorCodeInfo(
            "TD",
            Text("SALTO does not know this room.", "SALTO kent deze kamer niet."),
            Text(
                "Check the door/room name of the accommodation: it must match the name in ProAccess Space.",
                "Controleer de deur-/kamernaam van de accommodatie: die moet gelijk zijn aan de naam in "
                "ProAccess Space.",
            ),
        ),
        ErrorCodeInfo(
            "ED",
            Text(
                "Timeout: the card was not presented in time; the operation was cancelled.",
                "Time-out: de kaart werd niet op tijd aangeboden; de handeling is geannuleerd.",
            ),
            Text(
                "Start again and place the card on the encoder as soon as you are asked to.",
                "Begin opnieuw en leg de kaart op de encoder zodra daarom gevraagd wordt.",
            ),
        ),
        ErrorCodeInfo(
            "EA",
            Text(
                "SALTO refused the copy because the room is checked out.",
                "SALTO weigerde de kopie omdat de kamer uitgecheckt is.",
            ),
            Text(
                "Make new cards (check-in) instead of a copy.",
                "Maak nieuwe kaarten (inchecken) in plaats van een kopie.",
            ),
        ),
        ErrorCodeInfo(
            "OS",
            Text("The room is out of service in SALTO.", "De kamer staat in SALTO buiten gebruik."),
            Text(
                "Put the room back in service in ProAccess Space, or choose another room.",
                "Zet de kamer in ProAccess Space weer in gebruik, of kies een andere kamer.",
            ),
        ),
        ErrorCodeInfo(
            "EO",
            Text(
                "This guest card is being encoded at another station.",
                "Deze gastenkaart wordt op een ander station gecodeerd.",
            ),
            Text(
                "Wait until the other station has finished, then try again.",
                "Wacht tot het andere station klaar is en probeer het opnieuw.",
            ),
        ),
        ErrorCodeInfo(
            "EV",
            Text(
                "The card on the encoder belongs to a valid staff user.",
                "De kaart op de encoder hoort bij een geldige medewerker.",
            ),
            Text(
                "Do not overwrite staff cards: use a blank or returned guest card.",
                "Overschrijf geen personeelskaarten: gebruik een lege of ingeleverde gastenkaart.",
            ),
        ),
        ErrorCodeInfo(
            "EG",
            Text("SALTO reported a general error.", "SALTO meldde een algemene fout."),
            Text(
                "For a mobile key: make sure the guest installed JustIN Mobile and registered with this "
                "phone number. Otherwise read SALTO's description and try again.",
                "Voor een mobiele sleutel: controleer of de gast JustIN Mobile heeft geïnstalleerd en met "
                "dit telefoonnummer is geregistreerd. Lees anders de beschrijving van SALTO en probeer "
                "het opnieuw.",
            ),
        ),
        ErrorCodeInfo(
            "WE",
            Text(
                "SALTO could not read the audit trail: unknown door or database not reachable.",
                "SALTO kon de audittrail niet lezen: onbekende deur of database niet bereikbaar.",
            ),
            Text(
                "Check the door name and that the SALTO database is running.",
                "Controleer de deurnaam en of de SALTO-database draait.",
            ),
        ),
    )
}


class SaltoErrorReply(ProtocolError):
    """SALTO answered the request with one of its error codes."""

    def __init__(self, code: str, detail: str = "", fields: tuple[str, ...] = ()) -> None:
        info = ERROR_CODES[code]
        message = info.message
        if detail:
            message = Text(f"{message.en} SALTO says: {detail}", f"{message.nl} SALTO meldt: {detail}")
        super().__init__(message, info.action)
        self.code = code
        self.detail = detail
        self.fields = fields
