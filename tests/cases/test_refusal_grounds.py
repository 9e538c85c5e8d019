"""Refusal grounds a client understands without reading acts (seed 001), on real Russian
sentences: each is accepted, accepted with warnings, or refused with the message that
fits what was written; the refused side through the service, the page and the API."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from cases import plain_language, services
from cases.models import Answer, AnswerKind

# The executor's messages, in Russian as the executor reads them.
TOO_SHORT = "Основания слишком короткие"
REFERENCES = "В основаниях только ссылки на правовые акты"
ACT_TITLES = "В основаниях только названия правовых актов"
NO_REASON = "но не сказано почему"

ACCEPTED = "accepted"  # no message, no warning
WARNED = "warned"  # accepted, with the warnings named
REFUSED = "refused"  # refused with the message named

SEED_TITLES = (
    "Согласно пп. «б» п. 2 Указа № 460, Положению о порядке сообщения о получении подарка, "
    "утв. ПП РФ № 10, Методическим рекомендациям Минтруда"
)
SEED_NO_REASON = "рассмотрено внимательно и всесторонне, оснований для удовлетворения нет"
POINTER = "В данном случае справку нужно подать заново, потому что в ней нет подписи."
BRACKETED = (
    "Подарок стоимостью до 3 000 рублей можно оставить себе (п. 7 Положения, утв. ПП РФ № 10)."
)

GROUNDS = [
    # plain
    ("Мы не можем выдать копию справки о доходах другого служащего: эти сведения касаются "
     "только его самого.", ACCEPTED, None),
    (BRACKETED, ACCEPTED, None),
    ("Справку за 2025 год уже приняли 20 апреля, поэтому второй экземпляр подавать не нужно.",
     ACCEPTED, None),
    ("Комиссия не может рассмотреть уведомление без подписи: подпишите его и пришлите снова.",
     ACCEPTED, None),
    ("Персональные данные других служащих мы не передаём: на это нужно их письменное "
     "согласие.", ACCEPTED, None),
    ("Данные о доходах супруги вносят в отдельную справку, поэтому исправить вашу справку мы "
     "не можем.", ACCEPTED, None),
    ("Положение о подарках разрешает оставить себе подарок дешевле 3 000 рублей.",
     ACCEPTED, None),
    ("Вопрос уже подробно разобран в нашем ответе от 12.02.2026; новых доводов в обращении "
     "нет (ч. 5 ст. 11 59-ФЗ).", ACCEPTED, None),
    # verbs and adverbs that start like names of acts («указать», «правильно») are not titles
    ("Нужно указать доход от вклада в разделе 4, поэтому справку надо исправить.",
     ACCEPTED, None),
    ("Правильно заполненная справка нужна до 30 апреля, а ваша пришла без подписи.",
     ACCEPTED, None),
    # references only
    ("Отказать на основании ст. 12 59-ФЗ.", REFUSED, REFERENCES),
    ("В соответствии с п. 5 ч. 1 ст. 11 Федерального закона от 02.05.2006 № 59-ФЗ "
     "«О порядке рассмотрения обращений граждан Российской Федерации».", REFUSED, REFERENCES),
    ("Руководствуясь пунктом 3 части 1 статьи 11 Федерального закона № 59-ФЗ, в рассмотрении "
     "отказано.", REFUSED, REFERENCES),
    # act titles only, unquoted and abbreviated
    (SEED_TITLES, REFUSED, ACT_TITLES),
    ("На основании Положения о комиссии по соблюдению требований к служебному поведению и "
     "Указа Президента РФ.", REFUSED, ACT_TITLES),
    ("Согласно Методическим рекомендациям Минтруда России по вопросам представления сведений "
     "о доходах.", REFUSED, ACT_TITLES),
    ("Руководствуясь Порядком взаимодействия с внутренним клиентом, утв. приказом "
     "Администрации Губернатора и Правительства Ленинградской области.", REFUSED, ACT_TITLES),
    # too short
    ("Отказано.", REFUSED, TOO_SHORT),
    ("В удовлетворении отказать.", REFUSED, TOO_SHORT),
    ("Оснований нет.", REFUSED, TOO_SHORT),
    # words enough, no reason
    (SEED_NO_REASON, REFUSED, NO_REASON),
    ("По результатам рассмотрения вашего обращения принято решение об отказе в "
     "удовлетворении заявления.", REFUSED, NO_REASON),
    ("Изучив представленные материалы, комиссия не усмотрела оснований для удовлетворения "
     "вашей просьбы.", REFUSED, NO_REASON),
    # jargon
    (POINTER, WARNED, {"jargon"}),
    ("Данные сведения относятся к личной жизни служащего, поэтому передать их вам мы не "
     "можем.", WARNED, {"jargon"}),
    ("Выплатить компенсацию не представляется возможным, так как подарок уже передан на "
     "баланс органа.", WARNED, {"jargon"}),
    ("В связи с тем, что справка подана после 30 апреля, мы считаем её поданной с "
     "опозданием.", WARNED, {"jargon"}),
    # long
    ("Мы не можем принять справку, потому что в ней не указаны доходы супруги за 2025 год, "
     "а без них комиссия не сможет проверить сведения, поэтому заполните раздел 1 заново и "
     "пришлите справку ещё раз до конца месяца.", WARNED, {"long_sentence"}),
]  # fmt: skip
REFUSED_GROUNDS = [(text, message) for text, outcome, message in GROUNDS if outcome == REFUSED]
ACCEPTED_GROUNDS = [text for text, outcome, _ in GROUNDS if outcome != REFUSED]


def _ids(table):
    return [row[0][:40] for row in table]


@pytest.mark.parametrize(("text", "outcome", "expected"), GROUNDS, ids=_ids(GROUNDS))
def test_grounds_outcome(text, outcome, expected):
    with translation.override("ru"):
        error = plain_language.grounds_error(text)
        kinds = {w.kind for w in plain_language.check(text)}
    if outcome == REFUSED:
        assert error is not None and expected in error
        others = {TOO_SHORT, REFERENCES, ACT_TITLES, NO_REASON} - {expected}
        assert not [other for other in others if other in error]
    else:
        assert error is None
        assert kinds == (expected or set())


def test_each_kind_of_failure_has_its_own_message():
    with translation.override("ru"):
        messages = {
            plain_language.grounds_message(kind)
            for kind in (plain_language.GROUNDS_TOO_SHORT, plain_language.GROUNDS_REFERENCES,
                         plain_language.GROUNDS_ACT_TITLES, plain_language.GROUNDS_NO_REASON)
        }  # fmt: skip
    assert len(messages) == 4 and all(not m.isascii() for m in messages)


def test_data_as_a_noun_is_not_jargon_but_the_pointer_is():
    fragments = [
        w.fragment
        for w in plain_language.check(
            "Ваши персональные данные мы не передаём. Данные о доходах закрыты. "
            "По данным комиссии, справку подали вовремя. Данные обстоятельства не меняют дела."
        )
        if w.kind == "jargon"
    ]
    assert fragments == ["Данные"]


def test_a_bracketed_reference_after_a_plain_sentence_is_one_sentence_without_warnings():
    assert plain_language.sentences(BRACKETED) == [BRACKETED]
    assert plain_language.check(BRACKETED) == []


# --- the service that registers a refusal, the page and the API -----------------------


@pytest.fixture
def assigned(make_case):
    return make_case(state="assigned")


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "message"), REFUSED_GROUNDS, ids=_ids(REFUSED_GROUNDS))
def test_service_refuses_to_send_a_refusal_on_such_grounds(assigned, org, text, message):
    services.save_answer(assigned, org.executor, kind=AnswerKind.REFUSAL, grounds=text)
    with translation.override("ru"), pytest.raises(ValidationError) as refused:
        services.submit_answer(assigned, org.executor)
    assert message in " ".join(refused.value.message_dict["grounds"])
    with translation.override("ru"), pytest.raises(ValidationError) as refused:
        services.register_answer(assigned, org.executor)
    assert message in " ".join(refused.value.message_dict["grounds"])
    assert Answer.objects.get(case=assigned).status == "draft"


@pytest.mark.django_db
@pytest.mark.parametrize("text", ACCEPTED_GROUNDS, ids=[t[:40] for t in ACCEPTED_GROUNDS])
def test_service_accepts_grounds_that_explain(assigned, org, text):
    services.save_answer(assigned, org.executor, kind=AnswerKind.REFUSAL, grounds=text)
    services.submit_answer(assigned, org.executor)
    assert Answer.objects.get(case=assigned).status == "approval"


@pytest.mark.django_db
def test_page_refuses_grounds_without_a_reason_and_warns_on_jargon(assigned, org, client):
    client.force_login(org.executor)
    response = client.post(
        reverse("cases:answer", args=[assigned.pk]),
        {"kind": "refusal", "grounds": SEED_NO_REASON, "submit": "1"},
    )
    assert response.status_code == 400
    assert NO_REASON in response.content.decode()
    assert Answer.objects.get(case=assigned).status == "draft"
    client.post(
        reverse("cases:answer", args=[assigned.pk]),
        {"kind": "refusal", "grounds": POINTER},
    )
    page = client.get(assigned.get_absolute_url()).content.decode()
    assert "Понятный язык: основания отказа" in page and "«данном»" in page


@pytest.mark.django_db
def test_api_refuses_grounds_made_of_act_titles(assigned, org):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(org.executor)
    response = api.post(
        f"/api/cases/{assigned.pk}/answer/",
        {"kind": "refusal", "grounds": SEED_TITLES, "submit": True},
        format="json",
    )
    assert response.status_code == 400
    assert ACT_TITLES in " ".join(response.json()["grounds"])
