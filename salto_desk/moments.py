"""One rule for the times and days a person reads: the site's time zone, one day format, the zone named.

Every screen and message a person reads goes through these functions, so the desk never shows
UTC or ISO text to people and never mixes formats (``04-12-2026 15:00`` everywhere). Weekdays are in
the desk's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from salto_desk.errors import Text

TIMES_ARE_LOCAL = Text("Times are local to {zone}.", "Tijden zijn lokale tijd in {zone}.")
"""Said wherever a person reads or types times, with the zone they are in."""
DAY_FORMAT = "%d-%m-%Y"
TIME_FORMAT = "%H:%M"
WEEKDAYS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "nl": ("ma", "di", "wo", "do", "vr", "za", "zo"),
}


def day_text(day: date, language: str, *, weekday: bool = False) -> str:
    """``05-12-2026``, or ``Sat 05-12-2026`` / ``za 05-12-2026`` with its weekday."""
    text = day.strftime(DAY_FORMAT)
    if not weekday:
        return text
    names = WEEKDAYS.get(language, WEEKDAYS["en"])
    return f"{names[day.weekday()]} {text}"


def moment_text(moment: datetime | None, zone: ZoneInfo | None) -> str:
    """``05-12-2026 15:00`` in ``zone`` (the site's; None: this computer's); empty for no moment."""
    if moment is None:
        return ""
    local = moment.astimezone(zone) if zone is not None else moment.astimezone()
    return local.strftime(f"{DAY_FORMAT} {TIME_FORMAT}")


def recent_text(moment: datetime, zone: ZoneInfo | None, now: datetime) -> str:
    """``15:00`` for a moment of today, else ``04-12 15:00`` (both in ``zone``): for state lines that stay short."""
    local = moment.astimezone(zone) if zone is not None else moment.astimezone()
    today = now.astimezone(zone) if zone is not None else now.astimezone()
    return local.strftime(TIME_FORMAT if local.date() == today.date() else f"%d-%m {TIME_FORMAT}")


def shared_zone(zones: Iterable[ZoneInfo]) -> ZoneInfo | None:
    """The one zone all sites share (what a desk's own state lines use); None when they differ or there are none.

    With None the lines fall back to this computer's clock, which then names its zone.
    """
    distinct = {zone.key: zone for zone in zones}
    return next(iter(distinct.values())) if len(distinct) == 1 else None


def zone_name(zone: ZoneInfo | None) -> str:
    """The zone as people recognise it (``Europe/Amsterdam``); this computer's when None."""
    if zone is not None:
        return zone.key
    local = datetime.now().astimezone().tzinfo
    return str(local) if local is not None else ""
