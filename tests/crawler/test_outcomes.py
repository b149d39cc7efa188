"""How a failed request is recorded in the fetch log: the outcome names what went wrong."""

from __future__ import annotations

import builtins
import socket

import pytest
from scrapy import exceptions as scrapy_exceptions
from twisted.internet import error

from crawler.middlewares import classify_exception
from db.models import FetchOutcome


def _wrapped(name: str, cause: BaseException | None = None) -> list[tuple[BaseException, FetchOutcome]]:
    """Scrapy's own download errors (newer versions), when this Scrapy has them."""
    kind = getattr(scrapy_exceptions, name, None)
    if kind is None:
        return []
    exc = kind("wrapped")
    exc.__cause__ = cause
    return [(exc, FetchOutcome.CONNECTION_ERROR if cause or "Refused" in name else FetchOutcome.TIMEOUT)]


SCRAPY_WRAPPED = [
    *_wrapped("DownloadConnectionRefusedError"),
    *_wrapped("DownloadTimeoutError"),
    *_wrapped("DownloadFailedError", error.DNSLookupError("no such host")),
]


@pytest.mark.parametrize(
    ("exc", "outcome"),
    [
        (error.ConnectionRefusedError("refused"), FetchOutcome.CONNECTION_ERROR),
        (builtins.ConnectionRefusedError(111, "Connection refused"), FetchOutcome.CONNECTION_ERROR),
        (builtins.ConnectionResetError(104, "Connection reset by peer"), FetchOutcome.CONNECTION_ERROR),
        (socket.gaierror(-2, "Name or service not known"), FetchOutcome.CONNECTION_ERROR),
        (error.DNSLookupError("no such host"), FetchOutcome.CONNECTION_ERROR),
        (error.ConnectError("no route to host"), FetchOutcome.CONNECTION_ERROR),
        (error.TCPTimedOutError(), FetchOutcome.TIMEOUT),
        (error.TimeoutError("User timeout caused connection failure."), FetchOutcome.TIMEOUT),
        (ValueError("something else"), FetchOutcome.ERROR),
        *SCRAPY_WRAPPED,
    ],
)
def test_failures_are_named(exc: BaseException, outcome: FetchOutcome) -> None:
    assert classify_exception(exc) is outcome
