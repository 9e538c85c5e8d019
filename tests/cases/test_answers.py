"""Answers: the rules of each kind, approval, registration, and the plain-language
assistant, on real Russian sentences."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import plain_language, services
from cases.choices import ReplyChannel, Status
from cases.models import (
    AnswerKind,
    AnswerStatus,
    CaseEvent,
    Delivery,
    DeliveryStatus,
    EventKind,
    NoAnswerGround,
    UnitCaseSettings,
)
from tests.cases.conftest import moscow

ONLY_REFERENCES = [
    "В соответствии с п. 5 ч. 1 ст. 11 Федерального закона от 02.05.2006 № 59-ФЗ "
    "«О порядке рассмотрения обращений граждан Российской Федерации».",
    "Отказать на основании ст. 12 59-ФЗ.",
    "Согласно ч. 2 ст. 8 Федерального закона от 25.12.2008 № 273-ФЗ «О противодействии "
    "коррупции», п. 3 Указа Президента РФ от 18.05.2009 № 559.",
    "Руководствуясь пунктом 3 части 1 статьи 11 Федерального закона № 59-ФЗ, в рассмотрении "
    "отказано.",
]
EXPLAINED = [
    "Мы не можем выдать копию справки о доходах другого служащего: эти сведения касаются "
    "его личной жизни, и закон разрешает передавать их только ему самому.",
    "Вопрос уже подробно разобран в нашем ответе от 12.02.2026; новых доводов в обращении "
    "нет (ч. 5 ст. 11 59-ФЗ).",
]


@pytest.mark.parametrize("text", ONLY_REFERENCES)
def test_grounds_made_of_references_are_not_grounds(text):
    assert not plain_language.grounds_are_explained(text)


@pytest.mark.parametrize("text", EXPLAINED)
def test_grounds_in_plain_words_pass(text):
    assert plain_language.grounds_are_explained(text)


def test_strip_legal_references_keeps_the_words():
    text = (
        "Сведения не выдаются (ст. 7 Федерального закона от 27.07.2006 № 152-ФЗ "
        "«О персональных данных»): они личные."
    )
    stripped = plain_language.strip_legal_references(text)
    assert "152" not in stripped and "ст." not in stripped and "персональных" not in stripped
    assert "Сведения не выдаются" in stripped and "они личные" in stripped


def test_plain_language_warnings_on_real_sentences():
    text = (
        "<p>В целях исполнения требований данного порядка рассмотрение вопроса о "
        "предоставлении сведений осуществляется комиссией.</p>"
        "<p>В соответствии с вышеизложенным сообщаем, что справку можно подать позже.</p>"
        "<p>Согласно ст. 12 59-ФЗ.</p>"
        "<p>Справку о доходах за 2025 год нужно подать до 30 апреля 2026 года, а если вы не "
        "успеваете по уважительной причине, например из-за болезни или командировки, то "
        "напишите заявление в комиссию и приложите документы, которые подтверждают причину.</p>"
    )
    warnings = plain_language.check(text)
    kinds = [(w.kind, w.sentence) for w in warnings]
    fragments = {w.fragment.lower() for w in warnings if w.kind == "jargon"}
    assert {"в целях", "осуществляется", "рассмотрение вопроса о", "данного",
            "в соответствии с вышеизложенным"} <= fragments  # fmt: skip
    assert ("legal_reference", 3) in kinds
    assert ("long_sentence", 4) in kinds
    assert not [k for k in kinds if k[1] == 2 and k[0] != "jargon"]


def test_plain_text_gives_no_warnings():
    text = "Справку подают до 30 апреля. Если вы болеете, напишите нам: мы продлим срок."
    assert plain_language.check(text) == []


def test_explained_reference_is_not_flagged():
    text = "Подарок дороже 3 000 рублей нужно сдать по акту (п. 7 Типового положения)."
    assert [w for w in plain_language.check(text) if w.kind == "legal_reference"] == []


@pytest.fixture
def assigned(make_case, org):
    return make_case(
        state="assigned",
        reply_channel=ReplyChannel.EMAIL,
        reply_contact="client@example.gov.ru",
        extra_reply_channel=ReplyChannel.POST,
        extra_reply_contact="СПб, Суворовский пр., 67",
    )


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run the on-commit callbacks (task dispatch) of what the block does."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _no_approval(org, unit="ОДС"):
    UnitCaseSettings.objects.update_or_create(
        unit=org.units[unit], defaults={"answers_need_approval": False}
    )


@pytest.mark.django_db
def test_answer_on_the_merits_registered_and_sent_on_both_channels(assigned, org, commit):
    _no_approval(org)
    answer = services.save_answer(
        assigned, org.executor, kind=AnswerKind.MERITS,
        body='<p onclick="x()">Доход по вкладу указывают в разделе 1.</p><script>alert(1)</script>',
        uploads=[SimpleUploadedFile("разъяснение.pdf", b"%PDF-1.4 x")],
    )  # fmt: skip
    assert "script" not in answer.body and "onclick" not in answer.body
    assert answer.attachments.get().original_name == "разъяснение.pdf"
    services.submit_answer(assigned, org.executor)
    with pytest.raises(PermissionDenied):
        services.register_answer(assigned, org.client)
    with commit():
        answer = services.register_answer(assigned, org.executor)
    assert answer.outgoing_number.startswith("ИСХ-") and answer.outgoing_date
    deliveries = {d.channel: d for d in Delivery.objects.filter(answer=answer)}
    assert set(deliveries) == {"email", "post", "portal"}
    assert deliveries["email"].status == DeliveryStatus.SENT
    assert deliveries["portal"].status == DeliveryStatus.DELIVERED
    assert deliveries["post"].status == DeliveryStatus.QUEUED
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["client@example.gov.ru"]
    assert answer.outgoing_number in mail.outbox[0].body
    assert mail.outbox[0].attachments[0][0] == "разъяснение.pdf"
    assigned.refresh_from_db()
    assert assigned.status == Status.SENT
    from cases import delivery

    delivery.mark_delivered(deliveries["post"], org.registrar, "Отправлено заказным письмом")
    assigned.refresh_from_db()
    assert assigned.status == Status.CLOSED
    # The answer's three letters (the acknowledgement of receipt is the fourth line).
    kinds = list(assigned.events.values_list("kind", flat=True))
    assert kinds.count(EventKind.DELIVERY) == 4 and EventKind.ANSWER_REGISTERED in kinds


@pytest.mark.django_db
def test_refusal_needs_grounds_in_plain_words_and_the_heads_approval(assigned, org, commit):
    _no_approval(org)  # refusals go to the head anyway
    services.save_answer(assigned, org.executor, kind=AnswerKind.REFUSAL, grounds="")
    with pytest.raises(ValidationError) as empty:
        services.submit_answer(assigned, org.executor)
    assert "grounds" in empty.value.message_dict
    services.save_answer(assigned, org.executor, kind=AnswerKind.REFUSAL,
                         grounds=ONLY_REFERENCES[0])  # fmt: skip
    with pytest.raises(ValidationError) as refs:
        services.register_answer(assigned, org.executor)
    assert "только ссылки на правовые акты" in " ".join(refs.value.message_dict["grounds"])
    services.save_answer(assigned, org.executor, kind=AnswerKind.REFUSAL, grounds=EXPLAINED[0],
                         body="<p>Уважаемая Анна Сергеевна!</p>")  # fmt: skip
    with pytest.raises(ValidationError):
        services.register_answer(assigned, org.executor)  # not approved yet
    services.submit_answer(assigned, org.executor)
    assigned.refresh_from_db()
    assert assigned.status == Status.APPROVAL
    with pytest.raises(PermissionDenied):
        services.approve_answer(assigned, org.executor)
    with pytest.raises(ValidationError):
        services.return_answer(assigned, org.head, comment="")
    answer = services.return_answer(assigned, org.head, comment="Смягчите тон.")
    assert answer.status == AnswerStatus.RETURNED
    services.submit_answer(assigned, org.executor)
    services.approve_answer(assigned, org.head, comment="Согласовано")
    with commit():
        answer = services.register_answer(assigned, org.executor)
    assert answer.is_registered
    assert "Почему: " + EXPLAINED[0] in mail.outbox[0].body


@pytest.mark.django_db
def test_unit_setting_sends_answers_to_the_head(assigned, org):
    services.save_answer(assigned, org.executor, kind=AnswerKind.MERITS, body="<p>Ответ.</p>")
    answer = services.submit_answer(assigned, org.executor)
    assert answer.status == AnswerStatus.APPROVAL  # default: approval needed
    _no_approval(org)
    services.save_answer(assigned, org.executor, kind=AnswerKind.MERITS, body="<p>Ответ.</p>")
    assert services.submit_answer(assigned, org.executor).status == AnswerStatus.APPROVED


@pytest.mark.django_db
def test_link_to_a_published_answer_within_7_days(make_case, org, demo):
    from kb.models import ArticlePage

    article = (
        ArticlePage.objects.live().filter(kind="faq").first() or ArticlePage.objects.live().first()
    )
    case = make_case(state="assigned", at=moscow(2026, 3, 2, 10))
    _no_approval(org)
    services.save_answer(
        case, org.executor, kind=AnswerKind.LINK, link_url="https://example.com/x/"
    )
    with pytest.raises(ValidationError) as bad:
        services.submit_answer(case, org.executor)
    assert "link_url" in bad.value.message_dict
    services.save_answer(case, org.executor, kind=AnswerKind.LINK, link_url=article.url)
    answer = case.answer
    answer.refresh_from_db()
    services.validate_answer(case, answer, today=moscow(2026, 3, 6, 9).date())  # 9.03 is a holiday
    with pytest.raises(ValidationError) as late:
        services.validate_answer(case, answer, today=moscow(2026, 3, 10, 9).date())
    assert "7" in " ".join(late.value.message_dict["link_url"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "ground,notice",
    [(NoAnswerGround.ANONYMOUS, False), (NoAnswerGround.OBSCENE, True),
     (NoAnswerGround.UNREADABLE, True), (NoAnswerGround.REPEATED, True)],
)  # fmt: skip
def test_left_without_answer_records_the_ground_and_notifies_where_the_law_asks(
    register_post, org, ground, notice, commit
):
    case = register_post()
    case = services.decide_urgency(case, org.registrar, urgent=False)
    case = services.assign(case, org.registrar, unit=org.units["ОДС"], executor=org.executor)
    services.save_answer(case, org.executor, kind=AnswerKind.NO_ANSWER)
    with pytest.raises(ValidationError):
        services.submit_answer(case, org.executor)
    services.save_answer(case, org.executor, kind=AnswerKind.NO_ANSWER, no_answer_ground=ground)
    services.submit_answer(case, org.executor)
    services.approve_answer(case, org.head)
    with commit():
        services.register_answer(case, org.executor)
    case.refresh_from_db()
    assert case.status == Status.NO_ANSWER and case.closed_at
    event = case.events.get(kind=EventKind.ANSWER_REGISTERED)
    assert event.reason  # the ground, in words
    assert Delivery.objects.filter(case=case).exists() is notice


@pytest.mark.django_db
def test_deliveries_are_created_with_the_registration_even_if_the_broker_is_down(
    assigned, org, commit, settings
):
    from celery import current_app

    from intranet import outbox, tasks

    _no_approval(org)
    services.save_answer(assigned, org.executor, kind=AnswerKind.MERITS, body="<p>Ответ.</p>")
    services.submit_answer(assigned, org.executor)

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    original = tasks.send_message.apply_async
    tasks.send_message.apply_async = broker_down
    try:
        with commit():
            answer = services.register_answer(assigned, org.executor)
    finally:
        tasks.send_message.apply_async = original
    assert answer.is_registered and mail.outbox == []
    queued = Delivery.objects.filter(answer=answer, channel="email").get()
    assert queued.status == DeliveryStatus.QUEUED
    assert queued.outgoing.status == "queued"
    # The portal needs no broker: the letter is there once the registration commits.
    portal = Delivery.objects.get(answer=answer, channel="portal")
    assert portal.status == DeliveryStatus.DELIVERED
    assert not outbox.due_for_redispatch().exists()  # too fresh
    settings.OUTBOX_REDISPATCH_MINUTES = 0
    assert current_app.conf.task_always_eager
    # The answer's e-mail, and the acknowledgement of receipt the fixture's registration
    # queued outside any commit (so never sent until now).
    assert tasks.redispatch_outbox() == 2
    assert len(mail.outbox) == 2
    assert sum(answer.outgoing_number in m.body for m in mail.outbox) == 1
    queued.refresh_from_db()
    assert queued.status == DeliveryStatus.SENT
    assert tasks.redispatch_outbox() == 0
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_repeated_task_never_sends_twice(assigned, org, commit):
    from intranet import tasks

    _no_approval(org)
    services.save_answer(assigned, org.executor, kind=AnswerKind.MERITS, body="<p>Ответ.</p>")
    services.submit_answer(assigned, org.executor)
    with commit():
        answer = services.register_answer(assigned, org.executor)
    email = Delivery.objects.get(answer=answer, channel="email")
    assert tasks.send_message(email.outgoing_id) == "done"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == email.outgoing.message_id


@pytest.mark.django_db
def test_a_failed_email_stays_visible_until_a_person_acts(assigned, org, commit, settings):
    from cases import delivery
    from cases.filters import apply_queue
    from cases.models import Case

    _no_approval(org)
    settings.EMAIL_BACKEND = "tests.cases.test_answers.RefusingBackend"
    services.save_answer(assigned, org.executor, kind=AnswerKind.MERITS, body="<p>Ответ.</p>")
    services.submit_answer(assigned, org.executor)
    with commit():
        answer = services.register_answer(assigned, org.executor)
    email = Delivery.objects.get(answer=answer, channel="email")
    assert email.status == DeliveryStatus.FAILED and "550" in email.last_error
    queue = apply_queue(Case.objects.visible_to(org.executor), "delivery_problems", org.executor)
    assert list(queue) == [assigned]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with commit():
        delivery.retry(email, org.executor)
    email.refresh_from_db()
    assert email.status == DeliveryStatus.SENT and len(mail.outbox) == 1
    assert (
        list(apply_queue(Case.objects.visible_to(org.executor), "delivery_problems", org.executor))
        == []
    )
    assert list(email.outgoing.log.values_list("status", flat=True)) == ["failed", "queued", "sent"]
    # The same Message-ID on the try that failed and on the one that went.
    assert mail.outbox[0].extra_headers["Message-ID"] == email.outgoing.message_id


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        import smtplib

        raise smtplib.SMTPRecipientsRefused(
            {"client@example.gov.ru": (550, b"mailbox unavailable")}
        )


@pytest.mark.django_db
def test_timeline_shows_the_answer_steps(assigned, org, commit):
    _no_approval(org)
    services.save_answer(assigned, org.executor, kind=AnswerKind.MERITS, body="<p>Ответ.</p>")
    services.submit_answer(assigned, org.executor)
    with commit():
        services.register_answer(assigned, org.executor)
    kinds = list(CaseEvent.objects.filter(case=assigned).values_list("kind", flat=True))
    for kind in (EventKind.DRAFTED, EventKind.SUBMITTED, EventKind.ANSWER_REGISTERED,
                 EventKind.DELIVERY):  # fmt: skip
        assert kind in kinds


@pytest.mark.django_db
def test_unfilled_placeholders_block_registration(assigned, org):
    _no_approval(org)
    services.save_answer(assigned, org.executor, kind=AnswerKind.MERITS,
                         body="<p>Справку сдают до {deadline}.</p>")  # fmt: skip
    with pytest.raises(ValidationError) as unfilled:
        services.submit_answer(assigned, org.executor)
    assert "{deadline}" in " ".join(unfilled.value.message_dict["body"])


@pytest.mark.django_db
def test_uploads_are_checked_by_content_not_only_by_extension(assigned, org):
    fake = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
    with pytest.raises(ValidationError) as case_file:
        services.submit_question(
            org.client, subject="Вопрос", text="Текст вопроса о справке",
            uploads=[SimpleUploadedFile("справка.pdf", fake)],
        )  # fmt: skip
    assert "справка.pdf" in " ".join(case_file.value.messages)
    with pytest.raises(ValidationError):
        services.save_answer(assigned, org.executor, kind=AnswerKind.MERITS, body="<p>Ответ</p>",
                             uploads=[SimpleUploadedFile("ответ.pdf", fake)])  # fmt: skip


@pytest.mark.django_db
def test_ratings_go_to_the_units_report(assigned, org, commit):
    _no_approval(org)
    with pytest.raises(services.CaseStateError):
        services.rate_answer(assigned, org.client, score=5)
    services.save_answer(assigned, org.executor, kind=AnswerKind.MERITS, body="<p>Ответ.</p>")
    services.submit_answer(assigned, org.executor)
    with commit():
        services.register_answer(assigned, org.executor)
    with pytest.raises(ValidationError):
        services.rate_answer(assigned, org.client, score=0)
    services.rate_answer(assigned, org.client, score=2, comment="Непонятно")
    services.rate_answer(assigned, org.client, score=4, comment="После пояснения понятно")
    assert services.rating_report() == [
        {"unit": "ОДС", "unit_id": org.units["ОДС"].pk, "count": 1, "average": 4.0, "low": 0}
    ]
    assert assigned.events.filter(kind=EventKind.RATED).count() == 2


@pytest.fixture
def administrator(org):
    """A member of the Administrators role group who is not a superuser: what the role
    may do in the admin comes from intranet.permissions, not from is_superuser."""
    from django.contrib.auth.models import Group

    from intranet import roles
    from intranet.accounts.models import User

    user = User.objects.create_user("admin-role", last_name="Настройкин")
    user.groups.add(Group.objects.get(name=roles.ADMINISTRATORS))
    return user


@pytest.mark.django_db
def test_an_administrator_sends_a_units_answers_to_the_head_from_the_admin(
    client, org, assigned, administrator
):
    """The admin screen «Answer approval by unit» changes what happens to answers: with
    approval off an answer of ОДС is approved on submission; an administrator turns it
    on in the admin and the next answer goes to the head. The executor, the head of the
    unit and a client may not change it."""
    from django.urls import reverse

    _no_approval(org)
    setting = UnitCaseSettings.objects.get(unit=org.units["ОДС"])
    services.save_answer(assigned, org.executor, kind=AnswerKind.MERITS, body="<p>Ответ.</p>")
    assert services.submit_answer(assigned, org.executor).status == AnswerStatus.APPROVED

    edit = reverse("unit_case_settings:edit", args=[setting.pk])
    form = {"unit": org.units["ОДС"].pk, "answers_need_approval": "on"}
    for refused in (org.executor, org.head, org.client):
        client.force_login(refused)
        response = client.post(edit, form)
        assert response.status_code in (302, 403), refused.username
        assert response.get("Location") != reverse("unit_case_settings:index")
        setting.refresh_from_db()
        assert not setting.answers_need_approval, refused.username

    client.force_login(administrator)
    assert client.get(reverse("unit_case_settings:index")).status_code == 200
    response = client.post(edit, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("unit_case_settings:index")
    setting.refresh_from_db()
    assert setting.answers_need_approval

    services.save_answer(assigned, org.executor, kind=AnswerKind.MERITS, body="<p>Ответ.</p>")
    answer = services.submit_answer(assigned, org.executor)
    assert answer.status == AnswerStatus.APPROVAL
    assigned.refresh_from_db()
    assert assigned.status == Status.APPROVAL
