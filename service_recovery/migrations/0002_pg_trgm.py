"""pg_trgm for duplicate detection (a no-op on SQLite)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("service_recovery", "0001_problems_promises_incidents")]

    operations = [TrigramExtension()]
