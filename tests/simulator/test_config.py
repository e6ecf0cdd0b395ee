"""Simulator settings are checked before any socket opens."""

from __future__ import annotations

import pytest

from salto_desk.errors import ValidationError
from salto_desk.protocol.messages import WireOptions
from salto_desk.simulator import SimulatorConfig
from salto_desk.simulator.config import DEFAULT_ROOMS


def test_defaults_match_the_command_line_contract() -> None:
    config = SimulatorConfig()
    assert (config.host, config.port, config.encoders) == ("127.0.0.1", 0, ("1", "2"))
    assert DEFAULT_ROOMS[0] == "101" and DEFAULT_ROOMS[-1] == "120" and len(DEFAULT_ROOMS) == 20
    assert (config.card_delay, config.card_timeout, config.no_card, config.phones) == (2.0, 30.0, False, None)
    assert (config.out_of_service, config.serial) == ((), False)


@pytest.mark.parametrize(
    ("settings", "field", "words"),
    [
        ({"port": 70000}, "port", "70000"),
        ({"rooms": ()}, "rooms", "at least one room"),
        ({"rooms": ("101", "101")}, "rooms", "101 more than once"),
        ({"rooms": (" 101",)}, "rooms", "' 101'"),
        ({"rooms": ("1\xb302",)}, "rooms", "0xB3"),
        ({"rooms": ("x" * 25,)}, "rooms", "is 25 characters; SALTO takes at most 24"),
        ({"rooms": ("Hütte",)}, "rooms", "'ü', which the ASCII code page"),
        ({"encoders": ()}, "encoders", "at least one encoder"),
        ({"encoders": ("Encoder\x021",)}, "encoders", "control character U+0002"),
        ({"out_of_service": ("999",)}, "out_of_service", "999"),
        ({"card_delay": -1.0}, "card_delay", "0 or more"),
        ({"card_timeout": 0.0}, "card_timeout", "more than 0"),
        ({"card_timeout": float("nan")}, "card_timeout", "nan"),
        ({"phones": ("0612345678",)}, "phones", "E.164"),
    ],
)
def test_bad_settings_are_refused_with_a_clear_message(settings: dict[str, object], field: str, words: str) -> None:
    with pytest.raises(ValidationError) as refused:
        SimulatorConfig(**settings)  # type: ignore[arg-type]
    assert refused.value.field == field
    assert words in refused.value.user_message("en")
    assert refused.value.user_message("nl") != refused.value.user_message("en")


def test_names_with_spaces_inside_and_phones_with_00_prefix_are_accepted() -> None:
    config = SimulatorConfig(rooms=("Suite 1", "101"), encoders=("Online Encoder 1",), phones=("0031612345678",))
    assert config.rooms == ("Suite 1", "101")


def test_a_latin1_site_may_name_rooms_in_latin1() -> None:
    config = SimulatorConfig(rooms=("Hütte",), options=WireOptions(encoding="latin-1"))
    assert config.rooms == ("Hütte",)
