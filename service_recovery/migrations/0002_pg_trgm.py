"""pg_trgm for duplicate detection (a no-op on SQLite).

Unapplying keeps the extension: other objects (search indexes) may use it.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class KeepOnReverse(TrigramExtension):
    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass


class Migration(migrations.Migration):
    dependencies = [("service_recovery", "0001_problems_promises_incidents")]

    operations = [KeepOnReverse()]
