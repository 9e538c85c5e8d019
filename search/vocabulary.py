"""The words of the knowledge base, for the words people get wrong.

`search.models.VocabularyWord` holds every word of the live articles (title, summary,
body, typical answer text) with the number of articles holding it, and the words of
the synonyms, rebuilt by `manage.py update_index` and topped up when an article is
published or a synonym group saved. Only articles:
a suggestion must never reveal a word of a case.

- Wrong keyboard layout: a word typed in Latin letters that, read on the Russian
  layout (ЙЦУКЕН), is a word of the vocabulary («cghfdrf» → «справка») is read so.
- Typos: a word whose stem the vocabulary does not know is compared with the words
  that share enough trigrams with it (PostgreSQL: `pg_trgm`'s ``similarity``, with the
  extension made by migration ``staffsearch.0008``; SQLite: the same measure over an
  in-memory trigram index of the vocabulary), and the closest by edit distance (at
  most 1 for short words, 2 for longer ones), the most frequent among equals, is
  suggested.
"""

from __future__ import annotations

import re
import threading
from collections import Counter, defaultdict

from django.core.cache import cache
from django.db import connection, transaction

from search import synonyms
from search.stemming import stem, words

LATIN = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`"
RUSSIAN = "йцукенгшщзхъфывапролджэячсмитьбюё"
TO_RUSSIAN = str.maketrans(LATIN + LATIN.upper().replace("[]", "{}"), RUSSIAN + RUSSIAN.upper())
# A run of what the Latin layout types where Russian letters were meant.
LATIN_RUN = re.compile(r"[a-zA-Z\[\];',.`{}]*[a-zA-Z][a-zA-Z\[\];',.`{}]*")

MIN_LENGTH = 3  # shorter words are not kept
MAX_LENGTH = 64
MIN_TYPO_LENGTH = 4  # shorter words are not corrected
CANDIDATES = 40
MIN_SIMILARITY = 0.2
VERSION_KEY = "search:vocabulary:version"

_local = threading.local()


# ----------------------------------------------------------------- building


def words_of(text: str) -> set[str]:
    return {
        word
        for word in words(text)
        if MIN_LENGTH <= len(word) <= MAX_LENGTH and not word.isdigit() and not word.isascii()
    }


def _article_texts(article) -> str:
    body = article.body_text if article.body_text is not None else article.plain_body()
    return " ".join(
        part for part in (article.title, article.summary, body, article.answer_text) if part
    )


def rebuild() -> int:
    """The vocabulary made again from every live article. Returns the number of words."""
    from kb.models import ArticlePage
    from search.models import VocabularyWord

    counts: Counter = Counter()
    for article in ArticlePage.objects.live().defer("body").iterator(chunk_size=500):
        counts.update(words_of(_article_texts(article)))
    # The words of the synonyms are words people type too (in no article, they count 0).
    for group in synonyms.groups():
        for phrase in group:
            for word in words_of(phrase):
                counts.setdefault(word, 0)
    with transaction.atomic():
        VocabularyWord.objects.all().delete()
        VocabularyWord.objects.bulk_create(
            [VocabularyWord(word=w, stem=stem(w), documents=n) for w, n in counts.items()],
            batch_size=2000,
        )
    _changed()
    return len(counts)


def add_article(article) -> None:
    """The words of a published article added (their counts raised by one; a word no
    longer used is kept until the next rebuild)."""
    from django.db.models import F

    from search.models import VocabularyWord

    found = words_of(_article_texts(article))
    if not found:
        return
    existing = set(VocabularyWord.objects.filter(word__in=found).values_list("word", flat=True))
    VocabularyWord.objects.filter(word__in=existing).update(documents=F("documents") + 1)
    VocabularyWord.objects.bulk_create(
        [VocabularyWord(word=w, stem=stem(w), documents=1) for w in found - existing],
        ignore_conflicts=True,
    )
    _changed()


def add_words(text: str) -> None:
    """Words people may type though no article holds them (those of a synonym group)."""
    from search.models import VocabularyWord

    found = words_of(text)
    if found:
        VocabularyWord.objects.bulk_create(
            [VocabularyWord(word=w, stem=stem(w), documents=0) for w in found],
            ignore_conflicts=True,
        )
        _changed()


def _changed() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, None)


# ----------------------------------------------------------------- reading


def known_stems(stems: set[str]) -> set[str]:
    from search.models import VocabularyWord

    if not stems:
        return set()
    return set(VocabularyWord.objects.filter(stem__in=stems).values_list("stem", flat=True))


def from_latin_layout(tokens: list[str]) -> list[str]:
    """`tokens` with each word typed in the Latin layout that means a Russian word of
    the vocabulary replaced by it."""
    latin = [t for t in tokens if t.isascii() and t.isalpha()]
    if not latin:
        return tokens
    converted = {t: t.translate(TO_RUSSIAN).replace("ё", "е") for t in latin}
    known = known_stems({stem(w) for w in converted.values()})
    return [converted[t] if t in converted and stem(converted[t]) in known else t for t in tokens]


def fix_layout(text: str) -> str:
    """`text` with the runs typed in the Latin layout that read as Russian words of the
    vocabulary converted (the characters of «х», «ъ», «ж», «э», «б», «ю», «ё» are
    punctuation on the Latin layout, so the raw text is read, not its words)."""
    runs = LATIN_RUN.findall(text or "")
    if not runs:
        return text
    converted = {run: run.translate(TO_RUSSIAN).lower().replace("ё", "е") for run in runs}
    candidates = {run: value for run, value in converted.items() if value.isalpha()}
    known = known_stems({stem(value) for value in candidates.values()})
    fixed = text
    for run, value in candidates.items():
        if stem(value) in known:
            fixed = re.sub(rf"(?<![\w]){re.escape(run)}(?![\w])", value, fixed)
    return fixed


def _distance(a: str, b: str, limit: int) -> int:
    """Damerau–Levenshtein distance (adjacent transpositions count one), or limit + 1
    once it is certain to exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2 = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _memory_index():
    """SQLite: the vocabulary and its trigram postings, per process, rebuilt when the
    vocabulary changes."""
    from search.models import VocabularyWord

    version = cache.get(VERSION_KEY, 0)
    index = getattr(_local, "index", None)
    if index is None or index[0] != version:
        entries = list(VocabularyWord.objects.values_list("word", "documents"))
        postings = defaultdict(list)
        for number, (word, _documents) in enumerate(entries):
            for gram in _trigrams(word):
                postings[gram].append(number)
        index = _local.index = (version, entries, postings)
    return index[1], index[2]


def _candidates(word: str) -> list[tuple[str, int]]:
    """(word, documents) of the vocabulary's words most similar to `word` by trigrams."""
    if connection.vendor == "postgresql":
        from search.models import VocabularyWord

        table = VocabularyWord._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT word, documents FROM {table} WHERE similarity(word, %s) >= %s "
                "ORDER BY similarity(word, %s) DESC, documents DESC LIMIT %s",
                [word, MIN_SIMILARITY, word, CANDIDATES],
            )
            return list(cursor.fetchall())
    entries, postings = _memory_index()
    grams = _trigrams(word)
    shared: Counter = Counter()
    for gram in grams:
        shared.update(postings.get(gram, ()))
    scored = []
    for number, count in shared.items():
        other, documents = entries[number]
        similarity = count / (len(grams) + len(_trigrams(other)) - count)
        if similarity >= MIN_SIMILARITY:
            scored.append((similarity, documents, other))
    scored.sort(reverse=True)
    return [(other, documents) for _s, documents, other in scored[:CANDIDATES]]


def correction(word: str) -> str | None:
    """The word of the vocabulary `word` was most likely meant to be, or None."""
    if len(word) < MIN_TYPO_LENGTH or word.isdigit():
        return None
    limit = 1 if len(word) < 6 else 2
    best = None
    for other, documents in _candidates(word):
        distance = _distance(word, other, limit)
        if distance > limit:
            continue
        key = (distance, -documents)
        if best is None or key < best[0]:
            best = (key, other)
    return best[1] if best else None


def corrected(tokens: list[str]) -> list[str] | None:
    """`tokens` with each word whose stem the vocabulary does not know replaced by its
    correction; None when nothing was corrected."""
    unknown = {stem(t) for t in tokens} - known_stems({stem(t) for t in tokens})
    if not unknown:
        return None
    result, changed = [], False
    for token in tokens:
        fixed = correction(token) if stem(token) in unknown and not token.isascii() else None
        if fixed and stem(fixed) != stem(token):
            result.append(fixed)
            changed = True
        else:
            result.append(token)
    return result if changed else None
