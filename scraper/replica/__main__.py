"""``python -m scraper.replica --port 8000 --articles 300``: serve the replica board until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import threading

from .board import Board
from .pages import BOARD_PATH
from .server import ReplicaServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scraper.replica",
                                     description="Serve the replica Gyeonggi-do English press board.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000, 0 = any free port)")
    parser.add_argument("--articles", type=int, default=300, help="regular articles (default 300)")
    parser.add_argument("--seed", type=int, default=20220624, help="generator seed")
    parser.add_argument("--no-flaky", dest="flaky", action="store_false",
                        help="do not answer 500 to the first request of listing page 2")
    parser.add_argument("--attachment-every", type=int, default=0, metavar="N",
                        help="exactly every Nth article carries one attachment, the others none "
                             "(default 0: the board's own attachments)")
    parser.add_argument("--payloads", type=int, default=0, metavar="M",
                        help="with --attachment-every: the attachments share M distinct payloads "
                             "under distinct URLs (default 0: each its own bytes)")
    args = parser.parse_args(argv)
    if args.attachment_every < 0 or args.payloads < 0 or (args.payloads and not args.attachment_every):
        parser.error("--attachment-every and --payloads must be >= 0, "
                     "--payloads only with --attachment-every")

    board = Board(articles=args.articles, seed=args.seed, attachment_every=args.attachment_every,
                  payloads=args.payloads)
    server = ReplicaServer(board, host=args.host, port=args.port, flaky=args.flaky).start()
    print(server.base_url, flush=True)
    print(f"listing {server.base_url}{BOARD_PATH} · {len(board.articles)} articles, "
          f"{board.page_count()} pages · sample {board.sample_id} · quirks malformed={board.malformed_id} "
          f"no-views={board.no_views_id} bad-date={board.bad_date_id} · Ctrl-C to stop", flush=True)
    stopped = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):     # Ctrl-C, or a plain kill
        signal.signal(sig, lambda *_: stopped.set())
    try:
        while not stopped.wait(0.5):
            pass
    finally:
        server.stop()
    print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
