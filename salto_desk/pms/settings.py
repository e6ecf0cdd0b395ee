"""Where BEX is and how patiently to talk to it: the client's settings, checked when they are made."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from salto_desk.errors import Text, ValidationError
from salto_desk.pms.models import ContactSource

DEFAULT_BASE_URL = "https://api.bookingexperts.nl/v3"
MAX_PAGE_SIZE = 100
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


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


def check_base_url(base_url: str) -> str:
    """The BEX address, refused unless it is https (or http to this computer, for the demo PMS)."""
    try:
        url = httpx.URL(base_url)
    except httpx.InvalidURL:
        url = httpx.URL()
    if url.scheme not in ("http", "https") or not url.host:
        raise ValidationError(
            "base_url",
            Text(
                f"The BEX address '{base_url}' is not a web address.",
                f"Het BEX-adres '{base_url}' is geen webadres.",
            ),
            Text(f"Use an address like {DEFAULT_BASE_URL}.", f"Gebruik een adres zoals {DEFAULT_BASE_URL}."),
        )
    if url.scheme == "http" and url.host not in LOCAL_HOSTS:
        raise ValidationError(
            "base_url",
            Text(
                f"The BEX address '{base_url}' is not encrypted (http), so the API key would travel readable.",
                f"Het BEX-adres '{base_url}' is niet versleuteld (http), zodat de API-sleutel leesbaar "
                "over het net zou gaan.",
            ),
            Text("Use the https address.", "Gebruik het https-adres."),
        )
    return base_url


@dataclass(frozen=True)
class PmsSettings:
    """Where BEX is and the choices the API reference leaves open (see ``ContactSource``)."""

    base_url: str = DEFAULT_BASE_URL
    contact_source: ContactSource = "customer"
    order_includes: tuple[str, ...] = ("extra_order_items", "order.main_order_items")
    """Which order lines to include with reservations: extras sit in ``extra_order_items``; costs are
    most likely main lines of the order. When BEX answers FORBIDDEN_INCLUDE (the app lacks ``order|read``)
    the pull goes on without them."""
    languages: tuple[str, ...] = ("en", "nl")
    page_size: int = MAX_PAGE_SIZE
    timeouts: PmsTimeouts = field(default_factory=PmsTimeouts)
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    def __post_init__(self) -> None:
        check_base_url(self.base_url)
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
