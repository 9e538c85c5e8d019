"""The domain's synonyms: what civil servants type and what the documents say.

Editors keep them in the admin (Settings → Search synonyms, `search.models.SynonymGroup`);
`DEFAULT_GROUPS` are the ones a new installation starts with (migration
``staffsearch.0009``). One list serves every backend: the database backends make each
phrase of a group an alternative of the query term it matches (`search.analysis`; each
word still goes through the stemmer, so «сувениры» matches «сувенир»), and
Elasticsearch gets the groups as a ``synonym_graph`` filter of its search analyzer
(`search.backends._elasticsearch`; written into the index settings, so a change reaches
it with the next `update_index`).

The groups are read once and cached (`CACHE_KEY`) until a group is saved or deleted."""

from __future__ import annotations

from django.core.cache import cache

from search.stemming import STOP_STEMS, STOP_WORDS, stem, words

CACHE_KEY = "search:synonyms:v1"
CACHE_SECONDS = 3600

# Each group: phrases that mean the same here. Short, in the form a person would type
# them; inflection is the stemmer's job (but words whose stems differ, such as
# «подарок» and «подарили», are listed apart).
DEFAULT_GROUPS: list[list[str]] = [
    ["декларация", "справка о доходах", "сведения о доходах"],
    ["бк", "справки бк", "спо справки бк"],
    ["конфликт интересов", "личная заинтересованность"],
    ["подарок", "подарки", "подарили", "подарить", "сувенир", "дар"],
    ["увольнение", "уволиться", "освобождение от должности"],
    ["совместительство", "подработка", "иная оплачиваемая работа"],
    ["взятка", "коррупционное правонарушение"],
    ["госслужащий", "государственный служащий", "гражданский служащий"],
    ["соцсети", "социальные сети", "сайты в сети интернет"],
    ["родственник", "близкий родственник", "свойственник"],
    ["обращение", "сообщение"],
    ["приём", "прием"],
    ["сдать", "сдавать", "представить", "представлять", "подать", "подавать"],
    ["сдача", "представление", "подача"],
]


def _stems(phrase: str) -> tuple[str, ...]:
    return tuple(
        stem(word)
        for word in words(phrase)
        if word not in STOP_WORDS and stem(word) not in STOP_STEMS
    ) or tuple(stem(word) for word in words(phrase))


def groups() -> list[list[str]]:
    """The synonym groups, each a list of normalised phrases (cached)."""
    cached = cache.get(CACHE_KEY)
    if cached is None:
        from search.models import SynonymGroup

        cached = [group.phrases() for group in SynonymGroup.objects.all()]
        cached = [group for group in cached if len(group) > 1]
        cache.set(CACHE_KEY, cached, CACHE_SECONDS)
    return cached


def forget() -> None:
    """Drop the cached groups (a group was saved or deleted)."""
    cache.delete(CACHE_KEY)


def match(all_groups: list[list[str]], stems: list[str], position: int):
    """The longest phrase of a group that the query's `stems` hold from `position`
    on: (its length in words, the group), or None."""
    best = None
    for group in all_groups:
        for phrase in group:
            part = _stems(phrase)
            if not part or tuple(stems[position : position + len(part)]) != part:
                continue
            if best is None or len(part) > best[0]:
                best = (len(part), group)
    return best


def related(all_groups: list[list[str]], group: list[str]) -> list[list[str]]:
    """The other groups sharing a phrase (by its stems) with `group`."""
    own = {_stems(phrase) for phrase in group}
    return [
        other
        for other in all_groups
        if other is not group and any(_stems(phrase) in own for phrase in other)
    ]


def elasticsearch_rules() -> list[str]:
    """The groups as Solr-format rules for Elasticsearch's synonym filters."""
    return [", ".join(group) for group in groups()]
