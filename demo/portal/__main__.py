"""Serve the sample portals from the command line: python -m demo.portal [--seed N] [--port P] [--scale S]."""

from __future__ import annotations

import argparse
import threading
from pathlib import Path

from demo.portal.server import DEFAULT_SLOW_SECONDS, SamplePortal
from demo.portal.site import build_site


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m demo.portal", description=__doc__)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--bodies", type=int, default=30)
    parser.add_argument("--scale", type=int, default=1, help="pages_scale")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--slow", type=float, default=DEFAULT_SLOW_SECONDS, help="seconds a timeout URL waits")
    parser.add_argument("--manifest", type=Path, help="write the manifest here")
    parser.add_argument("--registry", type=Path, help="write the registry file here")
    args = parser.parse_args(argv)
    site = build_site(seed=args.seed, bodies=args.bodies, pages_scale=args.scale)
    server = SamplePortal(site, slow_seconds=args.slow)
    base = server.start(args.port)
    if args.manifest:
        site.write_manifest(args.manifest, base)
    if args.registry:
        args.registry.write_text(site.registry_yaml(base), encoding="utf-8")
    print(base, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
