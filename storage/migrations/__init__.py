"""Alembic migrations of the database schema; storage.schema runs them (no alembic.ini needed)."""
