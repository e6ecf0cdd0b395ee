"""What the demo's two properties look like: a holiday park and a city hotel, their units, extras and costs,
and the names their guests come with."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class UnitKind:
    names: dict[str, str]
    count: int
    object_name: Callable[[int], str]
    labels: tuple[str, ...]
    nights: tuple[int, ...]
    adults: tuple[int, int]
    children: tuple[int, int]
    owned: bool


@dataclass(frozen=True)
class CatalogueEntry:
    names: dict[str, str]
    category: str
    share: float
    """How many stays order it (extras) or are charged it (costs)."""


@dataclass(frozen=True)
class Property:
    id: str
    name: str
    phone: str
    units: tuple[UnitKind, ...]
    extras: tuple[CatalogueEntry, ...]
    costs: tuple[CatalogueEntry, ...]
    owners: int
    multi_unit_share: float


PARK = Property(
    id="1",
    name="Vakantiepark De Wielewaal",
    phone="+31 513 123 456",
    units=(
        UnitKind(
            names={"en": "Chalet for 4", "nl": "Chalet 4 personen", "de": "Chalet für 4"},
            count=80,
            object_name=lambda n: f"Chalet {n}",
            labels=("Aan het water", "Huisdieren toegestaan", "Nabij zwembad", "Rustige ligging"),
            nights=(2, 3, 4, 7, 7, 10),
            adults=(1, 2),
            children=(0, 2),
            owned=True,
        ),
        UnitKind(
            names={"en": "Bungalow 6 luxury", "nl": "Bungalow 6 luxe", "de": "Bungalow 6 Luxus"},
            count=60,
            object_name=lambda n: f"Bungalow B-{n:02d}",
            labels=("Sauna", "Huisdieren toegestaan", "Rolstoelvriendelijk", "Aan het water"),
            nights=(3, 4, 7, 7, 14),
            adults=(2, 4),
            children=(0, 3),
            owned=True,
        ),
        UnitKind(
            names={"en": "Wellness lodge 8", "nl": "Wellnesslodge 8", "de": "Wellness-Lodge 8"},
            count=20,
            object_name=lambda n: f"Lodge L-{n:02d}",
            labels=("Sauna", "Hottub", "Aan het water"),
            nights=(2, 3, 4, 7),
            adults=(2, 6),
            children=(0, 2),
            owned=True,
        ),
        UnitKind(
            names={"en": "Comfort pitch", "nl": "Comfortplaats", "de": "Komfortstellplatz"},
            count=60,
            object_name=lambda n: f"Plaats {100 + n}",
            labels=("Stroom 10A", "Huisdieren toegestaan", "Nabij sanitair"),
            nights=(2, 3, 5, 7, 14),
            adults=(1, 2),
            children=(0, 3),
            owned=False,
        ),
    ),
    extras=(
        CatalogueEntry({"en": "Pool access", "nl": "Toegang zwembad", "de": "Schwimmbadzugang"}, "per_person", 0.35),
        CatalogueEntry({"en": "Parking", "nl": "Parkeren", "de": "Parken"}, "per_stay", 0.5),
        CatalogueEntry({"en": "Sauna", "nl": "Sauna", "de": "Sauna"}, "per_stay", 0.1),
        CatalogueEntry({"en": "Bike rental", "nl": "Fietsverhuur", "de": "Fahrradverleih"}, "per_night", 0.15),
    ),
    costs=(
        CatalogueEntry({"en": "Final cleaning", "nl": "Eindschoonmaak", "de": "Endreinigung"}, "mandatory", 1.0),
        CatalogueEntry({"en": "Tourist tax", "nl": "Toeristenbelasting", "de": "Kurtaxe"}, "mandatory", 1.0),
        CatalogueEntry({"en": "Bed linen", "nl": "Bedlinnen", "de": "Bettwäsche"}, "optional", 0.4),
        CatalogueEntry({"en": "Key card deposit", "nl": "Borg sleutelkaart", "de": "Kartenpfand"}, "optional", 0.2),
    ),
    owners=40,
    multi_unit_share=0.1,
)

HOTEL = Property(
    id="2",
    name="Stadshotel De Gouden Leeuw",
    phone="+31 20 123 4567",
    units=(
        UnitKind(
            names={"en": "Standard double room", "nl": "Standaard tweepersoonskamer", "de": "Standard-Doppelzimmer"},
            count=18,
            object_name=lambda n: f"{100 * (1 + (n - 1) // 6) + (n - 1) % 6 + 1}",
            labels=("Binnenplaats", "Niet-roken"),
            nights=(1, 1, 2, 3),
            adults=(1, 2),
            children=(0, 0),
            owned=False,
        ),
        UnitKind(
            names={"en": "Superior twin room", "nl": "Superior twin kamer", "de": "Superior-Zweibettzimmer"},
            count=8,
            object_name=lambda n: f"{400 + n}",
            labels=("Grachtzicht", "Niet-roken"),
            nights=(1, 2, 3, 4),
            adults=(1, 2),
            children=(0, 0),
            owned=False,
        ),
        UnitKind(
            names={"en": "Family room", "nl": "Familiekamer", "de": "Familienzimmer"},
            count=4,
            object_name=lambda n: f"{500 + n}",
            labels=("Rolstoelvriendelijk", "Begane grond"),
            nights=(2, 3, 4),
            adults=(2, 2),
            children=(1, 3),
            owned=False,
        ),
    ),
    extras=(
        CatalogueEntry({"en": "Parking", "nl": "Parkeren", "de": "Parken"}, "per_night", 0.3),
        CatalogueEntry({"en": "Breakfast", "nl": "Ontbijt", "de": "Frühstück"}, "per_person", 0.6),
        CatalogueEntry({"en": "Late check-out", "nl": "Late check-out", "de": "Später Check-out"}, "per_stay", 0.1),
    ),
    costs=(
        CatalogueEntry({"en": "City tax", "nl": "Toeristenbelasting", "de": "Citytax"}, "mandatory", 1.0),
        CatalogueEntry({"en": "Booking fee", "nl": "Reserveringskosten", "de": "Buchungsgebühr"}, "mandatory", 1.0),
    ),
    owners=0,
    multi_unit_share=0.05,
)

PROPERTIES = (PARK, HOTEL)


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split("|"))


NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "NL": (
        _names("Anouk|Bram|Daan|Eline|Femke|Joëlle|Loïs|Noëlle|Sjoerd|Thijs|Ruben|Zoë|Chloë|Inge|Maarten|Siëlle"),
        _names(
            "de Vries|van der Meulen|Jansen|Bakker|Visser|ter Horst|van Dijk|Smit|de Boer|Mulder|Hendriks"
            "|van den Berg|Kuijpers|Brouwer|d'Hondt|IJzerman"
        ),
    ),
    "DE": (
        _names("Jürgen|Björn|Käthe|Lukas|Sören|Günther|Lena|Jörg|Anna-Lena|Maximilian|Frauke|Uwe|Jürgen-Heinz"),
        _names("Müller|Schäfer|Weiß|Schröder|Krüger|Böhm|Groß|Köhler|Fuchs|Schmitt|Hoffmann|Wagner|von Bülow"),
    ),
    "GB": (
        _names("Siobhán|Zoë|Chloé|Renée|Oliver|Amélie|Seán|Niamh|Harry|Emily|Jack|Olivia"),
        _names("O'Brien|Clarke|Bennett|Walker|Hughes|Thompson|Murphy|Taylor|Davies|Evans|Wright|Ó Súilleabháin"),
    ),
}
