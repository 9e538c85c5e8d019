"""Formerly (PostgreSQL): a GIN index on ``title || body`` of modelsearch's index table,
which modelsearch matches a query against but does not index.

Now a no-op: this app never changes modelsearch's tables. The body of an entry holds the
whole document, title included (`search.backends.postgres.FittedObjectIndexer`), so
matches are read through modelsearch's own index of the body. ``0014`` drops the index
from a database migrated before."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("staffsearch", "0001_initial"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = []
