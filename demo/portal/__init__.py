"""A sample server imitating government portals (TRS, Hanweb, gkmlpt, Shandong, a WAF), with a manifest of ground
truth.

Build a site for a seed (`build_site`), serve it (`SamplePortal(site).start()` returns the base URL), then compare a
crawl with `site.manifest(base)` after importing `site.registry_yaml(base)`; `edit` and `set_fault` change the
served site while it runs.
"""

from demo.portal.faults import MODES
from demo.portal.server import DEFAULT_SLOW_SECONDS, SamplePortal
from demo.portal.site import DEFAULT_SIZE_CAP, Site, build_site

__all__ = ["DEFAULT_SIZE_CAP", "DEFAULT_SLOW_SECONDS", "MODES", "SamplePortal", "Site", "build_site"]
