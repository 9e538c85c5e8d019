"""Page addresses (slugs) in Latin letters: a Russian title becomes a short transliterated
slug, as the seeded pages have («Что такое конфликт интересов» → «chto-takoe-konflikt-
interesov»), instead of some 300 characters of percent-encoded Cyrillic.

The transliteration is the one the seeded pages use (kb/demo.py): щ → shch, х → h,
й → y, ц → ts, ж → zh, ч → ch, ш → sh, ю → yu, я → ya, ё → e, ы → y, э → e; ъ and ь are
dropped. Anything else that is not a Latin letter or digit becomes a hyphen; a slug
is at most MAX_LENGTH characters, cut at a hyphen.

Every page created or edited in the admin gets it (intranet.page_forms), and so do the
pages the code creates from a title (cases.consultations.gap_views)."""

from __future__ import annotations

import re

MAX_LENGTH = 80
FALLBACK = "page"

LETTERS = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "h",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
}
NOT_SLUG = re.compile(r"[^a-z0-9]+")


def transliterate(text: str) -> str:
    """Russian letters of `text` in Latin ones (lower case); other characters kept."""
    return "".join(LETTERS.get(char, char) for char in (text or "").lower())


def slug_from(text: str, max_length: int = MAX_LENGTH) -> str:
    """A Latin slug for a title or a Cyrillic slug: «Типовой ответ: срок» → «tipovoy-
    otvet-srok». Never empty (FALLBACK when nothing is left)."""
    slug = NOT_SLUG.sub("-", transliterate(text)).strip("-")
    if len(slug) > max_length:
        cut = slug[:max_length]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut
    return slug.strip("-") or FALLBACK


def free_slug(slug: str, siblings) -> str:
    """`slug`, or `slug-2`, `slug-3`, … : the first that no page of `siblings` (a page
    queryset) has."""
    taken = set(siblings.filter(slug__startswith=slug).values_list("slug", flat=True))
    if slug not in taken:
        return slug
    number = 2
    while f"{slug}-{number}" in taken:
        number += 1
    return f"{slug}-{number}"
