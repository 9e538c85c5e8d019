"""How much a match in each indexed field counts, the same on every backend: the title
most, then the words that say what a document is about (summary, keywords, code,
topics, cited acts), then the rest of its text.

PostgreSQL writes the classes as tsvector weights (A–D) and ranks with `ts_rank_cd` over
them (`search.backends.postgres`); SQLite's FTS5 table has one body column, so a field
of class B is written there twice and one of class C once like the body, and BM25
weighs the title column above it (`search.backends.sqlite`); Elasticsearch boosts the
fields by the same classes (`search.backends._elasticsearch`)."""

from __future__ import annotations

TITLE, KEYWORDS, SECONDARY, BODY = "A", "B", "C", "D"

CLASS_OF_FIELD = {
    "title": TITLE,
    "summary": KEYWORDS,
    "search_description": KEYWORDS,
    "answer_code": KEYWORDS,
    "registration_number": KEYWORDS,
    "name": KEYWORDS,  # the names of an article's topics and tags
    "cited_acts_text": KEYWORDS,
    "answer_text": SECONDARY,
    "intro": SECONDARY,
    "answers": SECONDARY,
}

# ts_rank_cd's weights of D, C, B, A.
POSTGRES_WEIGHTS = "{0.05, 0.1, 0.4, 1.0}"
# How many times SQLite writes the text of a field of each class into the body column.
SQLITE_REPEATS = {KEYWORDS: 2, SECONDARY: 1, BODY: 1}
# Elasticsearch boosts of each class.
ELASTICSEARCH_BOOSTS = {TITLE: 5.0, KEYWORDS: 2.5, SECONDARY: 1.5}


def class_of(field_name: str) -> str:
    return CLASS_OF_FIELD.get(field_name, BODY)
