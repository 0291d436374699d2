"""Alembic migrations of the service's database (see ``api/alembic.ini``)."""
