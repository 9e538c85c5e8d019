"""Russian personal names in letters: the parts of a full name, its gender, initials,
its grammatical cases and the greeting of an official letter (docs/letters.md).

The rules, in one place:

- A full name is written surname, first name, patronymic («Иванов Иван Иванович»); a
  name written first name first («Иван Иванович Иванов», «Иван Иванов») is recognised by
  its patronymic or by the dictionary. A Turkic patronymic is two words («Гасан оглы»,
  «Гасан кызы») or one hyphenated word («Гасан-оглы»). A double surname keeps its hyphen
  («Петров-Водкин», «Римская-Корсакова»).
- Gender: from the patronymic (-вич/-ич, оглы/улы/уулу: a man; -вна/-чна/-шна,
  кызы/гызы/кизи: a woman); without one, from the first name in the dictionary
  (pymorphy3: «Никита», «Илья» are men, «Мария» a woman; «Саша», «Женя» either); then from
  the surname («-ова», «-ская»: a woman; «-ов», «-ский»: a man); else unknown.
- Greeting: «Уважаемый Иван Иванович!» / «Уважаемая Мария Петровна!» with the first name
  and patronymic; without a patronymic «Уважаемый Иван!» / «Уважаемая Мария!»; when the
  gender cannot be told, the neutral «Здравствуйте, Саша!»; without a first name
  «Здравствуйте!». Never «Уважаемый(ая)» and never the surname in the greeting.
- Cases: petrovich declines each part by its gender (an unknown gender declines the
  surname only as far as both genders agree).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pymorphy3
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from petrovich.enums import Case as GrammaticalCase
from petrovich.enums import Gender as PetrovichGender
from petrovich.main import Petrovich

MALE = "male"
FEMALE = "female"
DETECT = object()  # inflect(): tell the gender from the name

# Grammatical cases by their usual Russian-grammar names.
NOMINATIVE = "nominative"
GENITIVE = "genitive"
DATIVE = "dative"
ACCUSATIVE = "accusative"
INSTRUMENTAL = "instrumental"
PREPOSITIONAL = "prepositional"

_CASES = {
    GENITIVE: GrammaticalCase.GENITIVE,
    DATIVE: GrammaticalCase.DATIVE,
    ACCUSATIVE: GrammaticalCase.ACCUSATIVE,
    INSTRUMENTAL: GrammaticalCase.INSTRUMENTAL,
    PREPOSITIONAL: GrammaticalCase.PREPOSITIONAL,
}

TURKIC_MALE = ("оглы", "улы", "уулу")
TURKIC_FEMALE = ("кызы", "гызы", "кизи")
_TURKIC = TURKIC_MALE + TURKIC_FEMALE
_MORPH_CASES = {
    GENITIVE: "gent",
    DATIVE: "datv",
    ACCUSATIVE: "accs",
    INSTRUMENTAL: "ablt",
    PREPOSITIONAL: "loct",
}

_MALE_PATRONYMIC = ("вич", "ич")
_FEMALE_PATRONYMIC = ("вна", "чна", "шна")
_FEMALE_SURNAME = ("ова", "ева", "ёва", "ина", "ына", "ская", "цкая")
_MALE_SURNAME = ("ов", "ев", "ёв", "ин", "ын", "ский", "цкий")
# Surnames that never change («Черных», «Долгих», «Шевченко», «Дурново»).
_FIXED_SURNAME = ("ых", "их", "ко", "во", "но", "аго", "яго")


@dataclass(frozen=True)
class FullName:
    """A person's name split into its parts (any part may be empty)."""

    last: str = ""
    first: str = ""
    patronymic: str = ""

    def __str__(self) -> str:
        return " ".join(p for p in (self.last, self.first, self.patronymic) if p)


@functools.cache
def _morph() -> pymorphy3.MorphAnalyzer:
    # Loading the dictionaries takes a fifth of a second: once per process, when the
    # first name is looked up.
    return pymorphy3.MorphAnalyzer()


@functools.cache
def _petrovich() -> Petrovich:
    return Petrovich()


def _is_patronymic(word: str) -> bool:
    low = word.lower()
    return low.endswith(_MALE_PATRONYMIC + _FEMALE_PATRONYMIC) or low.split("-")[-1] in _TURKIC


def _first_name_gender(word: str) -> str | None:
    """The gender the dictionary gives a first name: None for a name of either gender
    («Саша») or a word it does not know as a first name."""
    if not word:
        return None
    genders = {parse.tag.gender for parse in _name_parses(word)}
    if genders == {"masc"}:
        return MALE
    if genders == {"femn"}:
        return FEMALE
    return None


def _name_parses(word: str):
    """The dictionary's readings of `word` as a first name in the nominative singular."""
    return [
        parse
        for parse in _morph().parse(word)
        if "Name" in parse.tag and parse.tag.number == "sing" and parse.tag.case == "nomn"
    ]


def _is_first_name(word: str) -> bool:
    return bool(_name_parses(word))


def split(full_name: str) -> FullName:
    """The parts of a full name as people write it (see the module's rules)."""
    words = (full_name or "").split()
    if len(words) >= 3 and words[-1].lower() in _TURKIC:
        words = [*words[:-2], f"{words[-2]} {words[-1]}"]
    if not words:
        return FullName()
    if len(words) == 1:
        word = words[0]
        return FullName(first=word) if _is_first_name(word) else FullName(last=word)
    if len(words) == 2:
        one, two = words
        if _is_patronymic(two):
            return FullName(first=one, patronymic=two)
        if _is_first_name(one) and not _is_first_name(two):
            return FullName(first=one, last=two)
        return FullName(last=one, first=two)
    if _is_patronymic(words[1]) and not _is_patronymic(words[-1]):
        # «Иван Иванович Иванов»
        return FullName(first=words[0], patronymic=words[1], last=" ".join(words[2:]))
    return FullName(last=words[0], first=words[1], patronymic=" ".join(words[2:]))


def of_user(user) -> FullName:
    """The name of an account (intranet.accounts.User keeps the parts apart)."""
    return FullName(
        last=(user.last_name or "").strip(),
        first=(user.first_name or "").strip(),
        patronymic=(getattr(user, "patronymic", "") or "").strip(),
    )


def gender(name: FullName) -> str | None:
    """MALE, FEMALE or None when it cannot be told (see the module's rules)."""
    patronymic = name.patronymic.lower()
    if patronymic:
        last_word = patronymic.replace("-", " ").split()[-1]
        if last_word in TURKIC_MALE or patronymic.endswith(_MALE_PATRONYMIC):
            return MALE
        if last_word in TURKIC_FEMALE or patronymic.endswith(_FEMALE_PATRONYMIC):
            return FEMALE
    by_first = _first_name_gender(name.first)
    if by_first:
        return by_first
    surname = name.last.lower().split("-")[-1]
    if surname.endswith(_FEMALE_SURNAME):
        return FEMALE
    if surname.endswith(_MALE_SURNAME):
        return MALE
    return None


def _inflect_word(part: str, kind: str, case: str, sex: str | None) -> str:
    if not part or case == NOMINATIVE:
        return part
    if kind == "patronymic" and " " in part:
        # A Turkic patronymic: the father's name stays as it is, «оглы»/«кызы» too.
        return part
    if kind == "last" and part.lower().endswith(_FIXED_SURNAME):
        return part
    if sex is None:
        # Decline only what both genders decline alike (a surname in -ых, -енко stays).
        male = _inflect_word(part, kind, case, MALE)
        female = _inflect_word(part, kind, case, FEMALE)
        return male if male == female else part
    if kind == "first":
        # The dictionary knows first names better than petrovich's endings («Ольга» →
        # «Ольги», «Кузьма» → «Кузьмы»); a name it does not know goes to petrovich.
        gram = "masc" if sex == MALE else "femn"
        for parse in _name_parses(part):
            if parse.tag.gender in (gram, "ms-f"):
                form = parse.inflect({_MORPH_CASES[case]})
                if form is not None:
                    return _like(part, form.word)
    petrovich = _petrovich()
    genus = PetrovichGender.MALE if sex == MALE else PetrovichGender.FEMALE
    method = {"last": petrovich.lastname, "first": petrovich.firstname,
              "patronymic": petrovich.middlename}[kind]  # fmt: skip
    return method(part, _CASES[case], genus)


def _like(original: str, word: str) -> str:
    """`word` with the capital letters of `original` (the dictionary answers in lower
    case)."""
    return "-".join(
        piece.capitalize() if model[:1].isupper() else piece
        for model, piece in zip(original.split("-"), word.split("-"), strict=False)
    )


def inflect(name: FullName, case: str, sex: str | object | None = DETECT) -> FullName:
    """`name` in the grammatical `case` (NOMINATIVE, GENITIVE, DATIVE, …), of the gender
    `sex` (MALE, FEMALE, None for unknown; by default told from the name)."""
    if sex is DETECT:
        sex = gender(name)
    return FullName(
        last=_inflect_word(name.last, "last", case, sex),
        first=_inflect_word(name.first, "first", case, sex),
        patronymic=_inflect_word(name.patronymic, "patronymic", case, sex),
    )


def initials(name: FullName) -> str:
    """«И. И.» of the first name and patronymic (a Turkic patronymic gives one initial)."""
    return " ".join(f"{part[0].upper()}." for part in (name.first, name.patronymic) if part)


def initials_surname(name: FullName) -> str:
    """«И. И. Петров»: how a signatory is named under the signature."""
    return " ".join(p for p in (initials(name), name.last) if p)


def surname_initials(name: FullName, case: str = NOMINATIVE) -> str:
    """«Иванову И. И.»: the addressee of a letter, in `case` (the dative for a letter)."""
    declined = inflect(name, case)
    return " ".join(p for p in (declined.last, initials(name)) if p)


def greeting(name: FullName) -> str:
    """The greeting of an official letter (see the module's rules)."""
    if not name.first:
        return _("Hello!")
    addressed = " ".join(p for p in (name.first, name.patronymic) if p)
    sex = gender(name)
    if sex == MALE:
        return pgettext("greeting to a man", "Dear %(name)s!") % {"name": addressed}
    if sex == FEMALE:
        return pgettext("greeting to a woman", "Dear %(name)s!") % {"name": addressed}
    return _("Hello, %(name)s!") % {"name": addressed}
