"""The BEX client against hand-made answers (httpx.MockTransport): paging, errors, retries, secrecy."""

from __future__ import annotations

import gc
import logging
import socket
import threading
import traceback
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest

from salto_desk.demo.records import DemoRecord
from salto_desk.demo.server import DemoPmsServer
from salto_desk.demo.store import DemoStore
from salto_desk.errors import ValidationError
from salto_desk.pms.client import CONTACTS, ORDERS, BexClient
from salto_desk.pms.errors import (
    PmsAuthenticationError,
    PmsBadResponse,
    PmsError,
    PmsForbidden,
    PmsNotFound,
    PmsRateLimited,
    PmsRequestRejected,
    PmsServerError,
    PmsUnreachable,
)
from salto_desk.pms.models import Contact
from salto_desk.pms.selection import ReservationSelection
from salto_desk.pms.settings import PmsSettings, PmsTimeouts, RetryPolicy
from tests.demo.conftest import NOW, SMALL, TODAY, FakeClock
from tests.pms.conftest import Sleeps, demo_client, reservations

SECRET = "s3cr3t-KEY-4f9a2c"
BASE = "https://api.bookingexperts.test/v3"
Handler = Callable[[httpx.Request], httpx.Response]


def administration(identifier: str, name: str = "Park") -> dict[str, object]:
    return {"type": "administration", "id": identifier, "attributes": {"name": name, "utc_offset": "+01:00"}}


def page(records: list[object], next_link: str | None = None, included: list[object] | None = None) -> httpx.Response:
    return httpx.Response(200, json={"data": records, "included": included or [], "links": {"next": next_link}})


def errors(status: int, *entries: dict[str, object], headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json={"errors": list(entries)}, headers=headers)


class Recorder:
    """A MockTransport handler that answers from a script and keeps every request."""

    def __init__(self, *answers: httpx.Response | Exception | Handler) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer(request) if callable(answer) else answer


def client(recorder: Recorder, sleeps: Sleeps, clock: FakeClock | None = None, **settings: object) -> BexClient:
    return BexClient(
        SECRET,
        PmsSettings(base_url=BASE, **settings),  # type: ignore[arg-type]
        sleep=sleeps,
        now=clock or FakeClock(),
        transport=httpx.MockTransport(recorder),
    )


def test_every_request_carries_the_key_json_api_accept_language_and_page_size(sleeps: Sleeps) -> None:
    recorder = Recorder(page([administration("1")]))
    with client(recorder, sleeps) as bex:
        bex.administrations()
    (request,) = recorder.requests
    assert request.headers["x-api-key"] == SECRET
    assert request.headers["accept"] == "application/vnd.api+json"
    assert request.headers["accept-language"] == "en,nl"
    assert request.url.path == "/v3/administrations"
    assert request.url.params["page[size]"] == "100"


def test_paging_follows_next_links_until_null(sleeps: Sleeps) -> None:
    recorder = Recorder(
        page([administration("1")], f"{BASE}/administrations?page%5Bnumber%5D=2&page%5Bsize%5D=100"),
        page([administration("2")], "/v3/administrations?page%5Bnumber%5D=3&page%5Bsize%5D=100"),
        page([administration("3")], None),
    )
    with client(recorder, sleeps) as bex:
        pull = bex.administrations()
    assert [record.id for record in pull.records] == ["1", "2", "3"]
    assert [request.url.params.get("page[number]") for request in recorder.requests] == [None, "2", "3"]
    assert all(request.headers["x-api-key"] == SECRET for request in recorder.requests)


def test_a_next_link_to_another_server_is_refused_so_the_key_stays_home(sleeps: Sleeps) -> None:
    recorder = Recorder(page([administration("1")], "https://evil.example/v3/administrations?page=2"))
    with client(recorder, sleeps) as bex, pytest.raises(PmsBadResponse) as raised:
        bex.administrations()
    assert len(recorder.requests) == 1
    assert "another server" in raised.value.user_message("en")


def test_pages_that_link_in_a_loop_are_refused(sleeps: Sleeps) -> None:
    loop = f"{BASE}/administrations?page%5Bnumber%5D=2"
    recorder = Recorder(page([administration("1")], loop))
    with client(recorder, sleeps) as bex, pytest.raises(PmsBadResponse) as raised:
        bex.administrations()
    assert len(recorder.requests) == 2  # page 1, then page 2 that links to itself
    assert "loop" in raised.value.user_message("en")


def test_a_record_seen_on_two_pages_is_kept_once_with_its_latest_version(sleeps: Sleeps) -> None:
    recorder = Recorder(
        page([administration("1", "Old")], f"{BASE}/administrations?page%5Bnumber%5D=2"),
        page([administration("1", "New")]),
    )
    with client(recorder, sleeps) as bex:
        pull = bex.administrations()
    assert [(record.id, record.name) for record in pull.records] == [("1", "New")]


def reservation(identifier: str, **attributes: object) -> dict[str, object]:
    return {
        "type": "reservation",
        "id": identifier,
        "attributes": {"start_date": "2026-12-01", "end_date": "2026-12-03", **attributes},
    }


def test_reservation_pages_come_one_by_one_while_the_next_is_already_asked_for(sleeps: Sleeps) -> None:
    second = f"{BASE}/administrations/1/reservations?page%5Bnumber%5D=2"
    asked = threading.Event()

    def last_page(_request: httpx.Request) -> httpx.Response:
        asked.set()
        return page([reservation("3"), {"type": "reservation", "id": "4", "attributes": {"state": 5}}])

    recorder = Recorder(page([reservation("1"), reservation("2")], second), last_page)
    with client(recorder, sleeps) as bex:
        selection = ReservationSelection(NOW, updated_since=NOW - timedelta(hours=1))
        pages = bex.reservation_pages("1", selection, UTC)
        first = next(pages)
        assert [record.id for record in first.records] == ["1", "2"] and first.problems == ()
        assert asked.wait(10)  # page 2 is fetched while the caller still holds page 1
        last = next(pages)
        assert next(pages, None) is None
    assert [record.id for record in last.records] == ["3"]
    assert [(problem.record_id, problem.field) for problem in last.problems] == [("4", "state")]
    assert (first.number, first.last, last.number, last.last) == (1, False, 2, True)
    assert first.selection == last.selection == selection
    assert recorder.requests[0].url.params["filter[updated_at]"].endswith((NOW + timedelta(days=1)).isoformat())


def test_the_client_leaves_the_garbage_collector_alone(sleeps: Sleeps) -> None:
    """Pausing it is a process-wide switch: the sync process's entry point does that, not the library."""
    seen: list[bool] = []

    def answer(_request: httpx.Request) -> httpx.Response:
        seen.append(gc.isenabled())
        return page([reservation("1")])

    with client(Recorder(answer), sleeps) as bex:
        assert len(reservations(bex, "1").records) == 1
    assert seen == [True] and gc.isenabled()


def test_reservations_ask_for_includes_filters_and_a_stable_order(sleeps: Sleeps) -> None:
    recorder = Recorder(page([]))
    since = NOW - timedelta(hours=1)
    with client(recorder, sleeps) as bex:
        incremental = ReservationSelection(NOW, updated_since=since, departing_from=TODAY)
        reservations(bex, "12", incremental)
        reservations(bex, "12", ReservationSelection(NOW, departing_from=TODAY))
        list(bex.reservation_pages("12", ReservationSelection(NOW), UTC, first_page=7))
    first, window, resumed = (request.url.params for request in recorder.requests)
    assert recorder.requests[0].url.path == "/v3/administrations/12/reservations"
    assert first["include"] == "booking.customer,extra_order_items,order.main_order_items"
    assert first["sort"] == "id"
    assert first["filter[updated_at]"] == "2025-08-01T08:30:00+00:00..2025-08-02T09:30:00+00:00"
    assert "filter[end_date]" not in first and "page[number]" not in first
    assert window["filter[end_date]"] == "2025-08-01..2035-08-02" and "filter[updated_at]" not in window
    assert resumed["page[number]"] == "7" and "filter[end_date]" not in resumed


def test_the_guests_alternative_and_fewer_order_includes_change_the_include_list(sleeps: Sleeps) -> None:
    recorder = Recorder(page([]))
    with client(recorder, sleeps, contact_source="guests", order_includes=("extra_order_items",)) as bex:
        reservations(bex, "12")
    assert recorder.requests[0].url.params["include"] == "booking,guests,extra_order_items"


def test_a_time_without_zone_is_refused_before_anything_is_sent(sleeps: Sleeps) -> None:
    recorder = Recorder(page([]))
    with client(recorder, sleeps) as bex, pytest.raises(ValidationError) as raised:
        reservations(bex, "12", ReservationSelection(NOW, updated_since=datetime(2025, 8, 1, 9, 0)))
    assert raised.value.field == "updated_since"
    assert recorder.requests == []


def test_other_collections_use_their_paths(sleeps: Sleeps) -> None:
    recorder = Recorder(page([]))
    with client(recorder, sleeps) as bex:
        bex.inventory_objects("12", updated_since=NOW - timedelta(days=1))
        bex.rentable_types("12")
        bex.owners("12", UTC)
        bex.extras("12")
        bex.costs("12")
    assert [(r.url.path, r.url.params.get("include")) for r in recorder.requests] == [
        ("/v3/administrations/12/inventory_objects", None),
        ("/v3/administrations/12/rentable_types", None),
        ("/v3/administrations/12/owners", "agreements"),
        ("/v3/administrations/12/extras", None),
        ("/v3/administrations/12/costs", None),
    ]
    assert "filter[updated_at]" in recorder.requests[0].url.params


def test_malformed_records_are_reported_and_the_rest_is_read(sleeps: Sleeps) -> None:
    good = {"type": "reservation", "id": "1", "attributes": {"start_date": "2025-08-01", "end_date": "2025-08-03"}}
    wrong_date = {"type": "reservation", "id": "2", "attributes": {"start_date": 20250801}}
    no_id = {"type": "reservation", "attributes": {}}
    later = {"type": "reservation", "id": "3", "attributes": {"state": "option"}}
    recorder = Recorder(page([good, wrong_date], f"{BASE}/x?page%5Bnumber%5D=2"), page([no_id, later]))
    with client(recorder, sleeps) as bex:
        pull = reservations(bex, "12")
    assert [record.id for record in pull.records] == ["1", "3"]
    assert [(p.record_type, p.record_id, p.field) for p in pull.problems] == [
        ("reservation", "2", "start_date"),
        ("reservation", "?", "id"),
    ]


def test_a_broken_related_record_shared_by_reservations_is_reported_once(sleeps: Sleeps) -> None:
    def reservation(identifier: str) -> dict[str, object]:
        return {
            "type": "reservation",
            "id": identifier,
            "relationships": {"booking": {"data": {"type": "booking", "id": "5"}}},
        }

    included = [
        {"type": "booking", "id": "5", "relationships": {"customer": {"data": {"type": "customer", "id": "8"}}}},
        {"type": "customer", "id": "8", "attributes": {"phone": 612345678}},
    ]
    recorder = Recorder(page([reservation("1"), reservation("2")], included=included))
    with client(recorder, sleeps) as bex:
        pull = reservations(bex, "12")
    assert [record.id for record in pull.records] == ["1", "2"]
    assert [(p.record_type, p.record_id, p.field) for p in pull.problems] == [("customer", "8", "phone")]


@pytest.mark.parametrize(
    "body",
    [httpx.Response(200, text="<html>maintenance</html>"), httpx.Response(200, json={"errors": []})],
)
def test_an_answer_that_is_not_a_json_api_document_is_a_bad_response(body: httpx.Response, sleeps: Sleeps) -> None:
    with client(Recorder(body), sleeps) as bex, pytest.raises(PmsBadResponse) as raised:
        bex.administrations()
    assert raised.value.user_message("nl").startswith("BEX stuurde een onleesbaar antwoord")


def test_401_means_the_key_was_rejected_and_is_not_retried(sleeps: Sleeps) -> None:
    recorder = Recorder(errors(401, {"status": "401", "title": "Unauthorized"}))
    with client(recorder, sleeps) as bex, pytest.raises(PmsAuthenticationError) as raised:
        bex.administrations()
    assert len(recorder.requests) == 1
    assert sleeps == []
    assert raised.value.status == 401
    assert raised.value.user_message("en").startswith("BEX rejected the API key.")
    assert raised.value.user_message("nl").startswith("BEX heeft de API-sleutel geweigerd.")


def test_403_names_the_missing_permission(sleeps: Sleeps) -> None:
    detail = {"status": "403", "code": "FORBIDDEN", "detail": "The app may not read extras"}
    recorder = Recorder(errors(403, detail))
    with client(recorder, sleeps) as bex, pytest.raises(PmsForbidden) as raised:
        bex.extras("12")
    assert len(recorder.requests) == 1
    message = raised.value.user_message("en")
    assert "lacks a permission" in message
    assert "The app may not read extras (FORBIDDEN)" in message
    assert raised.value.details[0].code == "FORBIDDEN"


def test_404_names_the_administration(sleeps: Sleeps) -> None:
    recorder = Recorder(errors(404, {"status": 404, "title": "Not found"}))
    with client(recorder, sleeps) as bex, pytest.raises(PmsNotFound) as raised:
        bex.owners("77", UTC)
    assert "BEX does not know administration 77." in raised.value.user_message("en")
    assert "BEX kent administratie 77 niet." in raised.value.user_message("nl")


@pytest.mark.parametrize("status", [400, 422])
def test_400_and_422_carry_the_json_api_details(status: int, sleeps: Sleeps) -> None:
    detail = {
        "status": status,
        "code": "INVALID_FILTER",
        "detail": "start_date is invalid",
        "source": {"pointer": "/filter/start_date"},
    }
    recorder = Recorder(errors(status, detail))
    with client(recorder, sleeps) as bex, pytest.raises(PmsRequestRejected) as raised:
        reservations(bex, "12")
    assert len(recorder.requests) == 1
    assert raised.value.status == status
    assert "start_date is invalid (INVALID_FILTER) at /filter/start_date" in raised.value.user_message("en")
    assert f"BEX weigerde het verzoek (HTTP {status})." in raised.value.user_message("nl")


def test_429_waits_as_long_as_retry_after_says(sleeps: Sleeps) -> None:
    recorder = Recorder(errors(429, {"status": 429}, headers={"Retry-After": "7"}), page([administration("1")]))
    with client(recorder, sleeps) as bex:
        pull = bex.administrations()
    assert [record.id for record in pull.records] == ["1"]
    assert sleeps == [7.0]


def test_429_with_an_http_date_is_measured_against_the_clock(sleeps: Sleeps) -> None:
    retry_at = (NOW + timedelta(seconds=12)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    recorder = Recorder(errors(429, headers={"Retry-After": retry_at}), page([]))
    with client(recorder, sleeps) as bex:
        bex.administrations()
    assert sleeps == [12.0]


def test_429_without_retry_after_backs_off(sleeps: Sleeps) -> None:
    recorder = Recorder(errors(429), errors(429), page([]))
    with client(recorder, sleeps) as bex:
        bex.administrations()
    assert sleeps == [1.0, 2.0]


def test_429_asking_for_a_long_wait_is_left_to_the_caller(sleeps: Sleeps) -> None:
    recorder = Recorder(errors(429, headers={"Retry-After": "900"}))
    with client(recorder, sleeps) as bex, pytest.raises(PmsRateLimited) as raised:
        bex.administrations()
    assert sleeps == []
    assert raised.value.retry_after == 900.0
    assert "Wait 900 seconds" in raised.value.user_message("en")


def test_429_that_persists_ends_as_rate_limited(sleeps: Sleeps) -> None:
    recorder = Recorder(errors(429, headers={"Retry-After": "3"}))
    with client(recorder, sleeps) as bex, pytest.raises(PmsRateLimited):
        bex.administrations()
    assert len(recorder.requests) == 4
    assert sleeps == [3.0, 3.0, 3.0]


def test_5xx_is_retried_with_exponential_backoff(sleeps: Sleeps) -> None:
    recorder = Recorder(errors(503), errors(502), page([administration("1")]))
    with client(recorder, sleeps) as bex:
        assert len(bex.administrations().records) == 1
    assert sleeps == [1.0, 2.0]


def test_5xx_that_persists_ends_as_a_server_error_after_bounded_retries(sleeps: Sleeps) -> None:
    recorder = Recorder(errors(500, {"status": "500", "code": "INTERNAL_SERVER_ERROR"}))
    retry = RetryPolicy(attempts=6, first_delay=2.0, max_delay=10.0)
    with client(recorder, sleeps, retry=retry) as bex, pytest.raises(PmsServerError) as raised:
        bex.administrations()
    assert len(recorder.requests) == 6
    assert sleeps == [2.0, 4.0, 8.0, 10.0, 10.0]
    assert raised.value.status == 500
    assert "INTERNAL_SERVER_ERROR" in raised.value.user_message("en")


@pytest.mark.parametrize(
    ("failure", "words"),
    [
        (httpx.ReadTimeout("slow"), "did not answer in time"),
        (httpx.ConnectTimeout("slow"), "did not answer in time"),
        (httpx.ConnectError("refused"), "cannot be reached (ConnectError)"),
        (httpx.RemoteProtocolError("dropped"), "cannot be reached (RemoteProtocolError)"),
    ],
)
def test_timeouts_and_network_failures_are_retried_then_unreachable(
    failure: Exception, words: str, sleeps: Sleeps
) -> None:
    recorder = Recorder(failure)
    with client(recorder, sleeps) as bex, pytest.raises(PmsUnreachable) as raised:
        bex.administrations()
    assert len(recorder.requests) == 4
    assert sleeps == [1.0, 2.0, 4.0]
    assert words in raised.value.user_message("en")
    assert "keeps working with the data it already has" in raised.value.user_message("en")


def test_a_timeout_that_passes_is_absorbed(sleeps: Sleeps) -> None:
    recorder = Recorder(httpx.ReadTimeout("slow"), page([administration("1")]))
    with client(recorder, sleeps) as bex:
        assert [record.id for record in bex.administrations().records] == ["1"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_server_that_is_not_there_is_unreachable(sleeps: Sleeps) -> None:
    settings = PmsSettings(base_url=f"http://127.0.0.1:{free_port()}/v3")
    with BexClient(SECRET, settings, sleep=sleeps) as bex, pytest.raises(PmsUnreachable):
        bex.administrations()
    assert len(sleeps) == 3


@pytest.mark.parametrize("key", ["", " ", "with space", "accént", "line\nbreak"])
def test_an_unusable_api_key_is_refused_without_echoing_it(key: str) -> None:
    with pytest.raises(ValidationError) as raised:
        BexClient(key)
    assert raised.value.field == "api_key"
    if key.strip():
        assert key not in raised.value.user_message("en")


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"base_url": "api.bookingexperts.nl/v3"}, "base_url"),
        ({"base_url": "ftp://api.bookingexperts.nl/v3"}, "base_url"),
        ({"base_url": "http://api.bookingexperts.nl/v3"}, "base_url"),
        ({"base_url": "http://[::1"}, "base_url"),
        ({"page_size": 0}, "page_size"),
        ({"page_size": 101}, "page_size"),
        ({"retry": RetryPolicy(attempts=0)}, "retry.attempts"),
    ],
)
def test_unusable_settings_are_refused(settings: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        PmsSettings(**settings)  # type: ignore[arg-type]
    assert raised.value.field == field
    assert raised.value.message.nl


def test_plain_http_is_allowed_for_this_computer_only() -> None:
    assert PmsSettings(base_url="http://127.0.0.1:8080/v3").base_url == "http://127.0.0.1:8080/v3"
    assert PmsSettings(base_url="http://localhost:8080/v3").base_url == "http://localhost:8080/v3"


def test_the_key_never_shows_in_reprs_errors_tracebacks_or_logs(
    sleeps: Sleeps, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    failures: list[PmsError] = []
    answers: list[httpx.Response | Exception] = [
        errors(401, {"status": "401", "detail": "bad key"}),
        errors(500),
        httpx.ConnectError("refused"),
        errors(422, {"detail": "nope"}),
        httpx.Response(200, text="not json"),
    ]
    for answer in answers:
        recorder = Recorder(answer)
        with client(recorder, sleeps) as bex:
            assert SECRET not in repr(bex)
            assert SECRET not in repr(bex._http._client.auth)
            try:
                reservations(bex, "12")
            except PmsError as error:
                failures.append(error)
    good = Recorder(page([administration("1")]))
    with client(good, sleeps) as bex:
        pulled = bex.administrations()
    assert len(failures) == len(answers)
    texts = [repr(pulled)]
    for error in failures:
        texts += [str(error), repr(error), repr(error.args), error.user_message("en"), error.user_message("nl")]
        texts.append("".join(traceback.format_exception(error)))
    texts += [record.getMessage() for record in caplog.records]
    texts += [repr(record.args) for record in caplog.records]
    assert caplog.records, "the client logged nothing: the check would be empty"
    assert not [text for text in texts if SECRET in text]


def test_timestamps_from_the_clock_keep_their_zone(sleeps: Sleeps) -> None:
    clock = FakeClock(datetime(2025, 3, 30, 1, 30, tzinfo=UTC))
    recorder = Recorder(page([]))
    with client(recorder, sleeps, clock) as bex:
        pull = bex.inventory_objects("1", updated_since=datetime(2025, 3, 29, 1, 30, tzinfo=UTC))
    assert not pull.complete  # an incremental read: objects not in it may still exist
    assert recorder.requests[0].url.params["filter[updated_at]"].endswith("..2025-03-31T01:30:00+00:00")


# --- against the demo PMS ------------------------------------------------------------------------


def test_a_full_pull_of_the_demo_reads_every_record_without_problems(
    demo: DemoPmsServer, sleeps: Sleeps, clock: FakeClock
) -> None:
    with demo_client(demo, sleeps, clock) as bex:
        administrations = bex.administrations()
        pulls = {aid.id: reservations(bex, aid.id) for aid in administrations.records}
        objects = bex.inventory_objects("1")
        owners = bex.owners("1", UTC)
        extras, costs, types = bex.extras("1"), bex.costs("1"), bex.rentable_types("1")
    assert [(a.id, a.name, a.utc_offset) for a in administrations.records] == [
        ("1", "Vakantiepark De Wielewaal", timedelta(hours=1)),
        ("2", "Stadshotel De Gouden Leeuw", timedelta(hours=1)),
    ]
    assert sum(len(pull.records) for pull in pulls.values()) == SMALL
    assert all(pull.problems == () for pull in pulls.values())
    assert len(objects.records) == len(demo.store.all("inventory_object", "1"))
    assert owners.records and all(owner.agreements for owner in owners.records)
    assert {item.name for item in extras.records} >= {"Pool access", "Parking"}
    assert "Final cleaning" in {item.name for item in costs.records}
    assert len(types.records) == 4
    page_sizes = {request.param("page[size]") for request in demo.api.seen}
    assert page_sizes == {"100"}


def contact_of(record: DemoRecord) -> Contact:
    attributes = record.attributes
    return Contact(
        attributes["first_name"],
        attributes["last_name"],
        attributes["email"],
        attributes["phone"],  # type: ignore[arg-type]
    )


def related(store: DemoStore, record: DemoRecord, name: str) -> list[DemoRecord]:
    return [found for ref in record.refs(name) if (found := store.get(*ref)) is not None]


def test_reservations_match_the_demo_records(demo: DemoPmsServer, sleeps: Sleeps, clock: FakeClock) -> None:
    store = demo.store
    with demo_client(demo, sleeps, clock) as bex:
        pulled = {r.id: r for r in reservations(bex, "1").records}
    for record in store.all("reservation", "1"):
        reservation = pulled[record.id]
        attributes = record.attributes
        assert reservation.start_date == date.fromisoformat(str(attributes["start_date"]))
        assert reservation.end_date == date.fromisoformat(str(attributes["end_date"]))
        assert reservation.state == attributes["state"]
        assert (reservation.late_checkout, reservation.fixed_rentable) == (
            attributes["late_checkout"],
            attributes["fixed_rentable"],
        )
        assert reservation.booking_nr == attributes["booking_nr"]
        assert reservation.display_name == attributes["guest_name"]
        (booking,) = related(store, record, "booking")
        (customer,) = related(store, booking, "customer")
        assert reservation.contact == contact_of(customer)
        extras = {ref[1] for line in related(store, record, "extra_order_items") for ref in line.refs("extra")}
        (order,) = related(store, record, "order")
        costs = {ref[1] for line in related(store, order, "main_order_items") for ref in line.refs("cost")}
        assert reservation.catalogue_ids("extra") == extras
        assert reservation.catalogue_ids("cost") == costs
        unit = record.refs("inventory_object")
        assert reservation.inventory_object_id == (unit[0][1] if unit else None)


def test_without_the_order_include_costs_are_not_known(demo: DemoPmsServer, sleeps: Sleeps, clock: FakeClock) -> None:
    with demo_client(demo, sleeps, clock, order_includes=("extra_order_items",)) as bex:
        pull = reservations(bex, "1")
    assert pull.problems == ()
    assert all(reservation.catalogue_ids("cost") == frozenset() for reservation in pull.records)
    assert any(reservation.catalogue_ids("extra") for reservation in pull.records)


def test_the_guests_alternative_reads_the_first_guest_with_a_phone(
    demo: DemoPmsServer, sleeps: Sleeps, clock: FakeClock
) -> None:
    store = demo.store
    with demo_client(demo, sleeps, clock, contact_source="guests") as bex:
        pull = reservations(bex, "2")
    assert pull.problems == ()
    assert pull.records
    for reservation in pull.records:
        guests = related(store, store.reservation(reservation.id), "guests")
        expected = next((guest for guest in guests if guest.attributes["phone"]), guests[0])
        assert reservation.contact == contact_of(expected)


def test_a_refused_order_include_costs_only_the_order_data(
    demo: DemoPmsServer, sleeps: Sleeps, clock: FakeClock
) -> None:
    demo.api.forbidden_includes.update({"order", "extra_order_items"})  # the app lacks order|read
    with demo_client(demo, sleeps, clock) as bex:
        pull = reservations(bex, "1")
    assert len(pull.records) == len(demo.store.all("reservation", "1")) and pull.problems == ()
    assert [(group.name, group.permission) for group in pull.missing] == [(ORDERS, "order|read")]
    assert all(not reservation.ordered for reservation in pull.records)
    assert any(reservation.contact for reservation in pull.records)  # the contacts still came


def test_refused_includes_are_dropped_one_group_at_a_time(sleeps: Sleeps) -> None:
    forbidden = errors(403, {"status": "403", "code": "FORBIDDEN_INCLUDE", "detail": "not allowed"})
    recorder = Recorder(forbidden, forbidden, page([reservation("1")]))
    with client(recorder, sleeps) as bex:
        pull = reservations(bex, "12")
    assert [record.id for record in pull.records] == ["1"]
    assert [group.name for group in pull.missing] == [CONTACTS, ORDERS]
    includes = [request.url.params.get("include") for request in recorder.requests]
    assert includes == ["booking.customer,extra_order_items,order.main_order_items", "booking.customer", None]


def test_a_403_that_is_not_about_an_include_is_not_degraded(sleeps: Sleeps) -> None:
    recorder = Recorder(errors(403, {"status": "403", "detail": "IP address blocked"}))
    with client(recorder, sleeps) as bex, pytest.raises(PmsForbidden):
        reservations(bex, "12")
    assert len(recorder.requests) == 1


def test_a_refused_filter_falls_back_to_a_broader_read(sleeps: Sleeps) -> None:
    refused = errors(400, {"status": "400", "code": "INVALID_FILTER", "source": {"parameter": "filter[updated_at]"}})
    recorder = Recorder(refused, page([reservation("1")]))
    selection = ReservationSelection(NOW, updated_since=NOW - timedelta(hours=1), departing_from=TODAY)
    with client(recorder, sleeps) as bex:
        [only] = list(bex.reservation_pages("12", selection, UTC))
    assert only.selection == ReservationSelection(NOW, departing_from=TODAY)  # the pull goes on with the window
    assert "filter[updated_at]" in recorder.requests[0].url.params
    assert recorder.requests[1].url.params["filter[end_date]"].startswith("2025-08-01..")
    unit = {"type": "inventory_object", "id": "3", "attributes": {"name": "Chalet 3"}}
    recorder = Recorder(refused, page([unit]))
    with client(recorder, sleeps) as bex:
        objects = bex.inventory_objects("12", updated_since=NOW - timedelta(hours=1))
    assert objects.complete and [each.name for each in objects.records] == ["Chalet 3"]  # every object: complete
    assert "filter[updated_at]" not in recorder.requests[1].url.params


def test_a_refused_filter_with_nothing_left_to_drop_is_an_error(sleeps: Sleeps) -> None:
    recorder = Recorder(errors(400, {"status": "400", "code": "INVALID_PAGE"}))
    with client(recorder, sleeps) as bex, pytest.raises(PmsRequestRejected):
        bex.extras("12")
    assert len(recorder.requests) == 1


@pytest.mark.parametrize(
    "unreadable",
    [
        httpx.Response(200, content=b'{"data": [{"type": "administration", "id": "1", "attr'),  # cut off
        httpx.Response(200, text="<html>maintenance</html>"),
        httpx.Response(200, json={"errors": []}),
    ],
)
def test_an_unreadable_2xx_answer_is_retried_like_a_5xx(unreadable: httpx.Response, sleeps: Sleeps) -> None:
    recorder = Recorder(unreadable, page([administration("1")]))
    with client(recorder, sleeps) as bex:
        assert [record.id for record in bex.administrations().records] == ["1"]
    assert sleeps == [1.0]


def test_the_demo_s_cut_and_garbled_pages_are_read_again(demo: DemoPmsServer, sleeps: Sleeps, clock: FakeClock) -> None:
    with demo_client(demo, sleeps, clock, page_size=20) as bex:
        pages = bex.reservation_pages("2", ReservationSelection(NOW), UTC)
        next(pages)
        demo.faults.cut_next()
        demo.faults.garble_next()
        rest = list(pages)
    assert len(rest) >= 2 and len(sleeps) == 2
    assert sum(len(each.records) for each in rest) == len(demo.store.all("reservation", "2")) - 20


def test_the_window_reads_only_stays_departing_from_its_day(
    demo: DemoPmsServer, sleeps: Sleeps, clock: FakeClock
) -> None:
    with demo_client(demo, sleeps, clock) as bex:
        pull = reservations(bex, "1", ReservationSelection(NOW, departing_from=TODAY))
    everything = demo.store.all("reservation", "1")
    expected = {record.id for record in everything if str(record.attributes["end_date"]) >= TODAY.isoformat()}
    assert expected and len(expected) < len(everything)
    assert {reservation.id for reservation in pull.records} == expected


def test_an_incremental_pull_sees_exactly_the_moves(demo: DemoPmsServer, sleeps: Sleeps, clock: FakeClock) -> None:
    store = demo.store
    with demo_client(demo, sleeps, clock) as bex:
        first = reservations(bex, "1", ReservationSelection(NOW, updated_since=NOW - timedelta(minutes=1)))
        assert first.records == ()
        arriving = next(
            r
            for r in store.all("reservation", "1")
            if r.attributes["state"] == "confirmed"
            and r.attributes["start_date"] == TODAY.isoformat()
            and not r.attributes["checked_in_on"]
        )
        upcoming = next(r for r in store.all("reservation", "1") if r.attributes["state"] == "option")
        clock.moment += timedelta(minutes=5)
        store.check_in(arriving.id)
        store.cancel(upcoming.id)
        clock.moment += timedelta(minutes=5)
        second = reservations(bex, "1", ReservationSelection(clock.moment, updated_since=NOW))
        third = reservations(bex, "1", ReservationSelection(clock.moment, updated_since=clock.moment))
    changed = {r.id: r for r in second.records}
    assert set(changed) == {arriving.id, upcoming.id}
    assert changed[arriving.id].checked_in_on == TODAY
    assert changed[upcoming.id].state == "cancelled"
    assert third.records == ()


def test_a_corrupted_demo_record_is_reported_and_the_rest_pulled(
    demo: DemoPmsServer, sleeps: Sleeps, clock: FakeClock
) -> None:
    victim = demo.store.all("reservation", "2")[3]
    demo.store.corrupt("reservation", victim.id, "end_date", 20250808)
    with demo_client(demo, sleeps, clock) as bex:
        pull = reservations(bex, "2")
    assert [(p.record_type, p.record_id, p.field) for p in pull.problems] == [("reservation", victim.id, "end_date")]
    assert len(pull.records) == len(demo.store.all("reservation", "2")) - 1


def test_demo_faults_are_retried_by_the_client(demo: DemoPmsServer, sleeps: Sleeps, clock: FakeClock) -> None:
    demo.faults.fail_next(429, retry_after="4")
    demo.faults.fail_next(500, times=2)
    with demo_client(demo, sleeps, clock) as bex:
        assert len(bex.administrations().records) == 2
    assert sleeps == [4.0, 2.0, 4.0]


def test_a_slow_demo_answer_times_out_and_the_retry_succeeds(
    demo: DemoPmsServer, sleeps: Sleeps, clock: FakeClock
) -> None:
    demo.faults.delay_next(5.0)
    with demo_client(demo, sleeps, clock, timeouts=PmsTimeouts(connect=5.0, read=0.3)) as bex:
        assert len(bex.administrations().records) == 2
    assert sleeps == [1.0]


def test_an_unreadable_demo_answer_and_a_wrong_key(demo: DemoPmsServer, sleeps: Sleeps, clock: FakeClock) -> None:
    demo.faults.garble_next(times=4)  # as many as the client's attempts
    with demo_client(demo, sleeps, clock) as bex, pytest.raises(PmsBadResponse):
        bex.administrations()
    wrong_key = BexClient("wrong-key", PmsSettings(base_url=demo.base_url), sleep=sleeps)
    with wrong_key, pytest.raises(PmsAuthenticationError):
        wrong_key.administrations()
    with demo_client(demo, sleeps, clock) as bex, pytest.raises(PmsNotFound):
        reservations(bex, "99")
