"""References to legal acts as search terms.

People cite an act in many ways: «273-ФЗ», «N 273-ФЗ», «ФЗ-273», «Федеральный закон
от 25.12.2008 N 273-ФЗ»; «указ 559», «Указ № 460», «Указом Президента РФ от 18.05.2009
№ 559»; «распоряжение № 2867-р». The words around the number mean little on their own
(«указ», «закон» are everywhere), and the number alone is ambiguous. So each reference
becomes one term made of the kind of act and its number: «фз273», «указ559»,
«постановление10», «распоряжение2867р».

The terms are added to what is indexed (the references found in a document's text and
the acts an article cites, `kb.models.ArticlePage.cited_acts_text`) and replace the
reference in a query, so «указ 559» finds every article citing the decree, whether its
text names it or only its list of cited acts does. An article number in a query («ст. 12
59-ФЗ») is left out: an article cites the law, not always the article.

Elasticsearch gets the same rules as ``pattern_replace`` character filters
(`char_filters`), applied at index and search time."""

from __future__ import annotations

import re

# The kinds of act, each with the word of its term and the pattern of a mention:
# the name of the kind in any case, optionally «Президента/Правительства РФ»,
# «от <date>», «№»/«N», then the number.
_ISSUER = r"(?:\s+(?:президента|правительства)(?:\s+(?:рф|российской\s+федерации))?)?"
_DATE = r"(?:\s+от\s+\d{1,2}[.\s]\d{1,2}[.\s]\d{2,4}(?:\s*г(?:ода|\.)?)?)?"
_NUMBER_SIGN = r"\s*(?:№|n|номер)?\s*"

KINDS: list[tuple[str, re.Pattern]] = [
    (
        "фз",
        re.compile(
            r"(?<![\w-])(?:(?:федеральн\w*\s+)?закон\w*"
            + _DATE
            + r"\s*(?:(?:№|n)\s*(\d{1,4})(?:\s*-?\s*фз)?|(\d{1,4})\s*-?\s*фз)"
            + r"|(\d{1,4})\s*-?\s*фз|фз\s*-?\s*(?:№|n)?\s*(\d{1,4}))(?![\w-])",
            re.IGNORECASE,
        ),
    ),
    (
        "указ",
        re.compile(
            r"(?<![\w-])указ\w*" + _ISSUER + _DATE + _NUMBER_SIGN + r"(\d{1,5})(?![\w-])",
            re.IGNORECASE,
        ),
    ),
    (
        "постановление",
        re.compile(
            r"(?<![\w-])постановлени\w*"
            + _ISSUER
            + _DATE
            + _NUMBER_SIGN
            + r"(\d{1,5})(?:\s*-?\s*п)?(?![\w-])",
            re.IGNORECASE,
        ),
    ),
    (
        "распоряжение",
        re.compile(
            r"(?<![\w-])(?:распоряжени\w*"
            + _ISSUER
            + _DATE
            + _NUMBER_SIGN
            + r"(\d{1,5})(?:\s*-\s*р)?|(\d{1,5})\s*-\s*р)(?![\w-])",
            re.IGNORECASE,
        ),
    ),
]

# «ст. 12», «статья 12», «статьи 12.1», «ч. 2 ст. 14», «п. 8», «пункт 3».
ARTICLE_OF_ACT = re.compile(
    r"(?<![\w-])(?:(?:ч|ст|п|пп)\.?|част\w*|стать\w*|пункт\w*)\s*\d+(?:\.\d+)*(?![\w-])",
    re.IGNORECASE,
)


def _normalise(text: str) -> str:
    return (text or "").replace("ё", "е").replace("Ё", "Е")


def term(kind: str, number: str) -> str:
    """The search term of an act: the word of its kind and its number («указ559»)."""
    return kind + re.sub(r"\D", "", number)


def find(text: str) -> list[tuple[int, int, str]]:
    """(start, end, term) of each reference to an act in `text`, in order."""
    text = _normalise(text)
    found: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in KINDS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < b and a < end for a, b in taken):
                continue
            number = next(group for group in match.groups() if group)
            taken.append((start, end))
            found.append((start, end, term(kind, number)))
    return sorted(found)


def terms(text: str) -> list[str]:
    """The terms of the acts `text` refers to, without repeats, in order."""
    return list(dict.fromkeys(found for _start, _end, found in find(text)))


def split_query(query: str) -> tuple[list[str], str]:
    """The act terms of a query and the rest of its text. The article numbers of a
    query that names an act are dropped from the rest."""
    found = find(query)
    if not found:
        return [], query
    text = _normalise(query)
    rest, position = [], 0
    for start, end, _term in found:
        rest.append(text[position:start])
        position = end
    rest.append(text[position:])
    remainder = ARTICLE_OF_ACT.sub(" ", " ".join(rest))
    return list(dict.fromkeys(t for _s, _e, t in found)), " ".join(remainder.split())


# ASCII names of the character filters.
FILTER_NAMES = {
    "фз": "law",
    "указ": "decree",
    "постановление": "resolution",
    "распоряжение": "order",
}


def char_filters() -> dict:
    """The references as Elasticsearch ``pattern_replace`` character filters: each
    mention replaced by its term (Java regular expressions; a group that took no part
    in the match is replaced by nothing, so the number groups are put side by side)."""
    filters = {}
    for kind, pattern in KINDS:
        replacement = " " + kind + "".join(f"${i}" for i in range(1, pattern.groups + 1)) + " "
        filters[f"act_{FILTER_NAMES[kind]}"] = {
            "type": "pattern_replace",
            "pattern": pattern.pattern,
            "flags": "CASE_INSENSITIVE|UNICODE_CASE|UNICODE_CHARACTER_CLASS",
            "replacement": replacement,
        }
    return filters
