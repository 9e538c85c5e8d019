"""Database keys that arrive as text (a query string, a form field, a typed value)."""

from __future__ import annotations

# The largest key the integer columns hold on every supported database.
MAX_KEY = 2**31 - 1


def key_from(value) -> int | None:
    """The key `value` spells (ASCII digits only, within the columns' range), or None.
    `str.isdigit` also accepts «²» and other digits `int` refuses, and a key past the
    column's range fails in the database: both used to end in a server error."""
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    key = int(text)
    return key if 0 < key <= MAX_KEY else None
