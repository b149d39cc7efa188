"""Keep the crawler from fetching the Public Suffix List from the internet.

Scrapy's cookie middleware asks tldextract whether a cookie domain is public, and tldextract's default
instance downloads the list from publicsuffix.org on first use. A crawler that should only talk to the
portals it monitors (and hosts without outside access) must not do that; the snapshot bundled with
tldextract is enough to tell a public suffix from a portal's domain.
"""

from __future__ import annotations

from tldextract import TLDExtract


def use_bundled_suffix_list() -> None:
    """Point Scrapy's cookie middleware at the bundled list (tests/crawler/test_suffixes.py checks it took)."""
    from scrapy.downloadermiddlewares import cookies

    cookies._split_domain = TLDExtract(suffix_list_urls=(), include_psl_private_domains=True)
