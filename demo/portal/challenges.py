"""Answers of a protected portal instead of its content: a 412 with a `$_ts` bootstrap, a 521 cookie challenge,
and a 200 page that is nothing but a JavaScript challenge."""

from __future__ import annotations

import hashlib

# mode -> HTTP status
STATUS = {"waf_412": 412, "waf_521": 521, "js_challenge": 200}
# Path prefixes answered with a challenge instead of content: the registered WAF portal and two variants.
CHALLENGE_PREFIXES = {"/waf/": "waf_412", "/waf-521/": "waf_521", "/waf-js/": "js_challenge"}


def _token(path: str, size: int) -> str:
    return hashlib.sha256(f"challenge|{path}".encode()).hexdigest()[:size]


def challenge(mode: str, path: str) -> tuple[int, bytes, dict[str, str]]:
    """(status, body, headers) of the challenge `mode` for a request to `path`."""
    token = _token(path, 48)
    if mode == "waf_412":
        script = (
            "$_ts=window['$_ts'];if(!$_ts)$_ts=window['$_ts']={};"
            f'$_ts.nsd={int(token[:5], 16)};$_ts.cd="{token}";$_ts.lcd="{token[::-1][:24]}";'
        )
        body = (
            '<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Pragma" content="no-cache">'
            f'<script type="text/javascript" r="m">{script}</script>'
            f'<script type="text/javascript" r="m" src="/waf/{token[:10]}/b.js"></script>'
            "</head><body></body></html>"
        )
        headers = {"Set-Cookie": f"WafSid{token[:6]}={token[6:38]}; Path=/; HttpOnly"}
        return 412, body.encode("utf-8"), headers
    if mode == "waf_521":
        body = (
            "<html><script>document.cookie=('__wck_clearance=')+("
            f"'{int(token[:8], 16)}|0|'+'{token[8:40]}'"
            ")+';max-age=3600;path=/';location.href=location.pathname+location.search</script></html>"
        )
        return 521, body.encode("utf-8"), {}
    if mode == "js_challenge":
        body = (
            '<!DOCTYPE html><html><head><meta charset="utf-8"><script>'
            f'var _k="{token}",_s=0;for(var i=0;i<_k.length;i++){{_s=(_s*31+_k.charCodeAt(i))%1000003}}'
            'document.cookie="verify_s="+_s+";path=/";setTimeout(function(){location.reload()},300);'
            "</script></head><body></body></html>"
        )
        return 200, body.encode("utf-8"), {"Cache-Control": "no-store"}
    raise ValueError(f"not a challenge mode: {mode!r}")
