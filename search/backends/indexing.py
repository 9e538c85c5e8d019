"""What the database backends' indexers share."""

from __future__ import annotations


class OneWalkMixin:
    """modelsearch's indexers build each column (title, body, autocomplete and, on
    PostgreSQL, the plain title and body texts) by walking all the object's search
    fields again, related objects included (an article's acts, tags and unit: a query
    each, per column). With this mixin before the indexer, each top-level field is
    prepared once per indexed object and its values reused by every column."""

    def prepare_field(self, obj, field):
        if obj is not self.obj:  # inside a related object: the caller's walk keeps it
            yield from super().prepare_field(obj, field)
            return
        prepared = self.__dict__.setdefault("_prepared_fields", {})
        key = id(field)
        if key not in prepared:
            # The field is kept beside its values: its id stays its own while cached.
            prepared[key] = (field, list(super().prepare_field(obj, field)))
        yield from prepared[key][1]
