"""The one rule for times people read: the site's zone, one day format, weekdays in the desk's language."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from salto_desk.moments import day_text, moment_text, recent_text, shared_zone, zone_name

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
LONDON = ZoneInfo("Europe/London")
MOMENT = datetime(2026, 12, 4, 22, 30, tzinfo=UTC)  # 23:30 in Amsterdam, still Friday


def test_days_have_one_format_and_weekdays_in_the_desk_language() -> None:
    assert day_text(date(2026, 12, 5), "en") == "05-12-2026"
    assert day_text(date(2026, 12, 5), "en", weekday=True) == "Sat 05-12-2026"
    assert day_text(date(2026, 12, 5), "nl", weekday=True) == "za 05-12-2026"


def test_moments_are_shown_in_the_sites_zone_not_utc() -> None:
    assert moment_text(MOMENT, AMSTERDAM) == "04-12-2026 23:30"
    assert moment_text(MOMENT, LONDON) == "04-12-2026 22:30"
    assert moment_text(MOMENT + timedelta(hours=1), AMSTERDAM) == "05-12-2026 00:30"  # the local day counts
    assert moment_text(None, AMSTERDAM) == ""


def test_state_lines_leave_out_the_date_of_today_only() -> None:
    assert recent_text(MOMENT, AMSTERDAM, MOMENT + timedelta(minutes=20)) == "23:30"
    assert recent_text(MOMENT, AMSTERDAM, MOMENT + timedelta(hours=1)) == "04-12 23:30"  # midnight passed there
    assert recent_text(MOMENT, LONDON, MOMENT + timedelta(hours=1)) == "22:30"  # not yet in London


def test_one_shared_zone_or_none() -> None:
    assert shared_zone([AMSTERDAM, ZoneInfo("Europe/Amsterdam")]) == AMSTERDAM
    assert shared_zone([AMSTERDAM, LONDON]) is None
    assert shared_zone([]) is None
    assert zone_name(AMSTERDAM) == "Europe/Amsterdam"
    assert zone_name(None)  # this computer's zone has a name too
