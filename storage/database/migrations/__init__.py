"""Alembic migrations of the database schema; storage.database.schema runs them (no alembic.ini needed)."""
