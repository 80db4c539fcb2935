"""The database cache's table, made by `migrate` so the plain Django path needs no extra step.

The table is created even while REDIS_URL points the cache at Redis: switching back to the
embedded defaults then finds it in place. Creating it is idempotent (createcachetable skips a
table that exists), so databases that `start_all` prepared before this migration are fine.
"""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

CACHE_TABLE = "studysmart_cache"  # settings.CACHES["default"]["LOCATION"] without REDIS_URL


def create_cache_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, CACHE_TABLE, dry_run=False)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(CACHE_TABLE)}")


class Migration(migrations.Migration):
    initial = True
    dependencies: list = []
    operations = [migrations.RunPython(create_cache_table, drop_cache_table, elidable=False)]
