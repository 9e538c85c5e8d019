"""The consultation line log: each outcome's required fields (and the refused forms),
who may log and read, KB suggestions through the permission-aware search, a bounded
list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.consultations import services
from cases.consultations.models import Consultation, Outcome

pytestmark = pytest.mark.django_db

BASE = {"channel": "phone", "client_name": "Петрова А. С.", "client_contact": "+7 812 000-00-00",
        "topic": "declarations", "question": "Нужно ли указывать закрытый вклад в справке?",
        "duration_minutes": "6"}  # fmt: skip


@pytest.mark.parametrize(
    ("outcome", "missing", "extra"),
    [
        (Outcome.ANSWERED, "answer", {"answer": "Да, в разделе 4."}),
        (Outcome.REDIRECTED, "redirected_to", None),
        (Outcome.OUTSIDE, "competent_body", {"competent_body": "Жилинспекция",
                                              "competent_body_contacts": "тел. 576-07-01"}),
    ],
)  # fmt: skip
def test_each_outcome_needs_its_fields(client, org, outcome, missing, extra):
    client.force_login(org.executor)
    url = reverse("consultations:log")
    response = client.post(url, dict(BASE, outcome=outcome))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert missing in errors
    assert "question" not in errors  # what was typed is kept
    assert BASE["question"] in response.content.decode()
    assert not Consultation.objects.exists()
    extra = extra or {"redirected_to": str(org.head.pk)}
    response = client.post(url, dict(BASE, outcome=outcome, **extra))
    assert response.status_code == 302
    item = Consultation.objects.get()
    assert item.outcome == outcome and item.recorded_by == org.executor
    assert item.unit_id == org.units["ОДС"].pk


def test_russian_messages_for_missing_fields(client, org):
    client.force_login(org.executor)
    response = client.post(reverse("consultations:log"), dict(BASE, outcome=Outcome.OUTSIDE))
    html = response.content.decode()
    assert "Укажите компетентный орган." in html
    assert "Запишите контакты, сообщённые заявителю." in html


def test_who_may_log_and_read(client, org):
    Consultation.objects.create(
        recorded_by=org.executor, unit=org.units["ОДС"], topic="conflict",
        question="Секретный звонок", outcome=Outcome.ANSWERED, answer="—", duration_minutes=3,
    )  # fmt: skip
    for user in (org.client, org.reader):
        client.force_login(user)
        assert client.get(reverse("consultations:log")).status_code == 403
        data = dict(BASE, outcome="answered", answer="x")
        assert client.post(reverse("consultations:log"), data).status_code == 403
        assert client.get(reverse("consultations:suggest"), {"q": "справка"}).status_code == 403
    assert Consultation.objects.count() == 1
    # Another unit's executor does not see ОДС's log; ОДС's head and executor do.
    assert not services.visible_to(org.executor2).exists()
    assert services.visible_to(org.head).count() == 1
    client.force_login(org.executor2)
    assert "Секретный звонок" not in client.get(reverse("consultations:log")).content.decode()


def test_suggestions_come_from_the_permission_aware_search(client, org, monkeypatch):
    calls = []
    from search import services as search

    original = search.search

    def spy(user, query, **kwargs):
        calls.append((user, query, kwargs.get("kind")))
        return original(user, query, **kwargs)

    monkeypatch.setattr(search, "search", spy)
    client.force_login(org.executor)
    response = client.get(reverse("consultations:suggest"), {"q": "вклад в справке"})
    assert response.status_code == 200 and response.json() == {"results": []}  # empty KB
    assert {kind for _user, _q, kind in calls} == {search.ARTICLE, search.TYPICAL_ANSWER}
    assert all(user == org.executor for user, _q, _kind in calls)
    page = client.get(reverse("consultations:log")).content.decode()
    assert 'data-url="/cases/consultations/suggest/"' in page
    assert "consultations/consultations.js" in page


def test_suggestions_find_articles_as_the_question_is_typed(client, demo):
    from intranet.accounts.models import User

    client.force_login(User.objects.get(username="executor"))
    response = client.get(reverse("consultations:suggest"), {"q": "конфликт интересов уведомить"})
    titles = [item["title"] for item in response.json()["results"]]
    assert titles and any("конфликт" in title.lower() for title in titles)


def test_log_queries_do_not_grow(client, org):
    client.force_login(org.head)
    url = reverse("consultations:log")

    def add(n):
        for i in range(n):
            Consultation.objects.create(
                recorded_by=org.executor, unit=org.units["ОДС"], topic="law",
                question=f"Вопрос {i}", outcome=Outcome.REDIRECTED, redirected_to=org.head,
                duration_minutes=2,
            )  # fmt: skip

    add(1)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(20)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_suggestions_never_offer_an_article_the_user_may_not_open(client, demo):
    from intranet.accounts.models import User
    from kb.demo import publish_article
    from kb.models import ArticlePage, KnowledgeBaseSectionPage

    section = KnowledgeBaseSectionPage.objects.first()
    publish_article(section, title="Зеркальный карп в декларации: открытая статья",
                    slug="karp-open", summary="Зеркальный карп", body=[])  # fmt: skip
    draft = ArticlePage(title="Зеркальный карп в декларации: черновик", slug="karp-draft",
                        summary="Зеркальный карп", live=False)  # fmt: skip
    section.add_child(instance=draft)
    client.force_login(User.objects.get(username="executor"))
    response = client.get(reverse("consultations:suggest"), {"q": "зеркальный карп"})
    titles = [item["title"] for item in response.json()["results"]]
    assert "Зеркальный карп в декларации: открытая статья" in titles
    assert "Зеркальный карп в декларации: черновик" not in titles
