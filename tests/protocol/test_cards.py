from __future__ import annotations

from collections.abc import Callable

import pytest

from salto_desk.protocol.cards import CardProgress, CardStep, encode_cards, plan_commands
from salto_desk.protocol.client import SaltoClient, Timeouts
from salto_desk.protocol.codec import ACK, Control, encode_frame
from salto_desk.protocol.errors import LocalProtocolError, SaltoErrorReply
from salto_desk.protocol.messages import EncodeCard

from .conftest import Peer, ScriptedSalto

Scripted = Callable[..., ScriptedSalto]
FAST = Timeouts(connect=2, write=2, ack=2, reply=5)


def test_new_cards_are_one_cn_then_copies() -> None:
    assert plan_commands(1, copy=False) == ["CN"]
    assert plan_commands(3, copy=False) == ["CN", "CC", "CC"]
    assert plan_commands(2, copy=True) == ["CC", "CC"]


@pytest.mark.parametrize("count", [0, 21, -1])
def test_card_count_is_bounded(count: int) -> None:
    with pytest.raises(LocalProtocolError, match="1 to 20 cards"):
        plan_commands(count, copy=False)


def salto_answering(commands_seen: list[str], reply_code: bytes | None = None) -> Callable[[Peer], None]:
    def script(peer: Peer) -> None:
        assert peer.expect() is Control.ENQ
        peer.send(bytes((ACK,)))
        request = peer.expect_frame()
        commands_seen.append(request.command)
        peer.send(bytes((ACK,)))
        code = reply_code or request.fields[0]
        peer.send(encode_frame([code, b"Desk 1", b"SERIAL" + str(len(commands_seen)).encode()]))

    return script


def test_progress_per_card_in_order(scripted: Scripted) -> None:
    seen: list[str] = []
    server = scripted(*[salto_answering(seen)] * 3)
    progress: list[CardProgress] = []
    replies = encode_cards(
        SaltoClient(server.endpoint, timeouts=FAST),
        EncodeCard("CN", "Desk 1", ("101",)),
        3,
        copy=False,
        on_progress=progress.append,
        encoder_label="Reception 1",
    )
    assert seen == ["CN", "CC", "CC"]
    assert [(p.step, p.card) for p in progress] == [
        (CardStep.PLACE, 1),
        (CardStep.DONE, 1),
        (CardStep.PLACE, 2),
        (CardStep.DONE, 2),
        (CardStep.PLACE, 3),
        (CardStep.DONE, 3),
    ]
    assert progress[0].text("en") == "Place card 1 of 3 on encoder Reception 1."
    assert progress[1].text("nl") == "Kaart 1 van 3 klaar."
    assert [r.serials for r in replies] == [("SERIAL1",), ("SERIAL2",), ("SERIAL3",)]
    assert progress[5].reply == replies[2]


def test_an_error_stops_the_sequence_after_the_cards_done(scripted: Scripted) -> None:
    seen: list[str] = []
    server = scripted(salto_answering(seen), salto_answering(seen, b"ED"))
    progress: list[CardProgress] = []
    with pytest.raises(SaltoErrorReply) as caught:
        encode_cards(
            SaltoClient(server.endpoint, timeouts=FAST),
            EncodeCard("CN", "1", ("101",)),
            3,
            copy=True,
            on_progress=progress.append,
        )
    assert caught.value.code == "ED"
    assert seen == ["CC", "CC"]
    done = [p for p in progress if p.step is CardStep.DONE]
    assert [p.card for p in done] == [1]
    assert done[0].reply is not None and done[0].reply.serials == ("SERIAL1",)
