"""Encoding several cards for one key: the sequence of CN/CC requests and its per-card progress.

CN starts a new stay and voids the room's older cards, so only the first new card may be a CN; every
further card is a CC (a copy that keeps the others valid). The CLI and the key services share this.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum

from salto_desk.errors import Text
from salto_desk.protocol.client import Progress, SaltoClient, Stage
from salto_desk.protocol.errors import LocalProtocolError
from salto_desk.protocol.messages import EncodeCard, EncodeCommand, EncodeReply

MAX_CARDS = 20


class CardStep(Enum):
    PLACE = "place"  # SALTO accepted the request: the receptionist places card k on the encoder
    DONE = "done"  # card k is written


@dataclass(frozen=True)
class CardProgress:
    step: CardStep
    card: int
    cards: int
    encoder: str
    command: str
    reply: EncodeReply | None = None  # set on DONE: the echo, with serial numbers when asked for

    def text(self, language: str = "en") -> str:
        if self.step is CardStep.PLACE:
            return Text(
                f"Place card {self.card} of {self.cards} on encoder {self.encoder}.",
                f"Leg kaart {self.card} van {self.cards} op encoder {self.encoder}.",
            )(language)
        return Text(f"Card {self.card} of {self.cards} done.", f"Kaart {self.card} van {self.cards} klaar.")(language)


def plan_commands(cards: int, copy: bool) -> list[EncodeCommand]:
    """The command for each card: new = CN then CC; copy = CC only."""
    if not 1 <= cards <= MAX_CARDS:
        raise LocalProtocolError(
            "cards",
            Text(
                f"Choose 1 to {MAX_CARDS} cards, not {cards}.",
                f"Kies 1 tot {MAX_CARDS} kaarten, niet {cards}.",
            ),
        )
    first: EncodeCommand = "CC" if copy else "CN"
    return [first] + ["CC"] * (cards - 1)


def encode_cards(
    client: SaltoClient,
    template: EncodeCard,
    cards: int,
    *,
    copy: bool,
    on_progress: Callable[[CardProgress], None] | None = None,
    encoder_label: str | None = None,
) -> list[EncodeReply]:
    """Encode ``cards`` cards from ``template`` (its command is replaced per card), one request each.

    Stops at the first error; the DONE progress of each card written before it carries its reply, so
    a caller can record what is on the cards already made.
    """
    commands = plan_commands(cards, copy)
    notify = on_progress or (lambda _progress: None)
    label = encoder_label or template.encoder
    replies: list[EncodeReply] = []
    for number, command in enumerate(commands, 1):
        request = replace(template, command=command, amount=None)

        def on_stage(progress: Progress, number: int = number, command: str = command) -> None:
            if progress.stage is Stage.ACKNOWLEDGED:
                notify(CardProgress(CardStep.PLACE, number, cards, label, command))

        reply = client.request(request, progress=on_stage)
        replies.append(reply)
        notify(CardProgress(CardStep.DONE, number, cards, label, command, reply))
    return replies
