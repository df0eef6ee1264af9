"""Databases of their own on the tests' PostgreSQL server (tests/services.py), for the fixtures
in tests/conftest.py and for tests that need a second one."""

from __future__ import annotations

import re
from uuid import uuid4

import psycopg

from .services import PostgresServer


def new_postgres_database(server: PostgresServer, hint: str = "db") -> str:
    """A new empty database named after `hint` (a test's name), unique; returns its URL.

    A statement waiting on another session's lock fails after 10 s instead of hanging the run."""
    name = f"{re.sub(r'[^a-z0-9]+', '_', hint.lower())[:40]}_{uuid4().hex[:8]}"
    url = server.create_database(name)
    with psycopg.connect(host="127.0.0.1", port=server.port, user=server.user, dbname="postgres",
                         autocommit=True) as con:
        con.execute(f"ALTER DATABASE \"{name}\" SET lock_timeout = '10s'")
    return url


def dispose(url: str) -> None:
    """Close the connection pool storage.database.db keeps for `url` (one per URL and process)."""
    from storage.database.db import _pg_engines

    engine = _pg_engines.pop(url, None)
    if engine is not None:
        engine.dispose()
