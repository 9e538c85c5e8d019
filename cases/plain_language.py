"""Plain language for answers (seed 001: answers in plain, accessible language; refusal
grounds that need no reading of legal acts).

- ``check(text)`` returns warnings for the executor: very long sentences, bureaucratic
  phrases (with a plainer alternative) and references to legal acts that the sentence
  does not explain. Warnings never block: the executor decides.
- ``strip_legal_references(text)`` removes references such as «ст. 12 59-ФЗ»,
  «Федеральный закон от 02.05.2006 № 59-ФЗ «О порядке …»», «п. 3 ч. 1»;
  ``explanatory_words(text)`` counts the words that remain and say something. A refusal
  whose grounds have too few of them is refused (``cases.services``).

Sentences and words are split with `razdel` (Russian-aware: «т. е.», «ст. 12», «г.»
do not end a sentence)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from razdel import sentenize, tokenize

# --- references to legal acts ---------------------------------------------------------

_NUM = r"\d+(?:[.\-–]\d+)*"
_NUM_LIST = rf"{_NUM}(?:\s*(?:,|и|-|–)\s*{_NUM})*"
_UNIT = (
    r"(?:ст\.|стать(?:я|и|е|ей|ю|ям|ях|ёй)|ч\.|част(?:ь|и|ью|ям|ях)|пп?\.|подп\.|"
    r"(?:под)?пункт(?:а|ом|у|ы|ах|ами|ов)?|абз\.|абзац(?:а|е|ем|ы)?|гл\.|глав(?:а|ы|е|ой)|"
    r"разд\.|раздел(?:а|е|ом)?)"
)
_DATE = r"(?:от\s+(?:\d{1,2}\.\d{1,2}\.\d{2,4}|\d{1,2}\s+[а-яё]+\s+\d{4})\s*(?:г(?:\.|ода)?)?)"
_ACT_WORD = (
    r"(?:федеральн\w*\s+)?(?:конституционн\w*\s+)?(?:закон\w*|указ\w*|постановлени\w*|"
    r"приказ\w*|распоряжени\w*|положени\w*|кодекс\w*)"
)
_TITLE = r"«[^»]{0,300}»|\"[^\"]{0,300}\""
LEGAL_REFERENCE = re.compile(
    "|".join(
        [
            # «Федеральный закон от 02.05.2006 № 59-ФЗ «О порядке …»», «Указ Президента РФ …»
            rf"{_ACT_WORD}(?:\s+(?:президента|правительства|министерства|губернатора|"
            rf"российской\s+федерации|рф|[а-яё]+\s+области|санкт-петербурга)\b)*"
            rf"\s*(?:{_DATE})?\s*(?:№|N(?=\s*\d))\s*[\w\-/]+(?:\s*(?:{_TITLE}))?",
            # «ст. 11, 12», «п. 3 ч. 1», «статьёй 12»
            rf"(?:{_UNIT})\s*{_NUM_LIST}",
            # «59-ФЗ», «№ 273-ФЗ», «ФЗ-59»
            r"(?:№\s*)?\d+\s*-\s*(?:ФЗ|ФКЗ|КЗ|ОЗ|РЗ|рп|п|у)\b|ФЗ\s*-\s*\d+",
            # Codes: «ГК РФ», «КоАП РФ», «ТК РФ»
            r"\b(?:ГК|ГПК|АПК|КоАП|ТК|УК|УПК|НК|ЖК|БК|КАС)\b\s*(?:РФ\b|Российской\s+Федерации)?",
            # dates and numbers of acts left alone
            rf"{_DATE}\s*(?:№|N(?=\s*\d))\s*[\w\-/]+",
            r"№\s*[\w\-/]+",
            # the titles of acts: «О порядке рассмотрения …», «О противодействии коррупции»
            r"«(?:О|Об|Кодекс|Положени)[^»]{0,300}»",
        ]
    ),
    re.IGNORECASE,
)

# Words that only point at the law: they explain nothing to the client.
LEGAL_VOCABULARY = re.compile(
    r"^(?:соответстви\w*|согласно|основани\w*|руководству\w*|предусмотр\w*|установлен\w*|"
    r"определ[её]н\w*|закреплен\w*|указанн\w*|вышеуказанн\w*|вышеизложенн\w*|"
    r"законодательств\w*|закон\w*|федеральн\w*|норм\w*|нормативн\w*|правов\w*|акт\w*|"
    r"положени\w*|требовани\w*|кодекс\w*|стат(?:ья|ьи|ье|ьей|ью)|стать\w*|пункт\w*|"
    r"част\w*|подпункт\w*|абзац\w*|российск\w*|федераци\w*|действующ\w*|"
    r"отказ\w*|отказать|отказано|отказывает\w*|рассмотрени\w*|порядк\w*|обращени\w*|"
    r"граждан\w*|президент\w*|правительств\w*|указ\w*|постановлени\w*|приказ\w*|"
    r"распоряжени\w*|редакци\w*|года|г|изм\w*|доп\w*)$",
    re.IGNORECASE,
)
STOPWORDS = frozenset(
    [
        "а",
        "без",
        "более",
        "бы",
        "был",
        "была",
        "были",
        "было",
        "в",
        "вам",
        "вас",
        "ваш",
        "ваша",
        "ваше",
        "ваши",
        "во",
        "вот",
        "все",
        "всё",
        "вы",
        "где",
        "да",
        "для",
        "до",
        "его",
        "ее",
        "её",
        "если",
        "есть",
        "еще",
        "ещё",
        "же",
        "за",
        "и",
        "из",
        "или",
        "им",
        "их",
        "к",
        "как",
        "ко",
        "когда",
        "кто",
        "ли",
        "либо",
        "мы",
        "на",
        "над",
        "не",
        "него",
        "нет",
        "ни",
        "но",
        "о",
        "об",
        "обо",
        "от",
        "по",
        "под",
        "при",
        "с",
        "со",
        "так",
        "также",
        "то",
        "того",
        "тоже",
        "только",
        "том",
        "у",
        "уже",
        "чем",
        "что",
        "чтобы",
        "это",
        "эта",
        "эти",
        "этот",
        "я",
        "данн",
        "данный",
        "данная",
        "данного",
        "этого",
        "этой",
        "этом",
        "им",
        "ими",
        "ему",
        "ей",
        "ним",
        "ней",
        "нам",
        "нас",
        "наш",
        "наша",
        "наше",
        "наши",
        "оно",
        "они",
        "она",
        "он",
    ]
)

_WORD = re.compile(r"^[А-Яа-яЁёA-Za-z][А-Яа-яЁёA-Za-z\-]*$")


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", strip_tags(text or "").replace("&nbsp;", " ")).strip()


def strip_legal_references(text: str) -> str:
    """`text` without references to legal acts (numbers, articles, titles of acts)."""
    return re.sub(r"\s+", " ", LEGAL_REFERENCE.sub(" ", _plain(text))).strip()


def words(text: str) -> list[str]:
    return [t.text for t in tokenize(text) if _WORD.match(t.text)]


def explanatory_words(text: str) -> list[str]:
    """The words of `text` that explain something once references to acts, the words
    that only point at the law, and short function words are taken out."""
    return [
        w
        for w in words(strip_legal_references(text))
        if len(w) > 2 and w.lower() not in STOPWORDS and not LEGAL_VOCABULARY.match(w)
    ]


def min_explanatory_words() -> int:
    return int(getattr(settings, "CASES_GROUNDS_MIN_WORDS", 4))


def grounds_are_explained(text: str) -> bool:
    """True when the grounds say something in the client's words, not only «ст. …»."""
    return len(explanatory_words(text)) >= min_explanatory_words()


def has_legal_reference(text: str) -> bool:
    return bool(LEGAL_REFERENCE.search(_plain(text)))


# --- the assistant -----------------------------------------------------------------------

# (pattern, plainer alternative). Russian patterns: these check Russian text.
BUREAUCRATIC = [
    (r"в соответствии с вышеизложенным|на основании вышеизложенного|"
     r"учитывая вышеизложенное|с учетом вышеизложенного|с учётом вышеизложенного",
     "поэтому"),
    (r"в целях", "чтобы, для"),
    (r"осуществля\w+", "делать, проводить (назовите действие прямо)"),
    (r"производит(?:ся|ь)|производятся", "делать (назовите действие прямо)"),
    (r"рассмотрени\w+ вопрос\w* о", "решить, рассмотреть"),
    (r"\bданн(?:ый|ая|ое|ые|ого|ой|ому|ым|ом|ых|ыми)\b", "этот"),
    (r"вышеуказанн\w+|вышеназванн\w+|нижеследующ\w+", "этот, следующий"),
    (r"в случае если|в случае,? когда", "если"),
    (r"в связи с тем,? что", "потому что"),
    (r"доводим до (?:вашего )?сведения|сообщаем следующее", "сообщаем"),
    (r"имеет место", "есть, бывает"),
    (r"в рамках", "при, во время"),
    (r"в части\b", "о, по поводу"),
    (r"является", "— (часто можно убрать)"),
    (r"не представляется возможным", "не можем"),
    (r"по результатам рассмотрения", "мы рассмотрели и"),
    (r"надлежащ\w+ образом", "правильно"),
]  # fmt: skip
_BUREAUCRATIC = [(re.compile(p, re.IGNORECASE), alt) for p, alt in BUREAUCRATIC]


def max_sentence_words() -> int:
    return int(getattr(settings, "CASES_PLAIN_MAX_SENTENCE_WORDS", 25))


@dataclass
class Warning:
    kind: str  # long_sentence | jargon | legal_reference
    message: str
    fragment: str
    sentence: int  # 1-based number of the sentence

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "message": self.message,
            "fragment": self.fragment,
            "sentence": self.sentence,
        }


def sentences(text: str) -> list[str]:
    plain = _plain(re.sub(r"</(?:p|li|h\d|div)>|<br\s*/?>", "\n", text or ""))
    return [s.text for s in sentenize(plain) if s.text.strip()]


def check(text: str) -> list[Warning]:
    """Warnings for an answer text (HTML or plain)."""
    result: list[Warning] = []
    limit = max_sentence_words()
    for number, sentence in enumerate(sentences(text), start=1):
        count = len(words(sentence))
        if count > limit:
            result.append(
                Warning(
                    "long_sentence",
                    _("Sentence %(n)d has %(count)d words: split it (at most %(limit)d).")
                    % {"n": number, "count": count, "limit": limit},
                    sentence[:80],
                    number,
                )
            )
        for pattern, alternative in _BUREAUCRATIC:
            for match in pattern.finditer(sentence):
                result.append(
                    Warning(
                        "jargon",
                        _("«%(phrase)s» is bureaucratic; try: %(plain)s.")
                        % {"phrase": match.group(0), "plain": alternative},
                        match.group(0),
                        number,
                    )
                )
        if has_legal_reference(sentence) and not grounds_are_explained(sentence):
            reference = LEGAL_REFERENCE.search(sentence)
            result.append(
                Warning(
                    "legal_reference",
                    _(
                        "Sentence %(n)d refers to a legal act without explaining it: say in "
                        "plain words what the rule means for the client."
                    )
                    % {"n": number},
                    reference.group(0) if reference else sentence[:80],
                    number,
                )
            )
    return result
