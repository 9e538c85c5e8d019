"""The staff directory's search: what is stored for a person and how a query meets it.

Where the matching runs: in the database, on two normalised columns of `StaffProfile`
that its `save()` fills (and `intranet.signals` refreshes when a name or a unit changes):
`search_text`, the person's words, and `phone_digits`, their phone numbers as digits. A
search is two or three queries whatever the size of the staff; no profile is read into
Python to be compared. The comparisons are `contains` (LIKE '%…%'), which no B-tree index
serves, so each is one pass over the profiles table: a body's directory holds a few
thousand people (the benchmark generates 2,000), a table small enough for that. Should it
grow by orders of magnitude, a trigram index on PostgreSQL would serve the same filter.

The same normalisation (lower case, «ё» read as «е», Snowball stems) as the knowledge-base
search: `search.stemming`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from search.stemming import stem, words

# A phone number as people write it: digits, spaces, «+», brackets, hyphens, dots.
PHONE_RE = re.compile(r"[\d\s()+\-.]+")
# Fewer digits than this are a room or a number in a name, not a piece of a phone number.
MIN_PHONE_DIGITS = 4


def directory_text(*parts: str) -> str:
    """The words of `parts` (name, user name, position, room, unit) as the column
    `search_text` keeps them: lower case, «ё» read as «е», punctuation dropped, each word
    after a space and the last one followed by a space, so that «a word begins with …»
    is the plain substring « …»."""
    tokens = list(dict.fromkeys(words(" ".join(part for part in parts if part))))
    return f" {' '.join(tokens)} " if tokens else ""


def _canonical_number(digits: str) -> str:
    """A Russian number of ten digits, or of eleven after «8» or «7», as «7» and the ten
    digits (so «8 812 …» and «+7 812 …» are the same number); other numbers unchanged."""
    if len(digits) == 11 and digits[0] in "78":
        return "7" + digits[1:]
    if len(digits) == 10:
        return "7" + digits
    return digits


def phone_digits(phone: str) -> str:
    """The digits of each number in a phone field, separated by spaces, in the form
    `_canonical_number` gives: «+7 (812) 576-44-01» → «78125764401». Anything but
    digits and the signs of `PHONE_RE` separates two numbers: «576-44-01, 576-44-02»,
    «+7 (812) 576-44-01 доб. 123» (the extension is a number of its own)."""
    numbers = (re.sub(r"\D", "", number) for number in PHONE_RE.findall(phone or ""))
    return " ".join(_canonical_number(digits) for digits in numbers if digits)


@dataclass(frozen=True)
class Term:
    """One thing a query asks for: a normalised word, or the digits of a phone number
    (`phone` set; `word` is then the same digits, which a room may also hold)."""

    word: str
    phone: str = ""


def _phone_term(text: str) -> Term | None:
    if not PHONE_RE.fullmatch(text):
        return None
    digits = re.sub(r"\D", "", text)
    if len(digits) < MIN_PHONE_DIGITS:
        return None
    canonical = "7" + digits[1:] if len(digits) == 11 and digits[0] == "8" else digits
    return Term(word=digits, phone=canonical)


def query_terms(query: str) -> list[Term]:
    """The terms of a query. A query that is all a phone number, in any notation
    («+7 (812) 576-44-01», «576 44 01»), is one term; otherwise each space-separated piece
    that is a phone fragment of at least four digits is one, and the other pieces give a
    term per word."""
    query = (query or "").strip()
    whole = _phone_term(query)
    if whole is not None:
        return [whole]
    terms: list[Term] = []
    for piece in query.split():
        term = _phone_term(piece)
        terms += [term] if term is not None else [Term(word) for word in words(piece)]
    return list(dict.fromkeys(terms))


def _condition(term: Term, *, stems: bool) -> Q:
    condition = Q(search_text__contains=term.word)
    if term.phone:
        condition |= Q(phone_digits__contains=term.phone)
    elif stems:
        condition |= Q(search_text__contains=" " + stem(term.word))
    return condition


def search(profiles: QuerySet, query: str) -> QuerySet:
    """The profiles among `profiles` that `query` finds: the directory's matching rule.

    Every term of the query (`query_terms`) must be met. A word is met by a profile whose
    name, user name, position, room or unit contains it, case and «ё»/«е» aside
    («федорова» finds «Фёдорова», «кузн» finds «Кузнецов»). A phone term is met by a
    number that contains its digits, whatever the notation on either side («5764401»,
    «576-44-01» and «+7 (812) 576-44-01» find «+7 (812) 576-44-01»), or by a room or a
    word holding those digits.

    When no profile meets every word as typed, the words are read by their Snowball
    stems, and a stem is also met by a word of the profile that begins with it: the
    declined «Кузнецову», «Кузнецовой» and «Ивановым» (stems «кузнецов», «иванов») find
    «Кузнецов», «Кузнецова» and «Иванов». Stems only come second because the stem of a
    nominative surname is often a first name («Иванов» → «иван», «Петров» → «петр»):
    a query that finds the people it names shows only them, not every Иван."""
    terms = query_terms(query)
    if not terms:
        return profiles
    exact = profiles.filter(*(_condition(term, stems=False) for term in terms))
    if exact.exists():
        return exact
    return profiles.filter(*(_condition(term, stems=True) for term in terms))
