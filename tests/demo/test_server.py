"""The demo PMS over HTTP: key check, JSON:API paging, filters, includes, errors, faults, prompt stop."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from salto_desk.demo.faults import RateLimit
from salto_desk.demo.server import DEMO_API_KEY, DemoPmsServer
from tests.demo.conftest import NOW, SMALL, TODAY, FakeClock

HEADERS = {"x-api-key": DEMO_API_KEY, "Accept": "application/vnd.api+json"}


@pytest.fixture
def http(demo: DemoPmsServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=demo.base_url, headers=HEADERS, timeout=10) as client:
        yield client


def ids(response: httpx.Response) -> list[str]:
    return [record["id"] for record in response.json()["data"]]


def error_codes(response: httpx.Response) -> list[str]:
    return [entry["code"] for entry in response.json()["errors"]]


def test_it_listens_on_localhost_only(demo: DemoPmsServer) -> None:
    assert demo.base_url == f"http://127.0.0.1:{demo.port}/v3"
    assert demo.port > 0
    assert "127.0.0.1" in repr(demo)


@pytest.mark.parametrize("headers", [{}, {"x-api-key": "guess"}, {"x-api-key": DEMO_API_KEY + "x"}])
def test_a_missing_or_wrong_key_gets_401(demo: DemoPmsServer, headers: dict[str, str]) -> None:
    response = httpx.get(f"{demo.base_url}/administrations", headers=headers)
    assert response.status_code == 401
    assert error_codes(response) == ["UNAUTHORIZED"]
    assert response.headers["content-type"] == "application/vnd.api+json"
    assert demo.api.seen[-1].key_accepted is False


def test_administrations_in_json_api_shape(http: httpx.Client) -> None:
    body = http.get("/administrations").json()
    assert [record["attributes"]["name"] for record in body["data"]] == [
        "Vakantiepark De Wielewaal",
        "Stadshotel De Gouden Leeuw",
    ]
    assert body["data"][0]["type"] == "administration"
    assert body["links"]["next"] is None
    assert body["meta"]["pagination"] == {"total_records": 2, "page": 1, "size": 30}


def test_paging_by_links_next_visits_every_record_once(demo: DemoPmsServer, http: httpx.Client) -> None:
    seen: list[str] = []
    url: str | None = "/administrations/1/reservations?page[size]=100"
    pages = 0
    while url:
        body = http.get(url).json()
        seen += [record["id"] for record in body["data"]]
        url = body["links"]["next"]
        pages += 1
    expected = [record.id for record in demo.store.all("reservation", "1")]
    assert seen == expected
    assert pages == -(-len(expected) // 100)
    assert body["meta"]["pagination"]["total_records"] == len(expected)


def test_page_links_keep_the_query(http: httpx.Client) -> None:
    body = http.get("/administrations/1/reservations", params={"page[size]": "5", "filter[state]": "option"}).json()
    follow = httpx.URL(body["links"]["next"])
    assert follow.params["filter[state]"] == "option"
    assert follow.params["page[number]"] == "2"
    assert follow.params["page[size]"] == "5"
    assert body["links"]["prev"] is None
    last = http.get(body["links"]["last"]).json()
    assert last["links"]["next"] is None


@pytest.mark.parametrize("params", [{"page[size]": "101"}, {"page[size]": "0"}, {"page[number]": "x"}])
def test_bad_paging_is_a_400(http: httpx.Client, params: dict[str, str]) -> None:
    response = http.get("/administrations/1/reservations", params=params)
    assert response.status_code == 400
    assert error_codes(response) == ["INVALID_PAGE"]


def test_state_filter_lists_and_negation(demo: DemoPmsServer, http: httpx.Client) -> None:
    records = demo.store.all("reservation", "1")
    some = http.get(
        "/administrations/1/reservations", params={"filter[state]": "option,cancelled", "page[size]": "100"}
    )
    assert {record["attributes"]["state"] for record in some.json()["data"]} == {"option", "cancelled"}
    not_confirmed = http.get("/administrations/1/reservations", params={"filter[state]": "!confirmed"})
    total = not_confirmed.json()["meta"]["pagination"]["total_records"]
    assert total == sum(record.attributes["state"] != "confirmed" for record in records)


def test_date_range_filters_with_open_ends(demo: DemoPmsServer, http: httpx.Client) -> None:
    records = demo.store.all("reservation", "1")
    low, high = (TODAY - timedelta(days=3)).isoformat(), (TODAY + timedelta(days=3)).isoformat()

    def total(value: str) -> int:
        body = http.get("/administrations/1/reservations", params={"filter[start_date]": value}).json()
        return int(body["meta"]["pagination"]["total_records"])

    assert total(f"{low}..{high}") == sum(low <= str(r.attributes["start_date"]) <= high for r in records)
    assert total(f"{low}..") == sum(low <= str(r.attributes["start_date"]) for r in records)
    assert total(f"..{high}") == sum(str(r.attributes["start_date"]) <= high for r in records)
    assert 0 < total(f"{low}..{high}") < len(records)


def test_updated_at_range_finds_exactly_the_moved_records(
    demo: DemoPmsServer, clock: FakeClock, http: httpx.Client
) -> None:
    record = demo.store.all("reservation", "2")[0]
    clock.moment += timedelta(hours=1)
    demo.store.cancel(record.id)
    since = (NOW + timedelta(minutes=30)).isoformat()
    until = (NOW + timedelta(hours=2)).isoformat()
    response = http.get("/administrations/2/reservations", params={"filter[updated_at]": f"{since}..{until}"})
    assert ids(response) == [record.id]
    before = http.get("/administrations/2/reservations", params={"filter[updated_at]": f"..{since}"})
    assert record.id not in ids(before)


def test_labels_filter_on_objects(demo: DemoPmsServer, http: httpx.Client) -> None:
    response = http.get("/administrations/1/inventory_objects", params={"filter[labels]": "Sauna", "page[size]": "100"})
    expected = [unit.id for unit in demo.store.all("inventory_object", "1") if "Sauna" in unit.attributes["labels"]]  # type: ignore[operator]
    assert expected
    assert ids(response) == expected


@pytest.mark.parametrize(
    "params",
    [{"filter[colour]": "red"}, {"filter[start_date]": "tomorrow..later"}, {"filter[state]": "a..b"}],
)
def test_bad_filters_are_a_400(http: httpx.Client, params: dict[str, str]) -> None:
    response = http.get("/administrations/1/reservations", params=params)
    assert response.status_code == 400
    assert error_codes(response) == ["INVALID_FILTER"]
    assert response.json()["errors"][0]["source"]["parameter"].startswith("filter[")


def test_nested_includes_bring_the_related_records_once(demo: DemoPmsServer, http: httpx.Client) -> None:
    body = http.get(
        "/administrations/1/reservations", params={"include": "booking.customer,extra_order_items", "page[size]": "20"}
    ).json()
    kinds = {record["type"] for record in body["included"]}
    assert kinds == {"booking", "customer", "order_item"}
    keys = [(record["type"], record["id"]) for record in body["included"]]
    assert len(keys) == len(set(keys))
    first = demo.store.reservation(body["data"][0]["id"])
    booking = demo.store.get(*first.refs("booking")[0])
    assert booking is not None
    assert ("customer", booking.refs("customer")[0][1]) in keys


def test_an_unknown_include_is_a_400_and_a_forbidden_one_a_403(demo: DemoPmsServer, http: httpx.Client) -> None:
    unknown = http.get("/administrations/1/reservations", params={"include": "booking.dragons"})
    assert unknown.status_code == 400
    assert error_codes(unknown) == ["INVALID_INCLUDE"]
    demo.api.forbidden_includes.add("order")
    forbidden = http.get("/administrations/1/reservations", params={"include": "order.main_order_items"})
    assert forbidden.status_code == 403
    assert error_codes(forbidden) == ["FORBIDDEN_INCLUDE"]


def test_single_records_and_the_guests_of_a_reservation(demo: DemoPmsServer, http: httpx.Client) -> None:
    record = demo.store.all("reservation", "2")[0]
    single = http.get(f"/administrations/2/reservations/{record.id}", params={"include": "guests"}).json()
    assert single["data"]["id"] == record.id
    guest_ids = [ref[1] for ref in record.refs("guests")]
    assert [guest["id"] for guest in single["included"]] == guest_ids
    assert ids(http.get(f"/administrations/2/reservations/{record.id}/guests")) == guest_ids
    assert http.get("/administrations/2").json()["data"]["attributes"]["name"] == "Stadshotel De Gouden Leeuw"


@pytest.mark.parametrize(
    "path",
    [
        "/administrations/9",
        "/administrations/1/dragons",
        "/administrations/2/reservations/1",
        "/nothing",
        "/administrations/1/owners/5",
    ],
)
def test_unknown_paths_and_records_are_404(demo: DemoPmsServer, path: str) -> None:
    if path == "/nothing":
        response = httpx.get(f"http://127.0.0.1:{demo.port}/nothing", headers=HEADERS)
    else:
        response = httpx.get(f"{demo.base_url}{path}", headers=HEADERS)
    assert response.status_code == 404
    assert error_codes(response) == ["NOT_FOUND"]


def test_planned_faults_come_in_order_then_normal_service(demo: DemoPmsServer, http: httpx.Client) -> None:
    demo.faults.fail_next(429, retry_after="3")
    demo.faults.fail_next(503, times=2)
    demo.faults.garble_next()
    demo.faults.fail_next(422, errors=[{"status": "422", "code": "INVALID", "detail": "custom"}])
    first = http.get("/administrations")
    assert first.status_code == 429
    assert first.headers["retry-after"] == "3"
    assert first.json()["errors"][0]["status"] == 429
    assert [http.get("/administrations").status_code for _ in range(2)] == [503, 503]
    garbled = http.get("/administrations")
    assert garbled.status_code == 200
    assert garbled.headers["content-type"] == "text/html"
    invalid = http.get("/administrations")
    assert (invalid.status_code, invalid.json()["errors"][0]["detail"]) == (422, "custom")
    assert http.get("/administrations").status_code == 200


def test_faults_wait_for_the_key_check(demo: DemoPmsServer) -> None:
    demo.faults.fail_next(500)
    assert httpx.get(f"{demo.base_url}/administrations").status_code == 401
    assert httpx.get(f"{demo.base_url}/administrations", headers=HEADERS).status_code == 500


def test_a_cleared_plan_serves_normally(demo: DemoPmsServer, http: httpx.Client) -> None:
    demo.faults.fail_next(500, times=3)
    demo.faults.clear()
    assert http.get("/administrations").status_code == 200


def test_a_slow_answer_outlasts_a_short_timeout_but_arrives_for_a_patient_client(
    demo: DemoPmsServer, http: httpx.Client
) -> None:
    demo.faults.delay_next(5.0)
    with pytest.raises(httpx.ReadTimeout):
        http.get("/administrations", timeout=0.2)
    demo.faults.delay_next(0.2)
    assert http.get("/administrations", timeout=10).status_code == 200


def test_the_same_seed_serves_the_same_bytes() -> None:
    pages = []
    for _ in range(2):
        with DemoPmsServer(seed=11, today=TODAY, reservations=120, now=FakeClock()) as server:
            url = f"{server.base_url}/administrations/1/reservations?include=booking.customer&page%5Bsize%5D=50"
            pages.append(httpx.get(url, headers=HEADERS).content.replace(str(server.port).encode(), b"PORT"))
    assert pages[0] == pages[1]


def test_stopping_is_prompt_with_a_slow_request_and_an_idle_connection_open() -> None:
    server = DemoPmsServer(seed=1, today=TODAY, reservations=10, now=FakeClock()).start()
    idle = httpx.Client(base_url=server.base_url, headers=HEADERS)
    assert idle.get("/administrations").status_code == 200  # leaves a kept-alive connection
    server.faults.delay_next(60)
    outcome: list[object] = []

    def slow_request() -> None:
        try:
            outcome.append(httpx.get(f"{server.base_url}/administrations", headers=HEADERS, timeout=30).status_code)
        except httpx.HTTPError as error:
            outcome.append(error)

    waiter = threading.Thread(target=slow_request)
    waiter.start()
    while not any(request.path.endswith("/administrations") for request in server.api.seen[1:]):
        time.sleep(0.01)
    started = time.monotonic()
    server.close()
    waiter.join(timeout=10)
    idle.close()
    assert time.monotonic() - started < 10, "stopping hung"
    assert not waiter.is_alive()
    assert outcome and outcome[0] != 200


def test_activity_changes_bookings_in_the_background() -> None:
    with DemoPmsServer(seed=1, today=TODAY, reservations=SMALL, now=FakeClock()) as server:
        before = {r.id: dict(r.attributes) for r in server.store.all("reservation")}
        server.start_activity(0.05, changes=2)
        deadline = time.monotonic() + 20
        changed: list[str] = []
        while not changed and time.monotonic() < deadline:
            time.sleep(0.05)
            with server.store.lock:
                changed = [r.id for r in server.store.all("reservation") if r.attributes != before[r.id]]
    assert changed


def test_a_fault_inside_the_demo_still_answers_500_in_json_api_form(
    demo: DemoPmsServer, http: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    demo.store.corrupt("administration", "1", "name", object())  # cannot be written as JSON
    response = http.get("/administrations")
    assert response.status_code == 500
    assert error_codes(response) == ["INTERNAL_SERVER_ERROR"]
    assert "demo PMS: /v3/administrations failed" in caplog.text
    assert http.get("/administrations/2").status_code == 200


def test_a_moving_window_rate_limit_answers_429_with_when_to_come_back(
    demo: DemoPmsServer, http: httpx.Client, clock: FakeClock
) -> None:
    demo.api.rate_limit = RateLimit(calls=3, window=timedelta(minutes=15))
    answers = []
    for _ in range(3):
        answers.append(http.get("/administrations"))
        clock.moment += timedelta(minutes=1)
    assert [answer.headers["x-ratelimit-remaining"] for answer in answers] == ["2", "1", "0"]
    refused = http.get("/administrations")
    assert refused.status_code == 429 and refused.headers["retry-after"] == str(12 * 60)  # the first call's turn
    assert refused.headers["x-ratelimit-limit"] == "3" and error_codes(refused) == ["TOO_MANY_REQUESTS"]
    clock.moment += timedelta(minutes=12)
    assert http.get("/administrations").status_code == 200  # one call left the window: one more is allowed
    assert http.get("/administrations").status_code == 429  # the refused calls did not count, the rest still do
    demo.api.rate_limit = None
    assert http.get("/administrations").status_code == 200


def test_a_cut_answer_is_a_200_whose_body_stops_half_way(demo: DemoPmsServer, http: httpx.Client) -> None:
    whole = http.get("/administrations").content
    demo.faults.cut_next()
    cut = http.get("/administrations")
    assert cut.status_code == 200 and cut.content == whole[: len(whole) // 2]
    assert http.get("/administrations").content == whole


def test_a_filter_can_be_refused_per_resource(demo: DemoPmsServer, http: httpx.Client) -> None:
    demo.api.refused_filters.add(("inventory_objects", "updated_at"))
    since = {"filter[updated_at]": "2025-01-01T00:00:00Z..2026-01-01T00:00:00Z"}
    refused = http.get("/administrations/1/inventory_objects", params=since)
    assert refused.status_code == 400 and error_codes(refused) == ["INVALID_FILTER"]
    assert refused.json()["errors"][0]["source"] == {"parameter": "filter[updated_at]"}
    assert http.get("/administrations/1/inventory_objects").status_code == 200
    assert http.get("/administrations/1/reservations", params=since).status_code == 200


def test_sorting_by_id_and_by_attributes(demo: DemoPmsServer, http: httpx.Client) -> None:
    by_id = ids(http.get("/administrations/1/reservations", params={"sort": "-id", "page[size]": "100"}))
    assert by_id == sorted(by_id, key=int, reverse=True)
    by_end = http.get("/administrations/1/reservations", params={"sort": "end_date,id", "page[size]": "100"})
    ends = [record["attributes"]["end_date"] for record in by_end.json()["data"]]
    assert ends == sorted(ends)
    refused = http.get("/administrations/1/reservations", params={"sort": "guest_name"})
    assert refused.status_code == 400 and error_codes(refused) == ["INVALID_SORT"]


def test_a_stopped_server_answers_nothing_on_a_kept_alive_connection(demo: DemoPmsServer, http: httpx.Client) -> None:
    """Once stopping, no request gets an answer: BEX is gone, not half there (the cause of a flaky fault test)."""
    assert http.get("/administrations").status_code == 200
    closer = threading.Thread(target=demo.close)
    demo.faults.delay_next(0.3)  # the request in flight when the stop begins
    answers: list[object] = []

    def ask() -> None:
        try:
            answers.append(http.get("/administrations").status_code)
            answers.append(http.get("/administrations").status_code)
        except httpx.TransportError as error:
            answers.append(type(error).__name__)

    asking = threading.Thread(target=ask)
    asking.start()
    while not demo.api.seen[1:]:
        time.sleep(0.01)
    closer.start()
    asking.join(10)
    closer.join(10)
    assert answers and answers[0] == 503 and 200 not in answers  # the delayed one hears of the stop, then nothing
