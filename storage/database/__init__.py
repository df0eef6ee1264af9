"""The database: models, migrations, the one write path, search, export, health."""
