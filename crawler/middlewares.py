"""Downloader middleware keeping the evidence: conditional requests, a record of every response and
failure, challenge pages turned into "blocked", and stored bodies standing in for 304 answers."""

from __future__ import annotations

import socket
import time
from typing import Any
from urllib.parse import urljoin

from scrapy import Request, Spider
from scrapy import exceptions as scrapy_exceptions
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from twisted.internet.error import (
    ConnectError,
    ConnectionDone,
    ConnectionLost,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from crawler import waf
from crawler.evidence import EvidenceStore
from crawler.suffixes import use_bundled_suffix_list
from db.models import FetchOutcome

# Newer Scrapy wraps download errors in its own types; older versions raise Twisted's (handled below).
_SCRAPY_TIMEOUT: tuple[type[BaseException], ...] = tuple(
    t for t in (getattr(scrapy_exceptions, "DownloadTimeoutError", None),) if t is not None
)
_SCRAPY_REFUSED: tuple[type[BaseException], ...] = tuple(
    t for t in (getattr(scrapy_exceptions, "DownloadConnectionRefusedError", None),) if t is not None
)

CONDITIONAL_KINDS = {"discover", "list", "api", "article", "attachment"}

use_bundled_suffix_list()


def _headers(response: Response) -> dict[str, str]:
    return {
        key.decode("latin-1").lower(): b", ".join(values).decode("latin-1", errors="replace")
        for key, values in response.headers.items()
    }


def _request_headers(request: Request) -> dict[str, str]:
    return {
        key.decode("latin-1"): b", ".join(values).decode("latin-1", errors="replace")
        for key, values in request.headers.items()
    }


def classify_exception(exc: BaseException) -> FetchOutcome:
    if isinstance(exc, _SCRAPY_TIMEOUT):
        return FetchOutcome.TIMEOUT
    if isinstance(exc, _SCRAPY_REFUSED):
        return FetchOutcome.CONNECTION_ERROR
    if exc.__cause__ is not None and (cause := classify_exception(exc.__cause__)) is not FetchOutcome.ERROR:
        return cause  # Scrapy's DownloadFailedError wraps what the transport raised
    text = f"{type(exc).__name__}: {exc}"
    lowered = text.lower()
    if isinstance(exc, TimeoutError | TCPTimedOutError) or "timed out" in lowered or "took longer than" in lowered:
        return FetchOutcome.TIMEOUT
    if "larger than download max size" in lowered or "max download size" in lowered or "Cancelled" in text:
        return FetchOutcome.OVERSIZE
    if "DataLoss" in type(exc).__name__ or (
        isinstance(exc, ResponseFailed) and any("DataLoss" in type(r.value).__name__ for r in exc.reasons)
    ):
        return FetchOutcome.TRUNCATED
    # Twisted's own errors, and the OS's (builtin ConnectionError, socket.gaierror) that reach us unwrapped
    connection = ConnectError | ConnectionLost | ConnectionDone | DNSLookupError | ResponseNeverReceived
    if isinstance(exc, connection | ResponseFailed | ConnectionError | socket.gaierror):
        return FetchOutcome.CONNECTION_ERROR
    return FetchOutcome.ERROR


class EvidenceMiddleware:
    """Sits just below HTTP decompression, so it sees decoded bodies of every attempt (retries included)."""

    def process_request(self, request: Request, spider: Spider) -> None:
        evidence: EvidenceStore | None = getattr(spider, "evidence", None)
        request.meta["_started"] = time.monotonic()
        if evidence is None or request.meta.get("kind") not in CONDITIONAL_KINDS:
            return
        known = evidence.known.get(request.url)
        if known is None:
            return
        if known.etag:
            request.headers[b"If-None-Match"] = known.etag.encode("latin-1")
        if known.last_modified:
            request.headers[b"If-Modified-Since"] = known.last_modified.encode("latin-1")
        request.meta["_known_sha"] = known.sha256

    def process_response(self, request: Request, response: Response, spider: Spider) -> Response:
        evidence: EvidenceStore | None = getattr(spider, "evidence", None)
        if evidence is None:
            return response
        status = response.status
        headers = _headers(response)
        elapsed = int((time.monotonic() - request.meta.get("_started", time.monotonic())) * 1000)
        kind = request.meta.get("kind")
        common: dict[str, Any] = {
            "final_url": response.url if response.url != request.url else None,
            "request_headers": _request_headers(request),
            "elapsed_ms": elapsed,
            "kind": kind,
        }
        known_sha = request.meta.get("_known_sha")
        if status == 304 and known_sha:
            recorded = evidence.record_response(
                request.url, status, headers, b"", FetchOutcome.NOT_MODIFIED, stored_sha=known_sha, **common
            )
            request.meta["sha256"] = known_sha
            request.meta["fetched_at"] = recorded.fetched_at.isoformat()
            spider.crawler.stats.inc_value("disclosure/not_modified")
            return self._stored_response(request, response, evidence, known_sha)
        challenge = waf.challenge(status, response.body)
        if challenge is not None:
            evidence.record_response(request.url, status, headers, response.body, FetchOutcome.BLOCKED, **common)
            spider.crawler.stats.inc_value("disclosure/blocked")
            request.meta["_recorded"] = True
            raise IgnoreRequest(f"blocked: {challenge}")
        outcome = FetchOutcome.OK if status < 400 else FetchOutcome.HTTP_ERROR
        if outcome is FetchOutcome.HTTP_ERROR:
            spider.crawler.stats.inc_value("disclosure/errors")
            spider.crawler.stats.inc_value("disclosure/http_errors")
            request.meta["_recorded"] = True
        recorded = evidence.record_response(request.url, status, headers, response.body, outcome, **common)
        if outcome is FetchOutcome.OK:
            request.meta["sha256"] = recorded.sha256
            request.meta["fetched_at"] = recorded.fetched_at.isoformat()
            if kind in ("article", "attachment"):
                spider.crawler.stats.inc_value("disclosure/documents_downloaded")
        return response

    @staticmethod
    def _stored_response(request: Request, response: Response, evidence: EvidenceStore, sha: str) -> Response:
        """The body a 304 confirms, from the blob store, as the kind of response it was (HTML, XML, JSON)."""
        known = evidence.known.get(request.url)
        headers = Headers(response.headers)
        if known is not None and known.media_type and b"Content-Type" not in headers:
            headers[b"Content-Type"] = known.media_type.encode("latin-1")
        body = evidence.blobs.get(sha)
        cls = responsetypes.from_args(headers=headers, url=response.url, body=body)
        return cls(
            url=response.url, status=200, headers=headers, body=body, request=request, flags=[*response.flags, "cached"]
        )

    def process_exception(self, request: Request, exception: BaseException, spider: Spider) -> None:
        evidence: EvidenceStore | None = getattr(spider, "evidence", None)
        if evidence is None or isinstance(exception, IgnoreRequest):
            return
        outcome = classify_exception(exception)
        evidence.record_failure(
            request.url, outcome, f"{type(exception).__name__}: {exception}", kind=request.meta.get("kind")
        )
        request.meta["_recorded"] = True
        spider.crawler.stats.inc_value("disclosure/errors")
        spider.crawler.stats.inc_value(f"disclosure/outcome/{outcome.value}")


class RedirectLoopMiddleware:
    """Sits just above the redirect middleware (600): a redirect back to a URL of its own chain is a loop.
    Followed, it would end silently in the scheduler's duplicate filter; recorded here, it is a failure."""

    def process_response(self, request: Request, response: Response, spider: Spider) -> Response:
        location = response.headers.get(b"Location")
        if not (300 <= response.status < 400) or not location:
            return response
        target = urljoin(request.url, location.decode("latin-1"))
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target not in chain:
            return response
        evidence: EvidenceStore | None = getattr(spider, "evidence", None)
        if evidence is not None:
            # The hop is a response like any other: into the WARC with the loop noted in the fetch log.
            evidence.record_response(
                request.url,
                response.status,
                _headers(response),
                response.body,
                FetchOutcome.REDIRECT_LOOP,
                kind=request.meta.get("kind"),
                request_headers=_request_headers(request),
                error=f"redirect loop: {' -> '.join([*chain, target])}",
            )
        request.meta["_recorded"] = True
        spider.crawler.stats.inc_value("disclosure/errors")
        spider.crawler.stats.inc_value("disclosure/outcome/redirect_loop")
        raise IgnoreRequest(f"redirect loop at {request.url}")
