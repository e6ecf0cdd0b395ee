"""`salto-desk salto ...`: drive a SALTO server from the command line (installers, scripts, tests).

Output contract (design §6): with --json exactly one JSON object on stdout; exit codes from
``ExitCode``: 0 success, 2 refused input (nothing was sent), 3 SALTO answered with an error code,
4 SALTO could not be reached or broke the protocol.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from salto_desk.cli.arguments import count_between, positive_seconds
from salto_desk.errors import SaltoDeskError, Text, ValidationError
from salto_desk.exit_codes import ExitCode
from salto_desk.protocol.cards import MAX_CARDS, CardProgress, encode_cards
from salto_desk.protocol.client import SaltoClient, Timeouts
from salto_desk.protocol.errors import LinkError, LocalProtocolError, SaltoErrorReply
from salto_desk.protocol.messages import CardReadout, CheckOut, EncodeCard, MobileKey, ReadCard, WireOptions
from salto_desk.protocol.text import mask_phone_numbers

ISO_MINUTES = "%Y-%m-%dT%H:%M"
Handler = Callable[[argparse.Namespace, SaltoClient], dict[str, Any]]


def _numbers(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected numbers separated by commas, got {text!r}") from None


def _iso(text: str) -> datetime:
    try:
        return datetime.strptime(text, ISO_MINUTES)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DDTHH:MM, got {text!r}") from None


def _zone(name: str | None) -> tzinfo:
    if not name:
        return datetime.now().astimezone().tzinfo or ZoneInfo("UTC")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            "timezone",
            Text(f"Unknown time zone {name!r}.", f"Onbekende tijdzone {name!r}."),
            Text("Use an IANA name such as Europe/Amsterdam.", "Gebruik een IANA-naam zoals Europe/Amsterdam."),
        ) from None


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    salto = subparsers.add_parser("salto", help="talk to a SALTO server (PMS Industry Standard)")
    commands = salto.add_subparsers(dest="salto_command", required=True, metavar="COMMAND")

    def command(name: str, help_text: str, handler: Handler) -> argparse.ArgumentParser:
        parser = commands.add_parser(name, help=help_text)
        parser.add_argument("--salto", required=True, metavar="ENDPOINT", help="host:port or a serial port/URL")
        parser.add_argument(
            "--timeout",
            type=positive_seconds,
            default=Timeouts.reply,
            metavar="S",
            help="seconds to wait for SALTO's reply, card wait included (more than 0; default 60)",
        )
        parser.add_argument("--timezone", metavar="ZONE", help="IANA zone of the site (default: this computer's)")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.set_defaults(func=lambda args: _run(args, handler))
        return parser

    command("ping", "check that SALTO answers (ENQ/ACK)", _ping)

    encode = command("encode", "encode key cards on an encoder (CN, CC for more cards)", _encode)
    encode.add_argument("--encoder", required=True, metavar="ID")
    _key_arguments(encode)
    encode.add_argument("--operator", default="", metavar="NAME")
    encode.add_argument("--text", action="append", default=[], metavar="LINE", help="a text line (up to 3)")
    encode.add_argument("--copy", action="store_true", help="copies only (CC): existing cards stay valid")
    encode.add_argument(
        "--cards", type=count_between(1, MAX_CARDS, "cards"), default=1, metavar="N", help=f"1 to {MAX_CARDS}"
    )

    mobile = command("mobile", "send a JustIN Mobile key to a phone (CNM, or CCM with --copy)", _mobile)
    mobile.add_argument("--phone", required=True, metavar="+E164")
    _key_arguments(mobile)
    mobile.add_argument("--copy", action="store_true", help="an extra phone for the same stay (CCM)")
    mobile.add_argument("--message", default="", metavar="TEXT")

    checkout = command("checkout", "void every guest card of a room (CO)", _checkout)
    checkout.add_argument("--room", required=True, metavar="R")

    read = command("read", "read the card on an encoder (LT)", _read)
    read.add_argument("--encoder", required=True, metavar="ID")


def _key_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--room", action="append", required=True, metavar="R", help="up to 4 rooms")
    parser.add_argument("--start", type=_iso, required=True, metavar="ISO", help="YYYY-MM-DDTHH:MM, site time")
    parser.add_argument("--end", type=_iso, required=True, metavar="ISO", help="YYYY-MM-DDTHH:MM, site time")
    parser.add_argument("--grant", type=_numbers, default=(), metavar="1,2", help="authorizations granted")
    parser.add_argument("--deny", type=_numbers, default=(), metavar="3", help="authorizations denied")


def _run(args: argparse.Namespace, handler: Handler) -> int:
    language: str = getattr(args, "language", "en")
    try:
        zone = _zone(args.timezone)
        args.site_zone = zone
        client = SaltoClient(
            args.salto,
            options=WireOptions(site_zone=zone),
            # --timeout bounds every wait: the reply, and each acknowledgement when it is shorter.
            timeouts=Timeouts(ack=min(Timeouts.ack, args.timeout), reply=args.timeout),
            trace=None,
        )
        with client:
            result = handler(args, client)
    except SaltoErrorReply as error:
        return _fail(args, error.code, error, language, ExitCode.REMOTE_ERROR)
    except LinkError as error:
        return _fail(args, "link", error, language, ExitCode.UNREACHABLE)
    except (LocalProtocolError, ValidationError) as error:
        return _fail(args, "usage", error, language, ExitCode.USAGE)
    if args.json:
        print(json.dumps({"ok": True, **result}))
    return ExitCode.OK


def _fail(args: argparse.Namespace, code: str, error: SaltoDeskError, language: str, exit_code: ExitCode) -> int:
    message = error.user_message(language)
    if args.json:
        print(json.dumps({"ok": False, "error": code, "message": message}))
    else:
        print(f"{code}: {message}" if code not in ("link", "usage") else message, file=sys.stderr)
    return exit_code


def _say(args: argparse.Namespace, text: str) -> None:
    if not args.json:
        print(text, flush=True)


def _local(moment: datetime, args: argparse.Namespace) -> datetime:
    return moment.replace(tzinfo=args.site_zone)


def _ping(args: argparse.Namespace, client: SaltoClient) -> dict[str, Any]:
    seconds = client.ping()
    _say(args, f"SALTO at {client.endpoint} is ready ({seconds * 1000:.1f} ms).")
    return {"command": "ENQ", "endpoint": str(client.endpoint), "milliseconds": round(seconds * 1000, 1)}


def _encode(args: argparse.Namespace, client: SaltoClient) -> dict[str, Any]:
    language: str = getattr(args, "language", "en")
    template = EncodeCard(
        "CN",
        args.encoder,
        tuple(args.room),
        _local(args.start, args),
        _local(args.end, args),
        granted=args.grant,
        denied=args.deny,
        operator=args.operator,
        texts=tuple(args.text),
    )

    def show(progress: CardProgress) -> None:
        _say(args, progress.text(language))

    replies = encode_cards(client, template, args.cards, copy=args.copy, on_progress=show)
    return {
        "command": replies[0].command,
        "encoder": args.encoder,
        "cards": len(replies),
        "serials": [serial for reply in replies for serial in reply.serials],
    }


def _mobile(args: argparse.Namespace, client: SaltoClient) -> dict[str, Any]:
    request = MobileKey(
        "CCM" if args.copy else "CNM",
        args.phone,
        tuple(args.room),
        _local(args.start, args),
        _local(args.end, args),
        granted=args.grant,
        denied=args.deny,
        message=args.message,
    )
    reply = client.request(request)
    phone = mask_phone_numbers(reply.phone.encode("latin-1")).decode("latin-1")
    _say(args, f"Mobile key sent ({reply.command}) to {phone}.")
    return {"command": reply.command, "phone": phone}


def _checkout(args: argparse.Namespace, client: SaltoClient) -> dict[str, Any]:
    client.request(CheckOut(args.room))
    _say(args, f"Room {args.room} checked out: its guest cards no longer open doors.")
    return {"command": "CO", "room": args.room}


def _read(args: argparse.Namespace, client: SaltoClient) -> dict[str, Any]:
    language: str = getattr(args, "language", "en")
    prompt = Text(f"Place the card on encoder {args.encoder}.", f"Leg de kaart op encoder {args.encoder}.")
    _say(args, prompt(language))
    card = client.request(ReadCard(args.encoder))
    result = readout_json(card)
    if not args.json:
        for key, value in result.items():
            print(f"{key:>10}: {value}")
    return {"command": "LT", **result}


def readout_json(card: CardReadout) -> dict[str, Any]:
    def iso(moment: datetime | None) -> str | None:
        return None if moment is None else moment.strftime(ISO_MINUTES)

    return {
        "encoder": card.encoder,
        "card_type": card.card_type.value,
        "rooms": list(card.rooms),
        "checked_in": card.checked_in,
        "copy": card.copy,
        "granted": list(card.granted),
        "start": iso(card.start),
        "end": iso(card.end),
        "operator": card.operator,
    }
