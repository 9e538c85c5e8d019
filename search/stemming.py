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

# Question words and the words that frame a question («можно ли», «нужно ли»): they
# say how something is asked, not what about.
QUESTION_WORDS = frozenset(
    [
        "какой",
        "какая",
        "какое",
        "какие",
        "каких",
        "каким",
        "какими",
        "какую",
        "каков",
        "какова",
        "каковы",
        "такое",
        "такой",
        "такая",
        "такие",
        "таких",
        "что",
        "чем",
        "чего",
        "кто",
        "кого",
        "кому",
        "где",
        "куда",
        "откуда",
        "когда",
        "зачем",
        "почему",
        "отчего",
        "сколько",
        "ли",
        "можно",
        "нужно",
        "надо",
        "нельзя",
        "разве",
        "чей",
        "чья",
        "чье",
        "чьи",
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


# Words Snowball stems into a stop word's stem: «приём» and «прием» become «при», the
# preposition, which the SQLite index keeps (for phrases) and which a query would then
# meet in half of the knowledge base. Each family keeps a stem of its own.
STEM_EXCEPTIONS = {"прием": "прием"}


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """The Snowball stem of one (normalised) word."""
    result = _stemmer().stemWord(word)
    for start, own in STEM_EXCEPTIONS.items():
        if word.startswith(start) and own.startswith(result):
            return own
    return result


# The stems of the stop and question words: a query word with one of them is dropped
# after stemming («такое» → «так», «какие» → «как»). Stems shared with words that carry
# meaning here are left out («тем»: «тема»; «быт», «раз», «сам», «ест»).
STOP_STEMS = frozenset(stem(word) for word in STOP_WORDS | QUESTION_WORDS) - {
    "тем",
    "быт",
    "раз",
    "сам",
    "ест",
}


def stem_text(text: str) -> str:
    """`text` as a string of stems, stop words kept (phrases stay phrases)."""
    return " ".join(stem(word) for word in words(text))


def query_stems(text: str) -> list[str]:
    """The stems of the meaningful words of a query, in order, without repeats: stop
    and question words are dropped by their stems. A query made only of such words
    keeps them (someone searched for «о» on purpose)."""
    tokens = words(text)
    meaningful = [
        word for word in tokens if word not in STOP_WORDS and stem(word) not in STOP_STEMS
    ] or tokens
    seen: dict[str, None] = {}
    for word in meaningful:
        seen.setdefault(stem(word), None)
    return list(seen)
