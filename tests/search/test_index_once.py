"""A case's search document is built once per transaction however many times the
transaction saves the case (search.signals): a question's intake saves it three times;
a savepoint rolled back inside the transaction never loses an update."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case
from search.models import CaseDocument
from tests.factories import question_form

pytestmark = pytest.mark.django_db


def _document_writes(captured) -> int:
    return sum(
        q["sql"].startswith(
            ('INSERT INTO "staffsearch_casedocument"', 'UPDATE "staffsearch_casedocument"')
        )
        for q in captured.captured_queries
    )


def test_a_submitted_question_is_indexed_once(client, org, django_capture_on_commit_callbacks):
    client.force_login(org.client)
    question = question_form(subject="Вклад в справке о доходах")
    # The callbacks run when the inner block ends, inside the captured queries.
    with (
        CaptureQueriesContext(connection) as captured,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(reverse("cases:new"), question)
    assert response.status_code == 302
    case = Case.objects.get(subject=question["subject"])
    assert _document_writes(captured) == 1, [q["sql"][:120] for q in captured.captured_queries]
    assert CaseDocument.objects.get(case=case).title == question["subject"]


def test_a_rolled_back_savepoint_loses_no_update(org, django_capture_on_commit_callbacks):
    from tests.cases.factories import CaseFactory

    case = CaseFactory()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        try:
            with transaction.atomic():
                case.subject = "Отменённая тема"
                case.save()
                raise RuntimeError
        except RuntimeError:
            pass
        case.subject = "Тема после отката"
        case.save()
    assert CaseDocument.objects.get(case=case).title == "Тема после отката"
