"""Russian words for search: tokens, Snowball stems and stop words.

The same functions stem the text written into the SQLite full-text index, the words of
a query and the words of a snippet to highlight, so a query «справкой о доходах» meets
the text «справки о доходах» on «справк доход» wherever it is compared. PostgreSQL's
`russian` configuration and Elasticsearch's `russian` stemmer use the same Snowball
algorithm, so highlighting built from these stems matches what those engines found."""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import Stemmer

# A word: letters and digits, with inner hyphens kept apart («медико-социальный» gives
# two words, as PostgreSQL's parser does).
WORD_RE = re.compile(r"\w+", re.UNICODE)

# Snowball's Russian stop list (the one PostgreSQL and Elasticsearch use), without the
# words that carry meaning in this domain («нет», «без»).
STOP_WORDS = frozenset(
    [
        "и",
        "в",
        "во",
        "не",
        "что",
        "он",
        "на",
        "я",
        "с",
        "со",
        "как",
        "а",
        "то",
        "все",
        "она",
        "так",
        "его",
        "но",
        "да",
        "ты",
        "к",
        "у",
        "же",
        "вы",
        "за",
        "бы",
        "по",
        "только",
        "ее",
        "её",
        "мне",
        "было",
        "вот",
        "от",
        "меня",
        "еще",
        "ещё",
        "о",
        "из",
        "ему",
        "теперь",
        "когда",
        "даже",
        "ну",
        "вдруг",
        "ли",
        "если",
        "уже",
        "или",
        "ни",
        "быть",
        "был",
        "него",
        "до",
        "вас",
        "нибудь",
        "опять",
        "уж",
        "вам",
        "ведь",
        "там",
        "потом",
        "себя",
        "ничего",
        "ей",
        "может",
        "они",
        "тут",
        "где",
        "есть",
        "надо",
        "ней",
        "для",
        "мы",
        "тебя",
        "их",
        "чем",
        "была",
        "сам",
        "чтоб",
        "чтобы",
        "будто",
        "чего",
        "раз",
        "тоже",
        "себе",
        "под",
        "будет",
        "ж",
        "тогда",
        "кто",
        "этот",
        "того",
        "потому",
        "этого",
        "какой",
        "совсем",
        "ним",
        "здесь",
        "этом",
        "один",
        "почти",
        "мой",
        "тем",
        "тем",
        "пока",
        "они",
        "ее",
        "оно",
        "нее",
        "ним",
        "них",
        "об",
        "обо",
        "при",
        "про",
        "через",
        "над",
        "между",
        "это",
        "эти",
        "эту",
        "этой",
    ]
)

_local = threading.local()


def _stemmer() -> Stemmer.Stemmer:
    # PyStemmer objects keep a cache and are not safe to share between threads.
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("russian")
    return stemmer


def normalise(word: str) -> str:
    return word.lower().replace("ё", "е")


def words(text: str) -> list[str]:
    """The words of `text`, lowercased, «ё» read as «е»."""
    return [normalise(match) for match in WORD_RE.findall(text or "")]


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """The Snowball stem of one (normalised) word."""
    return _stemmer().stemWord(word)


def stem_text(text: str) -> str:
    """`text` as a string of stems, stop words kept (phrases stay phrases)."""
    return " ".join(stem(word) for word in words(text))


def query_stems(text: str) -> list[str]:
    """The stems of the meaningful words of a query, in order, without repeats. A query
    made only of stop words keeps them (someone searched for «о» on purpose)."""
    tokens = words(text)
    meaningful = [word for word in tokens if word not in STOP_WORDS] or tokens
    seen: dict[str, None] = {}
    for word in meaningful:
        seen.setdefault(stem(word), None)
    return list(seen)
