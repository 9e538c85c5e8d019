"""Demo part of search (`manage.py seed_demo`, after the cases): every case gets its
search document and is indexed; the vocabulary of typo suggestions is rebuilt.
Idempotent: documents are rebuilt in place."""

from __future__ import annotations

from search import vocabulary
from search.documents import index_all_documents, sync_all


def seed(stdout=None) -> dict:
    documents = sync_all()
    index_all_documents()
    vocabulary.rebuild()
    if stdout is not None:
        stdout.write(f"Search: {documents} case documents indexed.")
    return {"documents": documents}
