"""Scrapy settings of the portal crawler: polite by default (robots.txt, AutoThrottle, low concurrency)."""

BOT_NAME = "disclosure-monitor"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = "disclosure-monitor/0.1 (+annual-report compliance monitoring; contact: operator)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_MAXSIZE = 50 * 1024 * 1024
DOWNLOAD_TIMEOUT = 60
TELNETCONSOLE_ENABLED = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
