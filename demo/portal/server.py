"""SamplePortal: serves a built Site over HTTP with aiohttp from a background thread, acting out faults and edits."""

from __future__ import annotations

import asyncio
import socket
import struct
import threading
from collections import Counter
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from html import escape
from typing import Any

from aiohttp import web

from demo.portal.challenges import challenge
from demo.portal.faults import CHALLENGES, LOOP_QUERY, check_mode, mislabel_charset, oversize
from demo.portal.hanweb import DATAPROXY
from demo.portal.model import Resource, utc_now
from demo.portal.site import Site

DEFAULT_SLOW_SECONDS = 5.0
_SHUTDOWN_SECONDS = 0.5


class SamplePortal:
    """The sample site on 127.0.0.1. `slow_seconds` is how long a `timeout` URL waits before answering."""

    def __init__(self, site: Site, *, slow_seconds: float = DEFAULT_SLOW_SECONDS, host: str = "127.0.0.1") -> None:
        self.site = site
        self.slow_seconds = slow_seconds
        self.host = host
        self.hits: Counter[str] = Counter()  # request path -> requests received
        self._faults: dict[str, str] = dict(site.faults)
        self._overrides: dict[str, Resource] = {}
        self._transformed: dict[tuple[str, str, str], Resource] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.ServerRunner | None = None
        self._thread: threading.Thread | None = None
        self._waiting: set[asyncio.Task[Any]] = set()
        self.base_url = ""

    # --- life cycle ------------------------------------------------------------------------------------

    def start(self, port: int = 0) -> str:
        """Serve in a background thread on `port` (0: a free one); returns the base URL http://127.0.0.1:PORT."""
        if self._thread is not None:
            raise RuntimeError("already started")
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self._listen(port))
            except BaseException as exc:  # handed to start() in the calling thread
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            loop.close()

        self._thread = threading.Thread(target=run, name="sample-portal", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            self._thread = None
            raise failure[0]
        return self.base_url

    async def _listen(self, port: int) -> None:
        server = web.Server(self._handle)
        self._runner = web.ServerRunner(server, access_log=None, shutdown_timeout=_SHUTDOWN_SECONDS)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, port).start()
        self.base_url = f"http://{self.host}:{self._runner.addresses[0][1]}"

    def stop(self) -> None:
        if self._thread is None or self._loop is None:
            return
        loop = self._loop
        asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        self._thread.join(timeout=10)
        self._thread = None
        self._loop = None

    async def _shutdown(self) -> None:
        for task in list(self._waiting):
            task.cancel()
        if self._runner is not None:
            await self._runner.cleanup()

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # --- what tests change -----------------------------------------------------------------------------

    def edit(self, report_key: str) -> None:
        """Switch a report to its edited content (tables corrected, PubDate kept); Last-Modified becomes now."""
        edit = self.site.edits.get(report_key)
        if edit is None:
            raise ValueError(f"{report_key!r} has no edited version; edited reports: {sorted(self.site.edits)}")
        now = utc_now()
        for key, (body, content_type, headers) in edit.bodies.items():
            self._overrides[key] = Resource(body, content_type, now, headers)
        self._transformed.clear()

    def revert(self, report_key: str) -> None:
        """Back to the content as first published."""
        edit = self.site.edits.get(report_key)
        for key in edit.bodies if edit is not None else ():
            self._overrides.pop(key, None)
        self._transformed.clear()

    def set_fault(self, target: str, mode: str | None) -> str:
        """Serve the URL (absolute, path, or a report key for its page) with fault `mode`; None removes it.

        Returns the resource key the fault is attached to; raises ValueError for a URL nothing is served at.
        """
        key = self.site.key_for(target)
        if mode is None:
            self._faults.pop(key, None)
        else:
            self._faults[key] = check_mode(mode)
        return key

    def clear_faults(self, *, builtin: bool = False) -> None:
        """Drop the faults set at run time; with `builtin`, the site's planted behavioural faults too."""
        self._faults = {} if builtin else dict(self.site.faults)

    # --- serving ---------------------------------------------------------------------------------------

    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        path = request.path
        self.hits[path] += 1
        if request.method not in ("GET", "HEAD", "POST"):
            return web.Response(status=405, headers={"Allow": "GET, HEAD, POST"})
        challenge_mode = self.site.challenge_for(path)
        if challenge_mode is not None:
            return _challenge(challenge_mode, path)
        query: dict[str, str] = dict(request.query)
        if request.method == "POST" and path.endswith(DATAPROXY):
            query.update({k: str(v) for k, v in (await request.post()).items()})
        key = self.site.resolve(path, query)
        if key is None:
            return _error(404, "页面不存在")
        mode = self._faults.get(key)
        if mode in CHALLENGES:
            return _challenge(mode, path)
        if mode == "http_5xx":
            return _error(500, "服务器内部错误")
        if mode == "redirect_loop":
            target = path if LOOP_QUERY in request.query_string else f"{path}?{LOOP_QUERY}"
            return web.Response(status=302, headers={"Location": target})
        if mode == "timeout":
            await self._wait(self.slow_seconds)
        resource = self._resource(key, mode)
        if resource is None:
            return _error(404, "页面不存在")
        if not resource.ready:  # first request for an attachment: render it off the event loop
            await asyncio.get_running_loop().run_in_executor(None, lambda: resource.body)
        if mode in ("connection_reset", "truncated"):
            return await _broken(request, resource, reset=mode == "connection_reset")
        headers = {"ETag": resource.etag, "Last-Modified": resource.last_modified_http, **resource.headers}
        if _not_modified(request.headers, resource):
            return web.Response(status=304, headers={"ETag": resource.etag, "Last-Modified": headers["Last-Modified"]})
        headers["Content-Type"] = resource.content_type
        return web.Response(body=resource.body, headers=headers)

    def _resource(self, key: str, mode: str | None) -> Resource | None:
        resource = self._overrides.get(key) or self.site.resource(key)
        if resource is None or mode not in ("wrong_charset", "oversize"):
            return resource
        cache_key = (key, mode, resource.etag)
        if cache_key not in self._transformed:
            if mode == "wrong_charset":
                body, content_type = mislabel_charset(resource.body, resource.content_type)
            else:
                body = oversize(resource.body, resource.content_type, self.site.oversize_bytes)
                content_type = resource.content_type
            self._transformed[cache_key] = Resource(body, content_type, resource.last_modified, resource.headers)
        return self._transformed[cache_key]

    async def _wait(self, seconds: float) -> None:
        task = asyncio.current_task()
        if task is None:
            await asyncio.sleep(seconds)
            return
        self._waiting.add(task)  # so that stop() need not wait for it
        try:
            await asyncio.sleep(seconds)
        finally:
            self._waiting.discard(task)


def _not_modified(headers: Mapping[str, str], resource: Resource) -> bool:
    """RFC 9110: If-None-Match decides when present; otherwise If-Modified-Since."""
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or resource.etag in tags
    since = headers.get("If-Modified-Since")
    if since is None:
        return False
    try:
        moment = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
    return moment.tzinfo is not None and resource.last_modified <= moment


def _challenge(mode: str, path: str) -> web.Response:
    status, body, headers = challenge(mode, path)
    return web.Response(status=status, body=body, headers={"Content-Type": "text/html; charset=utf-8", **headers})


def _error(status: int, message: str) -> web.Response:
    html = f"<html><head><title>{status}</title></head><body><h1>{status}</h1><p>{escape(message)}</p></body></html>"
    return web.Response(status=status, body=html.encode("utf-8"), content_type="text/html", charset="utf-8")


async def _broken(request: web.BaseRequest, resource: Resource, *, reset: bool) -> web.StreamResponse:
    """Headers promising the whole body, then half of it: reset with an RST, or truncated by a clean close."""
    response = web.StreamResponse(headers={"Content-Type": resource.content_type, "ETag": resource.etag})
    response.content_length = len(resource.body)
    await response.prepare(request)
    await response.write(resource.body[: len(resource.body) // 2])
    transport = request.transport
    if transport is not None:
        if reset:
            sock = transport.get_extra_info("socket")
            if sock is not None:  # linger 0: close() sends RST instead of FIN
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            transport.abort()
        else:
            transport.close()
    return response
