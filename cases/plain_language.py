"""Plain language for answers (seed 001: answers in plain, accessible language; refusal
grounds that need no reading of legal acts).

- ``check(text)`` returns warnings for the executor: very long sentences, bureaucratic
  phrases (with a plainer alternative) and references to legal acts that the sentence
  does not explain. Warnings never block: the executor decides.
- ``strip_legal_references(text)`` removes references such as «ст. 12 59-ФЗ»,
  «Федеральный закон от 02.05.2006 № 59-ФЗ «О порядке …»», «п. 3 ч. 1»;
  ``explanatory_words(text)`` counts the words that remain and say something.
- ``grounds_problem(text)`` / ``grounds_error(text)``: refusal grounds that give no
  reason in the client's words are refused (``cases.services.validate_answer``), with a
  message for what was written: only references, only titles of acts (also unquoted and
  abbreviated, ``strip_act_titles``), too short, or words without a reason. The reading
  taken is in ``grounds_problem``'s docstring. ``check`` runs on the grounds too.

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
            # «пп. «б»», «подпункт "а"», «п. в)»
            rf"(?:{_UNIT})\s*(?:«[а-яё]»|\"[а-яё]\"|[а-яё]\))",
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
    r"распоряжени\w*|редакци\w*|года|г|изм\w*|доп\w*|утв|утвержд\w*|утвержден\w*|"
    r"пп|рф|минтруд\w*|минфин\w*|минюст\w*|минздрав\w*|минцифры|минэкономразвити\w*|"
    r"минпросвещени\w*|минобрнауки|россии)$",
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


# --- refusal grounds -----------------------------------------------------------------

# Titles of acts written out without quotes and often without a number: «Положению о
# порядке сообщения о получении подарка», «Методическим рекомендациям Минтруда», «Указом
# Президента РФ», «Правилам …», «Регламенту …». A title is the kind of act, the issuer's
# words, then «о/об …» up to the next punctuation mark or the first word that reads as a
# verb or a short participle («Положение о подарках разрешает …» keeps «разрешает …»).
_ACT_KIND = (
    r"(?:положени(?:е|я|ю|ем|и|й|ям|ями|ях)|порядо?к(?:а|у|ом|е|и)?|правил(?:а|ам|ами|ах)?|"
    r"регламент(?:а|у|ом|е|ы|ов|ам)?|инструкци(?:я|и|ю|ей|й|ям)|перечень|"
    r"перечн(?:я|ю|ем|е|и|ей)|указ(?:а|у|ом|е|ы|ов|ам|ами|ах)?|постановлени\w*|"
    r"приказ(?:а|у|ом|е|ы|ов|ам|ами|ах)?|распоряжени\w*|закон(?:а|у|ом|е|ы|ов|ам|ами|ах)?|"
    r"кодекс(?:а|у|ом|е|ы|ов)?|методическ\w*\s+рекомендаци\w*)\b"
)
_ISSUER = (
    r"(?:президента|правительства|губернатора|министерства|минтруда|минфина|минюста|"
    r"россии|рф|российской\s+федерации|[а-яё]+\s+области|ленинградской|"
    r"санкт-петербурга)"
)
_VERB_LIKE = re.compile(
    r"(?:ет|ит|ут|ют|ат|ят|ется|ится|ются|ятся|утся|атся|ал|ял|ил|ел|ла|ло|ли|лся|лась|"
    r"но|ны|ть|ться)$",
    re.IGNORECASE,
)
# Words no title has: the letter's own voice («мы не можем», «вам», «потому что»).
_NOT_IN_TITLES = frozenset(
    ["мы", "вы", "вам", "вас", "ваш", "ваша", "ваше", "ваши", "вашего", "вашей", "нам",
     "нас", "не", "нет", "но", "а", "если", "потому", "поэтому", "что", "чтобы", "когда",
     "так", "как", "можно", "нельзя", "нужно", "надо"]
)  # fmt: skip
_TITLE_HEAD = re.compile(
    rf"\b{_ACT_KIND}(?:\s+{_ISSUER}\b)*",
    re.IGNORECASE,
)


_TITLE_WORD = re.compile(r"\s+([^\s,.;:()!?«»\"]+)")


def strip_act_titles(text: str) -> tuple[str, int]:
    """`text` without titles of acts, and how many titles were taken out."""
    result, count, position = [], 0, 0
    for head in _TITLE_HEAD.finditer(text):
        if head.start() < position:
            continue
        result.append(text[position : head.start()])
        end = head.end()
        while word := _TITLE_WORD.match(text, end):
            if _VERB_LIKE.search(word.group(1)) or word.group(1).lower() in _NOT_IN_TITLES:
                break
            end = word.end()
        result.append(" ")
        count += 1
        position = end
    result.append(text[position:])
    return re.sub(r"\s+", " ", "".join(result)).strip(), count


# Words that say a request was looked at and refused but not why.
EMPTY_OF_REASON = re.compile(
    r"^(?:рассмотр\w*|внимательн\w*|всесторонн\w*|объективн\w*|тщательн\w*|"
    r"подробн\w*|полн\w*|удовлетвор\w*|оснований|основания|возможн\w*|невозможн\w*|"
    r"приня\w*|решени\w*|отсутств\w*|имеется|имеются|име\w*|усматрива\w*|усмотр\w*|"
    r"поступивш\w*|заявлени\w*|запрос\w*|просьб\w*|сообща\w*|информир\w*|уведомля\w*|"
    r"результат\w*|итог\w*|изучен\w*|изучив|рассмотрев|ваш\w*|данн\w*|настоящ\w*|"
    r"связи|случае|вопрос\w*|представля\w*|представил\w*|представленн\w*|является|являются|"
    r"удовлетворени\w*|доводы|довод\w*|обстоятельств\w*|материал\w*|также|вместе|"
    r"тем|сожалению|уважаем\w*|сообщаем|принято|получен\w*|было|будет)$",
    re.IGNORECASE,
)

GROUNDS_TOO_SHORT = "too_short"
GROUNDS_REFERENCES = "references"
GROUNDS_ACT_TITLES = "act_titles"
GROUNDS_NO_REASON = "no_reason"


def reason_words(text: str) -> list[str]:
    """The words of refusal grounds that can carry a reason: `explanatory_words` once
    titles of acts and the formulas of a refusal («рассмотрено внимательно …,
    оснований для удовлетворения нет») are also taken out."""
    without_titles, _count = strip_act_titles(strip_legal_references(text))
    return [w for w in explanatory_words(without_titles) if not EMPTY_OF_REASON.match(w)]


def _explained_without_titles(text: str) -> bool:
    rest, _count = strip_act_titles(strip_legal_references(text))
    return len(explanatory_words(rest)) >= min_explanatory_words()


def grounds_problem(text: str) -> str | None:
    """Why refusal grounds do not explain the refusal to the client, or None.

    Seed 001: the grounds of a refusal «must be set out in a clear and accessible form
    that does not require the client to consult any legal act to understand them». The
    reading taken: the grounds must contain a reason in the client's words (at least
    ``CASES_GROUNDS_MIN_WORDS`` words that are not references, titles of acts, words that
    only point at the law, or the formulas that say a request was refused without saying
    why). Numbers, articles and titles of acts may stay (e.g. in brackets): they help a
    reader who wants the source, but they are not the reason. A title, even unquoted and
    abbreviated («Положению о порядке сообщения о получении подарка, утв. ПП РФ № 10»),
    names the rule without saying what it says, so its words do not count.

    The kinds, checked in this order so that the message fits what was written:
    ``act_titles`` (titles of acts were the only content), ``references`` (numbers and
    articles were), ``too_short`` (fewer words than the minimum, e.g. «Отказано.»),
    ``no_reason`` (words enough, but none says why)."""
    plain = _plain(text)
    if len(reason_words(plain)) >= min_explanatory_words():
        return None
    _rest, titles = strip_act_titles(strip_legal_references(plain))
    if titles:
        return GROUNDS_ACT_TITLES
    if has_legal_reference(plain):
        return GROUNDS_REFERENCES
    if len(words(plain)) < min_explanatory_words():
        return GROUNDS_TOO_SHORT
    return GROUNDS_NO_REASON


def grounds_message(problem: str) -> str:
    """The executor's message for a kind of `grounds_problem`."""
    messages = {
        GROUNDS_ACT_TITLES: _(
            "The grounds only name legal acts: a title says which rule applies, not what it "
            "says. Explain in plain words why the request is refused; the titles may stay "
            "in brackets."
        ),
        GROUNDS_REFERENCES: _(
            "The grounds are only references to legal acts. Explain in plain words why the "
            "request is refused, so that the client understands it without reading the "
            "acts; the references may stay in brackets."
        ),
        GROUNDS_TOO_SHORT: _(
            "The grounds are too short to explain anything: write why the request is "
            "refused, in a sentence the client understands."
        ),
        GROUNDS_NO_REASON: _(
            "The grounds say that the request was considered and refused but not why. "
            "Name the reason: what is missing, what the rule does not allow, or what the "
            "client can do instead."
        ),
    }
    return messages[problem]


def grounds_error(text: str) -> str | None:
    """The message refusing `text` as refusal grounds, or None when they explain it."""
    problem = grounds_problem(text)
    return grounds_message(problem) if problem else None


# --- the assistant -----------------------------------------------------------------------

# «данный» as a pointer («данный вопрос», «в данном случае») is bureaucratese; «данные»
# (data) is an everyday noun: «персональные данные», «данные о доходах», «ваши данные
# были переданы». The singular forms are only the pointer, so they are always flagged; the
# plural forms (данные, данных, данным, данными) are read as the pointer only when the next
# word is a noun that bureaucratic letters put after it («данные сведения», «данных
# обстоятельств»). Without a morphological analyser this is the reading that gives no
# false warning on the noun, at the cost of missing rarer pointers («данные выплаты»).
_POINTED = (
    r"сведени|документ|обстоятельств|вопрос|материал|требовани|обращени|заявлени|факт|"
    r"лиц|нарушени|действи|случа|мер|услови|положени|норм|изменени|нарушени|категори|"
    r"выплат|расход|подарк|справк|граждан|служащ|работник|сотрудник|организаци|орган"
)
DANNYJ = (
    r"\bданн(?:ый|ая|ое|ого|ой|ому|ом|ую)\b|"
    rf"\bданн(?:ые|ых|ым|ыми)\b(?=\s+(?:{_POINTED})[а-яё]*\b)"
)

# (pattern, plainer alternative). Russian patterns: these check Russian text.
BUREAUCRATIC = [
    (r"в соответствии с вышеизложенным|на основании вышеизложенного|"
     r"учитывая вышеизложенное|с учетом вышеизложенного|с учётом вышеизложенного",
     "поэтому"),
    (r"в целях", "чтобы, для"),
    (r"осуществля\w+", "делать, проводить (назовите действие прямо)"),
    (r"производит(?:ся|ь)|производятся", "делать (назовите действие прямо)"),
    (r"рассмотрени\w+ вопрос\w* о", "решить, рассмотреть"),
    (DANNYJ, "этот"),
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
    result: list[str] = []
    for part in (s.text for s in sentenize(plain) if s.text.strip()):
        # razdel ends a sentence after abbreviations of references («утв. ПП РФ № 10»,
        # «ред. от …») and inside brackets: these continue the sentence before them.
        if result and (
            _CONTINUED.search(result[-1]) or result[-1].count("(") > result[-1].count(")")
        ):
            result[-1] = f"{result[-1]} {part}"
        else:
            result.append(part)
    return result


_CONTINUED = re.compile(
    r"(?:^|[\s(,])(?:утв|ред|изм|доп|пп|п|ст|ч|подп|абз|гл|разд|им|прил|м\.\s*р)\.$",
    re.IGNORECASE,
)


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
        if has_legal_reference(sentence) and not _explained_without_titles(sentence):
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
