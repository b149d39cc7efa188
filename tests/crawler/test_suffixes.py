"""The crawler never reaches for publicsuffix.org: cookie domains are judged with the bundled list."""

from __future__ import annotations

import socket

import pytest
from scrapy.downloadermiddlewares import cookies

import crawler.middlewares  # noqa: F401  (loading the middleware applies the setting)


def test_cookie_domains_are_judged_without_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    assert cookies._split_domain.suffix_list_urls == ()
    assert cookies._is_public_domain("gov.cn")
    assert cookies._is_public_domain("com.cn")
    assert not cookies._is_public_domain("www.beijing.gov.cn")
    assert not cookies._is_public_domain("xxgk.example.gov.cn")
