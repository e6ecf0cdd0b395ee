"""Blocking BEX API v3 client: paged, incremental pulls of what the desk needs, with plain errors.

One ``httpx.Client`` per ``BexClient`` keeps the connection alive across the many pages of a pull.
Every read is a GET, so 429, 5xx, timeouts and dropped connections are retried with bounded
exponential backoff (``sleep`` and ``now`` are injected so tests do not wait). A pull returns the
records it could read plus the problems of the ones it could not: one bad record never costs the rest.
The API key goes into each request by an ``httpx.Auth`` hook and nowhere else: not in reprs, error
texts or log records.
"""

from __future__ import annotations

import functools
import gc
import logging
import ssl
import threading
import time
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import Generic, TypeVar

import httpx

from salto_desk.errors import Text, ValidationError
from salto_desk.pms.errors import (
    ApiErrorDetail,
    PmsAuthenticationError,
    PmsBadResponse,
    PmsError,
    PmsForbidden,
    PmsNotFound,
    PmsRateLimited,
    PmsRecordError,
    PmsRequestRejected,
    PmsServerError,
    PmsUnreachable,
)
from salto_desk.pms.jsonapi import Document, Resource, parse_document, parse_error_details, parse_resource
from salto_desk.pms.models import (
    Administration,
    CatalogueItem,
    CatalogueKind,
    ContactSource,
    InventoryObject,
    Owner,
    RentableType,
    Report,
    Reservation,
    read_administration,
    read_catalogue_item,
    read_inventory_object,
    read_owner,
    read_rentable_type,
    read_reservation,
)

log = logging.getLogger("salto_desk.pms")

DEFAULT_BASE_URL = "https://api.bookingexperts.nl/v3"
JSON_API = "application/vnd.api+json"
MAX_PAGE_SIZE = 100
_LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
_CONTACT_INCLUDES: Mapping[ContactSource, tuple[str, ...]] = {
    "customer": ("booking.customer",),
    "guests": ("booking", "guests"),
}

T = TypeVar("T")
_Reader = Callable[[Resource, Document, Report], T]
_ProblemKey = tuple[str, str, str]


@dataclass(frozen=True)
class PmsTimeouts:
    """Seconds to open a connection and to wait for each answer."""

    connect: float = 5.0
    read: float = 30.0


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry a GET that failed for a reason that may pass."""

    attempts: int = 4
    first_delay: float = 1.0
    max_delay: float = 30.0
    max_retry_after: float = 120.0
    """A 429 asking to wait longer than this is not waited out; the caller gets ``PmsRateLimited``."""

    def backoff(self, failed_attempts: int) -> float:
        return float(min(self.max_delay, self.first_delay * 2 ** (failed_attempts - 1)))


@dataclass(frozen=True)
class PmsSettings:
    """Where BEX is and the choices the API reference leaves open (see ``ContactSource``)."""

    base_url: str = DEFAULT_BASE_URL
    contact_source: ContactSource = "customer"
    order_includes: tuple[str, ...] = ("extra_order_items", "order.main_order_items")
    """Which order lines to include with reservations: extras sit in ``extra_order_items``; costs are
    most likely main lines of the order. Drop ``order.main_order_items`` if BEX answers
    FORBIDDEN_INCLUDE (the app has no order permission)."""
    languages: tuple[str, ...] = ("en", "nl")
    page_size: int = MAX_PAGE_SIZE
    timeouts: PmsTimeouts = field(default_factory=PmsTimeouts)
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    def __post_init__(self) -> None:
        try:
            url = httpx.URL(self.base_url)
        except httpx.InvalidURL:
            url = httpx.URL()
        if url.scheme not in ("http", "https") or not url.host:
            raise ValidationError(
                "base_url",
                Text(
                    f"The BEX address '{self.base_url}' is not a web address.",
                    f"Het BEX-adres '{self.base_url}' is geen webadres.",
                ),
                Text(f"Use an address like {DEFAULT_BASE_URL}.", f"Gebruik een adres zoals {DEFAULT_BASE_URL}."),
            )
        if url.scheme == "http" and url.host not in _LOCAL_HOSTS:
            raise ValidationError(
                "base_url",
                Text(
                    f"The BEX address '{self.base_url}' is not encrypted (http), so the API key would travel readable.",
                    f"Het BEX-adres '{self.base_url}' is niet versleuteld (http), zodat de API-sleutel leesbaar "
                    "over het net zou gaan.",
                ),
                Text("Use the https address.", "Gebruik het https-adres."),
            )
        if not 1 <= self.page_size <= MAX_PAGE_SIZE:
            raise ValidationError(
                "page_size",
                Text(
                    f"The page size {self.page_size} is outside 1..{MAX_PAGE_SIZE}.",
                    f"De paginagrootte {self.page_size} ligt buiten 1..{MAX_PAGE_SIZE}.",
                ),
            )
        if self.retry.attempts < 1:
            raise ValidationError(
                "retry.attempts",
                Text("At least one attempt is needed.", "Er is minstens één poging nodig."),
            )


@dataclass(frozen=True)
class Pull(Generic[T]):
    """What one pull read, what it could not, and the ``updated_at`` bound to continue from next time.

    ``updated_until`` is this computer's clock at the start of the pull. Start the next incremental
    pull a little before it (BEX's clock may differ, and records can change while pages are read);
    a record read twice is harmless.
    """

    records: tuple[T, ...]
    problems: tuple[PmsRecordError, ...]
    updated_until: datetime | None = None


@dataclass(frozen=True)
class _Failure:
    """A failed attempt: the error to raise, and seconds to wait before retrying (None: do not retry)."""

    error: PmsError
    retry_in: float | None


class _ApiKeyAuth(httpx.Auth):
    """Adds ``x-api-key`` to each request, so the key is held in one place that never prints it."""

    def __init__(self, api_key: str) -> None:
        self._api_key = api_key

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["x-api-key"] = self._api_key
        yield request

    def __repr__(self) -> str:
        return "_ApiKeyAuth(<hidden>)"


def _check_api_key(api_key: str) -> None:
    if not api_key or not api_key.isascii() or not api_key.isprintable() or any(char.isspace() for char in api_key):
        raise ValidationError(
            "api_key",
            Text(
                "The BEX API key is empty or has characters an API key cannot have (spaces, accents, line breaks).",
                "De BEX-API-sleutel is leeg of bevat tekens die een API-sleutel niet kan hebben (spaties, "
                "accenten, regeleinden).",
            ),
            Text(
                "Copy the key again from the app's page in BEX.", "Kopieer de sleutel opnieuw van de app-pagina in BEX."
            ),
        )


def _aware(name: str, moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValidationError(
            name,
            Text(f"The time {moment} has no time zone.", f"De tijd {moment} heeft geen tijdzone."),
            Text("Pass a time-zone aware time (for example in UTC).", "Geef een tijd met tijdzone (bijvoorbeeld UTC)."),
        )
    return moment


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """httpx's default TLS set-up (system-independent CA bundle), made once: it takes ~70 ms, each sync needs it."""
    return httpx.create_ssl_context()


def _utc_now() -> datetime:
    return datetime.now(UTC)


class BexClient:
    """Reads administrations, reservations, objects, types, owners, extras and costs from BEX."""

    def __init__(
        self,
        api_key: str,
        settings: PmsSettings | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], datetime] = _utc_now,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        _check_api_key(api_key)
        self.settings = settings or PmsSettings()
        self._sleep = sleep
        self._now = now
        timeouts = self.settings.timeouts
        self._http = httpx.Client(
            base_url=self.settings.base_url,
            auth=_ApiKeyAuth(api_key),
            headers={"Accept": JSON_API, "Accept-Language": ",".join(self.settings.languages)},
            timeout=httpx.Timeout(timeouts.read, connect=timeouts.connect),
            follow_redirects=False,
            transport=transport,
            verify=_tls_context(),
        )

    def __repr__(self) -> str:
        return f"BexClient(base_url={self.settings.base_url!r})"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> BexClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- pulls -----------------------------------------------------------------------------------

    def administrations(self) -> Pull[Administration]:
        """The administrations this key may see (the ones the organization linked to the app)."""
        languages = self.settings.languages
        return self._pull(
            "/administrations",
            {},
            Text("the list of administrations", "de lijst met administraties"),
            lambda resource, _document, _report: read_administration(resource, languages),
        )

    def reservations(
        self,
        administration_id: str,
        *,
        updated_since: datetime | None = None,
        states: Sequence[str] = (),
        starting_between: tuple[date, date] | None = None,
    ) -> Pull[Reservation]:
        """Reservations with contact and ordered extras; ``updated_since`` makes the pull incremental."""
        return self._pull(*self._reservation_request(administration_id, updated_since, states, starting_between))

    def reservation_pages(
        self,
        administration_id: str,
        *,
        updated_since: datetime | None = None,
        states: Sequence[str] = (),
        starting_between: tuple[date, date] | None = None,
    ) -> Iterator[Pull[Reservation]]:
        """``reservations`` page by page, so a caller can store each page while BEX sends the next."""
        path, params, what, read, until = self._reservation_request(
            administration_id, updated_since, states, starting_between
        )
        for records, problems in self._read_pages(path, params, what, read):
            _log_problems(problems)
            yield Pull(tuple(records.values()), tuple(problems.values()), until)

    def _reservation_request(
        self,
        administration_id: str,
        updated_since: datetime | None,
        states: Sequence[str],
        starting_between: tuple[date, date] | None,
    ) -> tuple[str, dict[str, str], Text, _Reader[Reservation], datetime | None]:
        settings = self.settings
        params = {"include": ",".join((*_CONTACT_INCLUDES[settings.contact_source], *settings.order_includes))}
        if states:
            params["filter[state]"] = ",".join(states)
        if starting_between is not None:
            params["filter[start_date]"] = f"{starting_between[0].isoformat()}..{starting_between[1].isoformat()}"
        until = self._updated_filter(params, updated_since)

        def read(resource: Resource, document: Document, report: Report) -> Reservation:
            return read_reservation(
                resource, document, administration_id, settings.languages, settings.contact_source, report
            )

        return (
            f"/administrations/{administration_id}/reservations",
            params,
            self._administration(administration_id),
            read,
            until,
        )

    def inventory_objects(
        self, administration_id: str, *, updated_since: datetime | None = None
    ) -> Pull[InventoryObject]:
        params: dict[str, str] = {}
        until = self._updated_filter(params, updated_since)
        return self._pull(
            f"/administrations/{administration_id}/inventory_objects",
            params,
            self._administration(administration_id),
            lambda resource, _document, _report: read_inventory_object(resource, administration_id),
            until,
        )

    def rentable_types(self, administration_id: str) -> Pull[RentableType]:
        languages = self.settings.languages
        return self._pull(
            f"/administrations/{administration_id}/rentable_types",
            {},
            self._administration(administration_id),
            lambda resource, _document, _report: read_rentable_type(resource, administration_id, languages),
        )

    def owners(self, administration_id: str) -> Pull[Owner]:
        """Owners with their agreements (which accommodations are theirs, from when)."""
        return self._pull(
            f"/administrations/{administration_id}/owners",
            {"include": "agreements"},
            self._administration(administration_id),
            lambda resource, document, report: read_owner(resource, document, administration_id, report),
        )

    def extras(self, administration_id: str) -> Pull[CatalogueItem]:
        return self._catalogue(administration_id, "extra")

    def costs(self, administration_id: str) -> Pull[CatalogueItem]:
        return self._catalogue(administration_id, "cost")

    def _catalogue(self, administration_id: str, kind: CatalogueKind) -> Pull[CatalogueItem]:
        languages = self.settings.languages
        return self._pull(
            f"/administrations/{administration_id}/{kind}s",
            {},
            self._administration(administration_id),
            lambda resource, _document, _report: read_catalogue_item(resource, administration_id, kind, languages),
        )

    @staticmethod
    def _administration(administration_id: str) -> Text:
        return Text(f"administration {administration_id}", f"administratie {administration_id}")

    def _updated_filter(self, params: dict[str, str], since: datetime | None) -> datetime | None:
        """Adds ``filter[updated_at]=since..now``; the returned bound is where the next pull starts."""
        if since is None:
            return None
        until = self._now()
        params["filter[updated_at]"] = f"{_aware('updated_since', since).isoformat()}..{until.isoformat()}"
        return until

    def _pull(
        self,
        path: str,
        params: dict[str, str],
        what: Text,
        read: _Reader[T],
        updated_until: datetime | None = None,
    ) -> Pull[T]:
        records: dict[str, T] = {}
        problems: dict[_ProblemKey, PmsRecordError] = {}
        for page_records, page_problems in self._read_pages(path, params, what, read):
            records.update(page_records)
            for key, problem in page_problems.items():
                problems.setdefault(key, problem)
        _log_problems(problems)
        return Pull(tuple(records.values()), tuple(problems.values()), updated_until)

    def _read_pages(
        self, path: str, params: dict[str, str], what: Text, read: _Reader[T]
    ) -> Iterator[tuple[dict[str, T], dict[_ProblemKey, PmsRecordError]]]:
        """Each page's records by id and its problems (one per record and field)."""
        for document in self._pages(path, params, what):
            records: dict[str, T] = {}
            problems: dict[_ProblemKey, PmsRecordError] = {}
            report = _problem_report(problems)
            with collector_paused:
                for problem in document.included_problems:
                    report(problem)
                for raw in document.primary:
                    try:
                        resource = parse_resource(raw)
                        records[resource.id] = read(resource, document, report)
                    except PmsRecordError as problem:
                        report(problem)
            yield records, problems

    # --- paging and HTTP -------------------------------------------------------------------------

    def _pages(self, path: str, params: Mapping[str, str], what: Text) -> Iterator[Document]:
        """Follows ``links.next`` until it is null; a link to another host or a loop is refused.

        The next page is requested (on a helper thread) as soon as a page is decoded, so BEX prepares
        and sends it while the caller reads this one: one request in flight at a time, as before.
        """
        query: Mapping[str, str] | None = {**params, "page[size]": str(self.settings.page_size)}
        visited: set[str] = set()
        fetcher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bex-page")
        try:
            page = fetcher.submit(self._get_document, path, query, what)
            while True:
                document = page.result()
                log.debug("BEX %s: %d records", path, len(document.primary))
                if document.next_link is None:
                    yield document
                    return
                url = self._follow(document.next_link)
                if url in visited:
                    raise PmsBadResponse(Text("its pages link back in a loop.", "de pagina's verwijzen in een kring."))
                visited.add(url)
                page = fetcher.submit(self._get_document, url, None, what)
                yield document
        finally:  # a caller that stops early (Ctrl+C, an error) does not wait for a page it no longer wants
            fetcher.shutdown(wait=False, cancel_futures=True)

    def _get_document(self, url: str, params: Mapping[str, str] | None, what: Text) -> Document:
        payload = self._get(url, params, what)
        with collector_paused:
            return parse_document(payload)

    def _follow(self, link: str) -> str:
        base = self._http.base_url
        target = base.join(link)
        if (target.scheme, target.host, target.port) != (base.scheme, base.host, base.port):
            raise PmsBadResponse(
                Text("its next page is on another server.", "de volgende pagina staat op een andere server.")
            )
        return str(target)

    def _get(self, url: str, params: Mapping[str, str] | None, what: Text) -> object:
        retry = self.settings.retry
        for attempt in range(1, retry.attempts + 1):
            outcome = self._attempt(url, params, what, attempt)
            if not isinstance(outcome, _Failure):
                return outcome
            if outcome.retry_in is None or attempt == retry.attempts:
                raise outcome.error
            log.warning(
                "BEX request failed (%s); retry %d in %.1f s", outcome.error.message.en, attempt, outcome.retry_in
            )
            self._sleep(outcome.retry_in)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _attempt(self, url: str, params: Mapping[str, str] | None, what: Text, attempt: int) -> object:
        """One GET: the decoded JSON payload, or a ``_Failure`` saying whether and when to retry."""
        backoff = self.settings.retry.backoff(attempt)
        try:
            response = self._http.get(url, params=params)
        except httpx.TimeoutException:
            return _Failure(
                PmsUnreachable(Text("BEX did not answer in time.", "BEX antwoordde niet op tijd.")), backoff
            )
        except httpx.TransportError as error:
            reason = type(error).__name__
            unreachable = PmsUnreachable(
                Text(f"BEX cannot be reached ({reason}).", f"BEX is niet bereikbaar ({reason}).")
            )
            return _Failure(unreachable, backoff)
        status = response.status_code
        if 200 <= status < 300:
            return _json(response)
        details = parse_error_details(_json_or_none(response))
        if status == 429:
            retry_after = self._retry_after(response)
            limited = PmsRateLimited(retry_after, details)
            if retry_after is not None and retry_after > self.settings.retry.max_retry_after:
                return _Failure(limited, None)
            return _Failure(limited, backoff if retry_after is None else retry_after)
        if status >= 500:
            return _Failure(PmsServerError(status, details), backoff)
        return _Failure(_http_error(status, what, details), None)

    def _retry_after(self, response: httpx.Response) -> float | None:
        """``Retry-After`` in seconds: a number, or an HTTP date measured against the injected clock."""
        value = response.headers.get("Retry-After", "").strip()
        if not value:
            return None
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, (moment - self._now()).total_seconds())


def _problem_report(problems: dict[_ProblemKey, PmsRecordError]) -> Report:
    """A ``Report`` that keeps the first problem of each record and field."""

    def report(problem: PmsRecordError) -> None:
        problems.setdefault((problem.record_type, problem.record_id, problem.field), problem)

    return report


def _log_problems(problems: Mapping[_ProblemKey, PmsRecordError]) -> None:
    for skipped in problems.values():
        log.warning("Skipped BEX data: %s", skipped.message.en)


def _http_error(status: int, what: Text, details: tuple[ApiErrorDetail, ...]) -> PmsError:
    if status == 401:
        return PmsAuthenticationError(details)
    if status == 403:
        return PmsForbidden(details)
    if status == 404:
        return PmsNotFound(what, details)
    if 400 <= status < 500:
        return PmsRequestRejected(status, details)
    return PmsBadResponse(Text(f"it has the unexpected status {status}.", f"het heeft de onverwachte status {status}."))


def _json(response: httpx.Response) -> object:
    try:
        with collector_paused:
            return response.json()
    except ValueError:
        raise PmsBadResponse(Text("it is not JSON.", "het is geen JSON.")) from None


class _CollectorPause:
    """Pauses Python's cyclic garbage collector while a page is decoded and read (``with collector_paused:``).

    A page makes ~10,000 dicts, lists and records, none of them in a reference cycle, yet each batch of
    new objects triggers a collection that scans the whole heap: that tripled the time of a full pull.
    Pauses nest across threads (the page fetcher decodes while the caller reads); the collector resumes
    when the last one ends, and only if it was running before the first.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._was_enabled = False

    def __enter__(self) -> None:
        with self._lock:
            if self._depth == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._depth += 1

    def __exit__(self, *_exc: object) -> None:
        with self._lock:
            self._depth -= 1
            if self._depth == 0 and self._was_enabled:
                gc.enable()


collector_paused = _CollectorPause()
"""``with collector_paused:`` around work that makes many objects and no garbage cycles worth collecting now."""


def _json_or_none(response: httpx.Response) -> object:
    try:
        return response.json()
    except ValueError:
        return None
