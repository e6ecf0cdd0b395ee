"""GETs to BEX: retried while the failure may pass, answered as JSON:API documents or as plain errors.

One ``httpx.Client`` keeps the connection alive across the many pages of a pull. Every read is a GET,
so 429, 5xx, timeouts, dropped connections and 2xx answers whose body is cut or not a JSON:API
document (a proxy's error page) are retried with bounded exponential backoff (``sleep`` and ``now``
are injected so tests do not wait). The API key goes into each request by an ``httpx.Auth`` hook and
nowhere else: not in reprs, error texts or log records.
"""

from __future__ import annotations

import functools
import logging
import ssl
from collections.abc import Callable, Generator, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime

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
    PmsRequestRejected,
    PmsServerError,
    PmsUnreachable,
)
from salto_desk.pms.jsonapi import Document, parse_document, parse_error_details
from salto_desk.pms.settings import PmsSettings

log = logging.getLogger("salto_desk.pms")

JSON_API = "application/vnd.api+json"


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


def check_api_key(api_key: str) -> None:
    """Refuse a key no BEX API key can look like, without echoing it."""
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


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """httpx's default TLS set-up (system-independent CA bundle), made once: it takes ~70 ms, each sync needs it."""
    return httpx.create_ssl_context()


class BexHttp:
    """The connection to BEX: ``document`` for one answer, ``follow`` for the pages after it."""

    def __init__(
        self,
        api_key: str,
        settings: PmsSettings,
        *,
        sleep: Callable[[float], None],
        now: Callable[[], datetime],
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        check_api_key(api_key)
        self.settings = settings
        self._sleep = sleep
        self._now = now
        timeouts = settings.timeouts
        self._client = httpx.Client(
            base_url=settings.base_url,
            auth=_ApiKeyAuth(api_key),
            headers={"Accept": JSON_API, "Accept-Language": ",".join(settings.languages)},
            timeout=httpx.Timeout(timeouts.read, connect=timeouts.connect),
            follow_redirects=False,
            transport=transport,
            verify=_tls_context(),
        )

    def close(self) -> None:
        self._client.close()

    def document(self, url: str, params: Mapping[str, str] | None, what: Text) -> Document:
        """The JSON:API document at ``url``, after as many attempts as the retry policy allows."""
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

    def follow(self, first: Document, what: Text) -> Iterator[Document]:
        """``first`` and the pages its ``links.next`` lead to, until one has none.

        The next page is requested (on a helper thread) as soon as a page is in, so BEX prepares and
        sends it while the caller reads this one: one request in flight at a time. A link to another
        server (the key would go with it) or back to a page already read is refused.
        """
        visited: set[str] = set()
        fetcher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bex-page")
        document = first
        try:
            while document.next_link is not None:
                url = self._same_server(document.next_link)
                if url in visited:
                    raise PmsBadResponse(Text("its pages link back in a loop.", "de pagina's verwijzen in een kring."))
                visited.add(url)
                upcoming = fetcher.submit(self.document, url, None, what)
                yield document
                document = upcoming.result()
            yield document
        finally:  # a caller that stops early (Ctrl+C, an error) does not wait for a page it no longer wants
            fetcher.shutdown(wait=False, cancel_futures=True)

    def _same_server(self, link: str) -> str:
        base = self._client.base_url
        target = base.join(link)
        if (target.scheme, target.host, target.port) != (base.scheme, base.host, base.port):
            raise PmsBadResponse(
                Text("its next page is on another server.", "de volgende pagina staat op een andere server.")
            )
        return str(target)

    def _attempt(self, url: str, params: Mapping[str, str] | None, what: Text, attempt: int) -> Document | _Failure:
        """One GET: the document, or a ``_Failure`` saying whether and when to retry."""
        backoff = self.settings.retry.backoff(attempt)
        try:
            response = self._client.get(url, params=params)
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
            try:
                return parse_document(_json(response))
            except PmsBadResponse as unreadable:  # cut off or not a document: a passing fault, like a 5xx
                return _Failure(unreadable, backoff)
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
        return response.json()
    except ValueError:
        raise PmsBadResponse(Text("it is not JSON.", "het is geen JSON.")) from None


def _json_or_none(response: httpx.Response) -> object:
    try:
        return response.json()
    except ValueError:
        return None
