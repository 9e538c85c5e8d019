"""The domain's synonyms: what civil servants type and what the documents say.

One list serves both engines: Elasticsearch gets it as a ``synonym_graph`` filter in the
search analyzer (`search.backends.elasticsearch`), the database backends get the query
expanded into alternatives by `expand` (each alternative still goes through the Russian
stemmer, so «декларацию» meets «справки о доходах»)."""

from __future__ import annotations

from search.stemming import STOP_WORDS, stem, words

# Each group: phrases that mean the same here. Keep phrases short and in the form a
# person would type them; inflection is the stemmer's job.
SYNONYMS: list[list[str]] = [
    ["декларация", "справка о доходах", "сведения о доходах"],
    ["бк", "справки бк", "спо справки бк"],
    ["конфликт интересов", "личная заинтересованность"],
    ["подарок", "подарки", "дар"],
    ["увольнение", "освобождение от должности"],
    ["совместительство", "иная оплачиваемая работа"],
    ["взятка", "коррупционное правонарушение"],
    ["госслужащий", "государственный служащий", "гражданский служащий"],
    ["соцсети", "социальные сети", "сайты в сети интернет"],
    ["родственник", "близкий родственник", "свойственник"],
]


def _stems(phrase: str) -> tuple[str, ...]:
    return tuple(stem(word) for word in words(phrase) if word not in STOP_WORDS)


def _find(sequence: list[str], part: tuple[str, ...]) -> int:
    if not part:
        return -1
    for start in range(len(sequence) - len(part) + 1):
        if tuple(sequence[start : start + len(part)]) == part:
            return start
    return -1


def expand(query: str, limit: int = 4) -> list[str]:
    """Alternatives of `query` with a phrase of a synonym group replaced by the other
    phrases of its group (the query itself not included), at most `limit`."""
    tokens = [word for word in words(query) if word not in STOP_WORDS]
    stems = [stem(word) for word in tokens]
    alternatives: list[str] = []
    for group in SYNONYMS:
        for phrase in sorted(group, key=lambda p: -len(_stems(p))):
            part = _stems(phrase)
            start = _find(stems, part)
            if start < 0:
                continue
            for other in group:
                if other == phrase or _stems(other) == part:
                    continue
                alternative = " ".join(tokens[:start] + words(other) + tokens[start + len(part) :])
                if alternative not in alternatives:
                    alternatives.append(alternative)
            break
    return alternatives[:limit]


def highlight_stems(query: str) -> set[str]:
    """The stems to highlight for `query`: its own and those of its synonyms."""
    result = set(_stems(query)) or {stem(word) for word in words(query)}
    for alternative in expand(query):
        result |= set(_stems(alternative))
    return result


def elasticsearch_rules() -> list[str]:
    """The groups as Solr-format rules for Elasticsearch's synonym filters."""
    return [", ".join(group) for group in SYNONYMS]
