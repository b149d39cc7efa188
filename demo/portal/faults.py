"""Fault modes: which are planted in the bytes at build time, which the server acts out, and byte transforms."""

from __future__ import annotations

import re

from demo.portal.content import pad

# Acted out by the server on every request to the URL.
BEHAVIOURS = ("timeout", "http_5xx", "connection_reset", "truncated", "redirect_loop")
# Planted in the bytes; set_fault applies them to any URL at run time.
CONTENT_FAULTS = ("wrong_charset", "oversize")
# Answers of a protected portal instead of content (see challenges.py).
CHALLENGES = ("waf_412", "waf_521", "js_challenge")
MODES = BEHAVIOURS + CONTENT_FAULTS + CHALLENGES

LOOP_QUERY = "loop=1"  # a looping URL redirects to itself with this query and back

_META_CHARSET = re.compile(rb'<meta charset="[^"]*">', re.IGNORECASE)


def check_mode(mode: str) -> str:
    if mode not in MODES:
        raise ValueError(f"unknown fault mode {mode!r}; known: {', '.join(MODES)}")
    return mode


def mislabel_charset(body: bytes, content_type: str) -> tuple[bytes, str]:
    """GBK bytes declared as UTF-8 (meta and header): a page whose template says UTF-8 but whose CMS wrote GBK."""
    if not content_type.startswith("text/html"):
        return body, content_type
    text = _decode(body)
    gbk = text.encode("gbk", errors="xmlcharrefreplace")
    return _META_CHARSET.sub(b'<meta charset="utf-8">', gbk, count=1), "text/html; charset=utf-8"


def oversize(body: bytes, content_type: str, size: int) -> bytes:
    """The answer grown past `size` bytes; HTML gets the padding inside a comment."""
    if content_type.startswith("text/html"):
        filler = b"<!-- " + b"x" * (size + 1 - len(body)) + b" -->"
        return body.replace(b"</body>", filler + b"</body>", 1) if b"</body>" in body else body + filler
    return pad(body, size)


def _decode(body: bytes) -> str:
    head = body[:400].lower()
    if b"gb2312" in head or b"gbk" in head:
        return body.decode("gbk", errors="replace")
    return body.decode("utf-8", errors="replace")
