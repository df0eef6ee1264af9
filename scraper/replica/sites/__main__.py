"""``python -m scraper.replica.sites NAME --port 8001``: serve one profiled board's replica until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import threading

from . import SiteServer, replica_names, site_for


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scraper.replica.sites",
                                     description="Serve the replica of a profiled board on loopback.")
    parser.add_argument("name", choices=replica_names(), help="profile whose board to serve")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8001, help="port (default 8001, 0 = any free port)")
    parser.add_argument("--articles", type=int, default=25, help="regular posts (default 25)")
    args = parser.parse_args(argv)

    server = SiteServer(site_for(args.name, articles=args.articles), host=args.host, port=args.port).start()
    print(server.base_url, flush=True)
    print(f"{args.name}: {len(server.site.posts)} posts · crawl it with "
          f"`bulletins crawl {args.name} --base-url {server.base_url}` · Ctrl-C to stop", flush=True)
    stopped = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopped.set())
    try:
        while not stopped.wait(0.5):
            pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
