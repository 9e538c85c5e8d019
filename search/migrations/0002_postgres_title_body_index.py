"""PostgreSQL: a GIN index on ``title || body`` of the search index entries.

modelsearch's PostgreSQL backend matches a query against ``title || body`` (so the words
of an AND query may be spread over both), but ships GIN indexes on each column alone;
without this expression index every search scans all entries of the model."""

from django.db import migrations

INDEX = "staffsearch_indexentry_title_body_gin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("wagtailsearch", "IndexEntry")._meta.db_table
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS {INDEX} ON "{table}" USING GIN (("title" || "body"))'
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("staffsearch", "0001_initial"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(create, drop)]
