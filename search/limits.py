"""How much text one search document may hold, on every backend.

PostgreSQL refuses a tsvector whose lexemes and positions take more than 1 MB
(1,048,575 bytes: "string is too long for tsvector"), and it counts them per vector and
again when the vectors of a document's fields are concatenated. The size of a vector
depends on the text, not only on its length: for ordinary Russian prose it is about 1.2
times the text's UTF-8 bytes, for the worst text measured (web addresses, which the
parser splits into the address, the host and the path) 2.9 times. So every search
document is built from at most ``SEARCH_DOCUMENT_MAX_BYTES`` (256 KB by default, about
128,000 Cyrillic characters) of text in all: 2.9 × 256 KB stays under the 1 MB. The
same documents go to SQLite FTS5 and Elasticsearch, which have far larger limits.

Text beyond the budget is left out of the search document only: the case or page keeps
all of it, and the snippets of results are cut from the case itself. With the limits of
what a message, a comment and an answer may hold (``CASES_TEXT_MAX_CHARS``,
``CASES_COMMENT_MAX_CHARS``) a case written through the forms or the API stays within
the budget unless an administrator raises them; a knowledge-base page may exceed it (a
whole code pasted into a page), and is then searchable by its first 256 KB."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.conf import settings

# PostgreSQL's largest tsvector (MAXSTRPOS in src/include/tsearch/ts_type.h).
TSVECTOR_MAX_BYTES = 1_048_575
DEFAULT_DOCUMENT_MAX_BYTES = 256 * 1024
# The whitespace before the last (partial) word of a text.
_LAST_SPACE = re.compile(r"\s\S*\Z")


def document_max_bytes() -> int:
    """The text budget of one search document, in UTF-8 bytes (read at each use, so a
    changed setting applies without a restart of the module)."""
    return int(getattr(settings, "SEARCH_DOCUMENT_MAX_BYTES", DEFAULT_DOCUMENT_MAX_BYTES))


def utf8_size(text: str) -> int:
    return len(text.encode("utf-8"))


def cut(text: str, max_bytes: int) -> str:
    """The longest start of `text` of at most `max_bytes` UTF-8 bytes that ends between
    words (or, for a text without whitespace there, between characters)."""
    text = text or ""
    data = text.encode("utf-8")
    if len(data) <= max_bytes:
        return text
    if max_bytes <= 0:
        return ""
    head = data[:max_bytes].decode("utf-8", "ignore")  # a prefix of whole characters
    if not text[len(head)].isspace():
        # The cut fell inside a word: end at the whitespace before it.
        last = _LAST_SPACE.search(head)
        if last is not None:
            head = head[: last.start()]
    return head.rstrip()


def fit(texts: Sequence[str], max_bytes: int) -> list[str]:
    """`texts` cut so that together they take at most `max_bytes` UTF-8 bytes, the budget
    shared fairly: a text smaller than its share is kept whole and leaves the rest to the
    others, the larger ones get equal shares. Texts within the budget come back as
    they are."""
    texts = [text or "" for text in texts]
    sizes = [utf8_size(text) for text in texts]
    if sum(sizes) <= max_bytes:
        return texts
    allowed = [0] * len(texts)
    remaining = max(max_bytes, 0)
    order = sorted(range(len(texts)), key=lambda i: sizes[i])
    for done, i in enumerate(order):
        share = remaining // (len(texts) - done)
        allowed[i] = min(sizes[i], share)
        remaining -= allowed[i]
    return [cut(text, allowed[i]) for i, text in enumerate(texts)]
