"""Formerly (PostgreSQL): a GIN index on ``title || body`` of modelsearch's index table.

Now a no-op: this app no longer alters modelsearch's tables. The articles' matches are
found through modelsearch's own GIN indexes on the title and body vectors
(`search.backends.postgres.entry_prefilter`). A database migrated before keeps the
index (``staffsearch_indexentry_title_body_gin``); nothing reads it by name, and it may
be dropped."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("staffsearch", "0001_initial"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = []
