"""Recognising web-application-firewall challenges, which mean "blocked", never "no reports here".

Government portals sit behind challenge pages: HTTP 412 with an inline `$_ts` script (Ruishu/瑞数),
HTTP 521 whose script sets a cookie and reloads (Jiasule/Yunjiasu), or a 200 page holding nothing but
a script that computes a token. Reading any of these as an empty column would accuse a body of not
publishing when the crawler simply could not look.
"""

from __future__ import annotations

import re

_TS = re.compile(rb"\$_ts\s*=|\$_ts\.|_\$_ts")
_COOKIE_SCRIPT = re.compile(rb"document\.cookie\s*=|location\.(?:href|reload|replace)")
_SCRIPT = re.compile(rb"<script\b.*?</script>", re.S | re.I)
_TAGS = re.compile(rb"<[^>]+>")
_STYLE = re.compile(rb"<style\b.*?</style>", re.S | re.I)
CHALLENGE_STATUSES = {412, 521, 202}


def challenge(status: int, body: bytes) -> str | None:
    """A short description of the challenge, or None for an ordinary response."""
    head = body[:65536]
    if status == 412 and _TS.search(head):
        return "HTTP 412 with a $_ts anti-bot script"
    if status == 521 and (_COOKIE_SCRIPT.search(head) or b"<script" in head.lower()):
        return "HTTP 521 cookie challenge"
    if status in CHALLENGE_STATUSES and _TS.search(head):
        return f"HTTP {status} with a $_ts anti-bot script"
    if status == 200 and b"<script" in head.lower() and len(body) < 65536:
        visible = _TAGS.sub(b"", _STYLE.sub(b"", _SCRIPT.sub(b"", head))).strip()
        scripts = b"".join(_SCRIPT.findall(head))
        if len(visible) < 40 and (_TS.search(scripts) or _COOKIE_SCRIPT.search(scripts)):
            return "a page holding only a JavaScript challenge"
    return None
