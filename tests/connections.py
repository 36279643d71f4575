"""A second connection to the test database, beside Django's own."""

import psycopg2
from django.db import connection


def other_connection():
    """A new psycopg2 connection to the database Django's connection uses, in
    a transaction of its own (PostgreSQL)."""
    settings = connection.settings_dict
    return psycopg2.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"],
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
    )
