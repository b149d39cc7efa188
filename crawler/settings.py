"""Scrapy settings of the portal crawler: polite by default (robots.txt, AutoThrottle, low concurrency).

Every value can be overridden per run (`disclosure crawl --set NAME=VALUE`, `scrapy crawl -s`).
"""

BOT_NAME = "disclosure-monitor"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = (
    "disclosure-monitor/0.1 (annual government-information-disclosure report monitoring; "
    "polite crawler: robots.txt, low rate)"
)
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_MAXSIZE = 50 * 1024 * 1024
DOWNLOAD_WARNSIZE = 20 * 1024 * 1024
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_FAIL_ON_DATALOSS = True
RETRY_ENABLED = True
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 10
CLOSESPIDER_TIMEOUT = 3600  # the total time one portal may take
COOKIES_ENABLED = True  # some portals set a session cookie before serving lists
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"

DOWNLOADER_MIDDLEWARES = {
    # Just below HTTP decompression (590): sees decoded bodies of every attempt, before retries (550).
    "crawler.middlewares.EvidenceMiddleware": 585,
    # Just above the redirect middleware (600), which would otherwise follow a loop into the dupe filter.
    "crawler.middlewares.RedirectLoopMiddleware": 610,
}
ITEM_PIPELINES = {
    "crawler.pipelines.ReportPipeline": 300,
}
DISCLOSURE_PARSE_WORKERS = 2
# Scrapy's RemoteControl extension runs Python code sent to a local HTTP port: no crawl needs it.
REMOTE_CONTROL_ENABLED = False
