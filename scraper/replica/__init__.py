"""Deterministic replica of the Gyeonggi-do English press board (source ``gyeonggi-en``).

    from scraper.replica import Board, ReplicaServer
    with ReplicaServer(Board(articles=300)) as server:
        ...  # crawl server.base_url + "/blog/english-news/"

Run it by hand with ``python -m scraper.replica --port 8000 --articles 300``.
"""

from .board import Attachment, Board, BoardArticle
from .server import ReplicaServer

__all__ = ["Board", "ReplicaServer", "BoardArticle", "Attachment"]
